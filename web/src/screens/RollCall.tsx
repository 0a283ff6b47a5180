import { useState } from "react";
import { Link } from "react-router";
import type { RollCallView } from "../../../src/server/desk/desk.schema.ts";
import { api } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

type Pupil = RollCallView["forms"][number]["pupils"][number];

const WHERE: Record<Pupil["whereabouts"], string> = {
  on_site: "On site",
  not_marked: "Not marked: look for",
  signed_out: "Signed out",
  away: "Absent or off site",
};

/**
 * Who is on site now, form by form, for a fire drill on a phone: tick each pupil as they are
 * found at the assembly point. Pupils absent or signed out are listed apart, so nobody is sought
 * who is not here.
 */
export function RollCall() {
  const { schoolId } = useSession();
  const path = schoolId ? `/api/schools/${schoolId}/roll-call` : null;
  const roll = useApi<RollCallView>(path);
  const [error, setError] = useState<Error | null>(null);
  const [everyone, setEveryone] = useState(false);
  if (!schoolId) return null;
  const attempt = (action: () => Promise<unknown>) => {
    setError(null);
    action()
      .then(() => roll.reload())
      .catch((e: Error) => setError(e));
  };
  const base = `/api/schools/${schoolId}`;
  const data = roll.data;
  if (!data) return roll.error ? <ErrorNotice error={roll.error} /> : <Loading what="the roll" />;
  const drill = data.drill;
  const toFind = (p: Pupil) => p.whereabouts === "on_site" || p.whereabouts === "not_marked";
  const expected = data.counts.on_site + data.counts.not_marked;
  return (
    <section className="roll-call">
      <div className="row">
        <h1>Roll call</h1>
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print the roll
        </button>
      </div>
      <p>
        {data.at}, {data.session}: <strong>{data.counts.on_site}</strong> on site,{" "}
        {data.counts.not_marked} not marked, {data.counts.signed_out} signed out, {data.counts.away}{" "}
        absent or off site.
      </p>
      <ErrorNotice error={error} />
      {drill ? (
        <Notice tone="warning">
          Roll call under way since{" "}
          {new Date(drill.startedAt).toLocaleTimeString("en-GB", {
            hour: "2-digit",
            minute: "2-digit",
          })}{" "}
          ({drill.startedBy}): <strong>{data.counts.found}</strong> of {expected} found.
        </Notice>
      ) : null}
      <div className="row no-print">
        {drill ? (
          <button
            type="button"
            className="secondary"
            onClick={() => attempt(() => api.post(`${base}/roll-calls/${drill.id}/finish`))}
          >
            Finish the roll call
          </button>
        ) : (
          <button type="button" onClick={() => attempt(() => api.post(`${base}/roll-calls`))}>
            Start a roll call
          </button>
        )}
        <label className="inline">
          <input
            type="checkbox"
            checked={everyone}
            onChange={(e) => setEveryone(e.target.checked)}
          />{" "}
          Show pupils not on site too
        </label>
      </div>
      {data.forms.map((form) => {
        const shown = form.pupils.filter((p) => everyone || toFind(p));
        if (shown.length === 0) return null;
        const found = form.pupils.filter((p) => p.found).length;
        return (
          <div key={form.group} className="roll-form">
            <h2>
              {form.group}{" "}
              <span className="muted">
                {drill
                  ? `${found} of ${form.pupils.filter(toFind).length} found`
                  : `${form.pupils.filter(toFind).length} to find`}
              </span>
            </h2>
            <ul className="roll-list">
              {shown.map((p) => (
                <li key={p.pupilId} className={p.found ? "found" : ""}>
                  {drill && toFind(p) ? (
                    <label>
                      <input
                        type="checkbox"
                        checked={p.found === true}
                        onChange={(e) =>
                          attempt(() =>
                            api.post(`${base}/roll-calls/${drill.id}/ticks`, {
                              pupilId: p.pupilId,
                              found: e.target.checked,
                            }),
                          )
                        }
                      />{" "}
                      {p.name}
                    </label>
                  ) : (
                    <Link to={`/pupils/${p.pupilId}`}>{p.name}</Link>
                  )}{" "}
                  <span className={`where where-${p.whereabouts}`}>{WHERE[p.whereabouts]}</span>
                  {p.tickedBy ? <span className="muted"> · {p.tickedBy}</span> : null}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
