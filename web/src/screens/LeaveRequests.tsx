import { useState } from "react";
import { Link } from "react-router";
import type {
  LeaveDecided,
  LeaveRequestListView,
  LeaveRequestView,
} from "../../../src/server/leave-requests/leave-requests.schema.ts";
import { api, dayLabel } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

type LeaveRequest = LeaveRequestView;

/** Leave requests waiting for the head of school: authorise (coded C) or refuse, with the reason the family is told. */
export function LeaveDecisions({ schoolId }: { schoolId: number }) {
  const pending = useApi<LeaveRequestListView>(
    `/api/schools/${schoolId}/leave-requests?status=pending`,
  );
  const [reasons, setReasons] = useState<Record<number, string>>({});
  // Which of the policy's exceptional circumstances the head finds applies, per request.
  const [circumstances, setCircumstances] = useState<Record<number, string>>({});
  const [holidays, setHolidays] = useState<Record<number, boolean>>({});
  const listed = pending.data?.rules.exceptionalCircumstances ?? [];
  const [error, setError] = useState<Error | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const decide = async (request: LeaveRequest, authorise: boolean) => {
    setError(null);
    try {
      const decided = await api.post<LeaveDecided>(
        `/api/schools/${schoolId}/leave-requests/${request.id}/decide`,
        {
          authorise,
          reason: reasons[request.id] ?? "",
          circumstance: circumstances[request.id] || undefined,
          holiday: holidays[request.id] ?? false,
        },
      );
      setMessage(
        `Leave from ${dayLabel(request.from_date)} ${
          authorise
            ? "authorised: the registers will show C"
            : `refused: if it is taken anyway, record G.${decided.refusalLetter ? ` Write the refusal letter (${decided.refusalLetter}) from ${request.pupil_name}'s page.` : ""}`
        }`,
      );
      pending.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <>
      <h2>Leave requests to decide</h2>
      <ErrorNotice error={error ?? pending.error} />
      {message && <Notice tone="success">{message}</Notice>}
      {pending.data?.requests.length === 0 && <p>None waiting.</p>}
      {pending.data && pending.data.requests.length > 0 && (
        <div className="notice">
          <p>
            Leave in term time only in exceptional circumstances, decided by the head
            {pending.data.rules.holidaysRefused ? "; a holiday is not exceptional" : ""}.
          </p>
          {pending.data.rules.exceptionalCircumstances.length > 0 && (
            <ul aria-label="Exceptional circumstances in the policy">
              {pending.data.rules.exceptionalCircumstances.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <ul className="cards">
        {pending.data?.requests.map((r) => (
          <li key={r.id} className="card">
            <p>
              <Link to={`/pupils/${r.pupil_id}`}>{r.pupil_name}</Link>: {dayLabel(r.from_date)}{" "}
              {r.from_session} to {dayLabel(r.to_date)} {r.to_session}, asked by {r.requested_by}. “
              {r.reason}”
            </p>
            {listed.length > 0 && (
              <label>
                Exceptional circumstance (needed to authorise)
                <select
                  value={circumstances[r.id] ?? ""}
                  onChange={(e) => setCircumstances({ ...circumstances, [r.id]: e.target.value })}
                >
                  <option value="">None of these</option>
                  {listed.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label className="checkbox">
              <input
                type="checkbox"
                checked={holidays[r.id] ?? false}
                onChange={(e) => setHolidays({ ...holidays, [r.id]: e.target.checked })}
              />
              This leave is for a holiday
            </label>
            <label>
              Reason for the decision (the family is told)
              <input
                value={reasons[r.id] ?? ""}
                onChange={(e) => setReasons({ ...reasons, [r.id]: e.target.value })}
              />
            </label>
            <div className="row">
              <button type="button" onClick={() => void decide(r, true)}>
                Authorise
              </button>
              <button type="button" className="secondary" onClick={() => void decide(r, false)}>
                Refuse
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
