import { type FormEvent, useState } from "react";
import type { PupilLetterList } from "../../../src/server/letters/letters.schema.ts";
import type {
  PupilListView,
  PupilStatisticsView,
  PupilView,
} from "../../../src/server/pupils/pupils.schema.ts";
import { api, dayLabel, londonToday } from "../api.ts";
import { useSession } from "../session.tsx";
import { type CalendarDay, percent, useCodeMeanings, YearHeatmap } from "../ui/Attendance.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

type Child = PupilView;

interface LeaveRequest {
  id: number;
  pupil_id: number;
  from_date: string;
  to_date: string;
  status: string;
  decision_reason: string | null;
}

function tomorrow(): string {
  const d = new Date(`${londonToday()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** A day and a half of it (morning or afternoon), as one start or end of an absence. */
function DayAndSession(props: {
  label: string;
  day: string;
  earliest: string;
  session: string;
  onDay: (day: string) => void;
  onSession: (session: string) => void;
}) {
  return (
    <>
      <label>
        {props.label}
        <input
          type="date"
          required
          min={props.earliest}
          value={props.day}
          onChange={(e) => props.onDay(e.target.value)}
        />
      </label>
      <label>
        <span className="visually-hidden">{props.label} session</span>
        <select value={props.session} onChange={(e) => props.onSession(e.target.value)}>
          <option value="AM">morning</option>
          <option value="PM">afternoon</option>
        </select>
      </label>
    </>
  );
}

/** A form for an absence or a leave request: the dates, the sessions and the reason. */
function AbsenceForm({
  child,
  kind,
  onSent,
}: {
  child: Child;
  kind: "report" | "leave";
  onSent: (message: string) => void;
}) {
  const { schoolId } = useSession();
  const first = kind === "report" ? londonToday() : tomorrow();
  const [fromDate, setFromDate] = useState(first);
  const [toDate, setToDate] = useState(first);
  const [fromSession, setFromSession] = useState("AM");
  const [toSession, setToSession] = useState("PM");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [sending, setSending] = useState(false);
  const id = `${kind}-${child.id}`;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      const path = kind === "report" ? "absence-reports" : "leave-requests";
      await api.post(`/api/schools/${schoolId}/pupils/${child.id}/${path}`, {
        fromDate,
        fromSession,
        toDate,
        toSession,
        reason,
      });
      setReason("");
      onSent(
        kind === "report"
          ? `Thank you: the school has ${child.name}'s absence and will confirm it.`
          : `Your request for ${child.name} has gone to the head of school, who will decide and tell you.`,
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setSending(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`} className="card">
      <h3 id={`${id}-title`}>
        {kind === "report" ? "Report an absence" : "Ask for leave in exceptional circumstances"}
      </h3>
      <p className="muted">
        {kind === "report"
          ? "For illness today or an appointment coming up. The school may ask for evidence."
          : "Leave in term time is only granted in exceptional circumstances; ask in advance."}
      </p>
      <ErrorNotice error={error} />
      <div className="row">
        <DayAndSession
          label="From"
          day={fromDate}
          earliest={first}
          session={fromSession}
          onDay={setFromDate}
          onSession={setFromSession}
        />
        <DayAndSession
          label="To"
          day={toDate}
          earliest={fromDate}
          session={toSession}
          onDay={setToDate}
          onSession={setToSession}
        />
      </div>
      <label>
        {kind === "report" ? "Reason" : "The exceptional circumstances"}
        <textarea required rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" disabled={sending}>
        {sending ? "Sending…" : kind === "report" ? "Send to the school" : "Send the request"}
      </button>
    </form>
  );
}

function ChildPanel({ child, requests }: { child: Child; requests: LeaveRequest[] }) {
  const { schoolId } = useSession();
  const base = `/api/schools/${schoolId}/pupils/${child.id}`;
  const stats = useApi<PupilStatisticsView>(`${base}/statistics`);
  const calendar = useApi<{ days: CalendarDay[]; range: { from: string; to: string } }>(
    `${base}/calendar?period=year`,
  );
  const letters = useApi<PupilLetterList>(`${base}/letters`);
  const [message, setMessage] = useState<string | null>(null);
  const meaning = useCodeMeanings();
  const s = stats.data?.statistics;
  const recent = (calendar.data?.days ?? []).slice(-10).reverse();
  return (
    <article className="child" aria-labelledby={`child-${child.id}`}>
      <h2 id={`child-${child.id}`}>{child.name}</h2>
      <ErrorNotice error={stats.error ?? calendar.error} />
      {s ? (
        <div className="headline">
          <div className="big">
            <span className="figure">{percent(s.attendanceRate)}%</span>
            <span>attendance this school year</span>
          </div>
          <dl className="facts">
            <dt>Sessions so far</dt>
            <dd>{s.possible}</dd>
            <dt>Missed with permission</dt>
            <dd>{s.authorised}</dd>
            <dt>Missed without permission</dt>
            <dd>{s.unauthorised}</dd>
            <dt>Late</dt>
            <dd>{s.late}</dd>
          </dl>
        </div>
      ) : (
        <Loading what="attendance" />
      )}
      {calendar.data && calendar.data.days.length > 0 && (
        <YearHeatmap days={calendar.data.days} range={calendar.data.range} who={child.name} />
      )}
      {recent.length > 0 && (
        <>
          <h3>The last ten school days</h3>
          <ul className="recent-days">
            {recent.map((d) => (
              <li key={d.date}>
                <strong>{dayLabel(d.date)}</strong>: morning {meaning(d.am)}; afternoon{" "}
                {meaning(d.pm)}
              </li>
            ))}
          </ul>
        </>
      )}
      {message && <Notice tone="success">{message}</Notice>}
      <div className="two-columns">
        <AbsenceForm child={child} kind="report" onSent={setMessage} />
        <AbsenceForm child={child} kind="leave" onSent={setMessage} />
      </div>
      <h3>Leave requests</h3>
      {requests.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {requests.map((r) => (
            <li key={r.id}>
              {dayLabel(r.from_date)} to {dayLabel(r.to_date)}: <strong>{r.status}</strong>
              {r.decision_reason ? ` (${r.decision_reason})` : ""}
            </li>
          ))}
        </ul>
      )}
      <h3>Letters from the school</h3>
      {letters.data?.letters.length === 0 && <p>No letters.</p>}
      <ul>
        {letters.data?.letters.map((l) => (
          <li key={l.id}>
            {dayLabel(l.issued_on)}: {l.letter_id.replaceAll("_", " ")} ·{" "}
            <a href={`/api/schools/${schoolId}/letters/${l.id}/pdf`}>read (PDF)</a>
          </li>
        ))}
      </ul>
    </article>
  );
}

/** The parent portal: each child's attendance, reporting absence, asking for leave, letters. */
export function Parent() {
  const { schoolId } = useSession();
  const children = useApi<PupilListView>(schoolId ? `/api/schools/${schoolId}/pupils` : null);
  const requests = useApi<{ requests: LeaveRequest[] }>(
    schoolId ? `/api/schools/${schoolId}/leave-requests` : null,
  );
  if (children.error) return <ErrorNotice error={children.error} />;
  if (!children.data) return <Loading what="your children" />;
  return (
    <section>
      <h1>My children</h1>
      {children.data.pupils.length === 0 && (
        <p>
          No children are linked to your account at this school. Please contact the school office.
        </p>
      )}
      {children.data.pupils.map((child) => (
        <ChildPanel
          key={child.id}
          child={child}
          requests={(requests.data?.requests ?? []).filter((r) => r.pupil_id === child.id)}
        />
      ))}
    </section>
  );
}
