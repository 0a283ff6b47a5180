import { useEffect } from "react";
import { Link } from "react-router";
import type { OpenRegisterRequests } from "../../../src/server/desk/desk.schema.ts";
import type { MissingFromLessonsView } from "../../../src/server/lessons/lessons.schema.ts";
import { dayLabel } from "../api.ts";
import { useApi } from "../ui/useApi.ts";

/** On Today: registers tutors asked the office to take, not yet taken. */
export function RegisterRequests({ schoolId }: { schoolId: number }) {
  const open = useApi<OpenRegisterRequests>(`/api/schools/${schoolId}/office/register-requests`);
  if (!open.data || open.data.requests.length === 0) return null;
  return (
    <>
      <h2>Registers tutors asked you to take</h2>
      <ul className="cards">
        {open.data.requests.map((r) => (
          <li key={r.id} className="card">
            <Link to={`/registers/${r.groupId}/${r.date}/${r.session}`}>
              Take {r.group} {r.session} register, {dayLabel(r.date)}
            </Link>{" "}
            <span className="muted">asked by {r.requestedBy}</span>
            {r.note ? <p>“{r.note}”</p> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

/** On Today: post-registration truancy, read again every 30 seconds while the page is open. */
export function MissingFromLessons({ schoolId }: { schoolId: number }) {
  const missing = useApi<MissingFromLessonsView>(
    `/api/schools/${schoolId}/office/missing-from-lessons`,
  );
  const { reload } = missing;
  useEffect(() => {
    const timer = setInterval(reload, 30_000);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <>
      <h2>Missing from lessons</h2>
      {!missing.data ? null : missing.data.pupils.length === 0 ? (
        <p>Nobody in at registration is missing from a lesson.</p>
      ) : (
        <ul className="cards">
          {missing.data.pupils.map((m) => (
            <li key={`${m.pupilId}-${m.period}`} className="card card-alert">
              <Link to={`/pupils/${m.pupilId}`}>{m.name}</Link>{" "}
              <span className="muted">{m.group}</span>
              <p>
                Registered ({m.registration}) but absent from {m.class}, {m.period} at {m.starts}{" "}
                (marked by {m.markedBy})
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
