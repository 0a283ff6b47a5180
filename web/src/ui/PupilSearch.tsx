import { useEffect, useId, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import type { PupilSearchView } from "../../../src/server/pupils/pupils.schema.ts";
import { useApi } from "./useApi.ts";

type PupilFound = PupilSearchView["pupils"][number];

/** Waits for a pause in typing, so each key does not cost a request. */
function useSettled(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Every page's header: find a pupil by name, UPN or form and go to their page. */
export function PupilSearch({ schoolId }: { schoolId: number }) {
  const [text, setText] = useState("");
  const settled = useSettled(text.trim());
  const navigate = useNavigate();
  const location = useLocation();
  const listId = useId();
  const { data, error, loading } = useApi<{ pupils: PupilFound[]; more: boolean }>(
    settled.length >= 2
      ? `/api/schools/${schoolId}/pupils/search?q=${encodeURIComponent(settled)}`
      : null,
  );
  // Leaving the page closes the results.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the address is the trigger
  useEffect(() => setText(""), [location.pathname]);
  const shown = text.trim().length >= 2 && settled === text.trim();
  const first = data?.pupils[0];
  return (
    <search className="pupil-search">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (shown && first) navigate(`/pupils/${first.id}`);
        }}
      >
        <label>
          <span className="visually-hidden">Find a pupil</span>
          <input
            type="search"
            placeholder="Pupil: name, UPN or form"
            value={text}
            aria-describedby={listId}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => e.key === "Escape" && setText("")}
          />
        </label>
      </form>
      <div id={listId} className="pupil-search-results" aria-live="polite">
        {shown && loading && !data && <p className="muted">Searching…</p>}
        {shown && error && <p>{error.message}</p>}
        {shown && data && data.pupils.length === 0 && <p>No pupil matches “{settled}”.</p>}
        {shown && data && data.pupils.length > 0 && (
          <ul aria-label="Pupils found">
            {data.pupils.map((p) => (
              <li key={p.id}>
                <Link to={`/pupils/${p.id}`}>
                  {p.name}
                  <span className="muted">
                    {" "}
                    {p.form ?? "no form"} · {p.upn}
                  </span>
                </Link>
              </li>
            ))}
            {data.more && <li className="muted">More pupils match: type more of the name.</li>}
          </ul>
        )}
      </div>
    </search>
  );
}
