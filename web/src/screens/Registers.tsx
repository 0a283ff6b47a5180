import { useState } from "react";
import { Link } from "react-router";
import type { RegisterListView } from "../../../src/server/registers/registers.schema.ts";
import { dayLabel, londonToday } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

export function Registers() {
  const { schoolId } = useSession();
  const [date, setDate] = useState(londonToday());
  const { data, error } = useApi<RegisterListView>(
    schoolId ? `/api/schools/${schoolId}/registers?date=${date}` : null,
  );
  return (
    <section>
      <h1>Registers</h1>
      <label className="inline">
        Day
        <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
      </label>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading what="registers" />
      ) : (
        <>
          {data.why && (
            <div className="notice notice-info" role="note">
              <p>
                {data.sessions.length === 0 ? `No registers on ${dayLabel(data.date)}. ` : ""}
                {data.why}
              </p>
              <div className="row">
                {data.previousSchoolDay && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => setDate(data.previousSchoolDay as string)}
                  >
                    Previous school day ({dayLabel(data.previousSchoolDay)})
                  </button>
                )}
                {data.nextSchoolDay && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => setDate(data.nextSchoolDay as string)}
                  >
                    Next school day ({dayLabel(data.nextSchoolDay)})
                  </button>
                )}
              </div>
            </div>
          )}
          {data.sessions.length > 0 && (
            <ul className="cards">
              {data.registers.map((r) => (
                <li key={r.groupId} className="card">
                  <h2>{r.group}</h2>
                  <p className="muted">{dayLabel(data.date)}</p>
                  <div className="row">
                    {data.sessions.map((s) => (
                      <Link
                        key={s}
                        className={`button ${r[s] ? "secondary" : ""}`}
                        to={`/registers/${r.groupId}/${data.date}/${s}`}
                        aria-label={`${r.group} ${s} register${r[s] ? " (taken)" : " (not taken)"}`}
                      >
                        {s} {r[s] ? "✓ taken" : "take"}
                      </Link>
                    ))}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
