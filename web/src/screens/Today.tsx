import { useState } from "react";
import { Link } from "react-router";
import type {
  AbsenceReportView,
  CallListResponse,
  CallOutcomeBody,
  FollowUpPupilView,
} from "../../../src/server/follow-up/follow-up.schema.ts";
import type { NCodesView, OfficeTodayView } from "../../../src/server/office/office.schema.ts";
import { api, dayLabel } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { pupilNameColumn } from "../ui/PupilColumn.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";
import { ContactsToCheck } from "./ContactCheck.tsx";
import { LeaveDecisions } from "./LeaveRequests.tsx";
import { UndeliveredMessages } from "./Messaging.tsx";
import { MissingFromLessons, RegisterRequests } from "./OfficeDesk.tsx";

type NCode = NCodesView["nCodes"][number];

function CallCard({
  pupil,
  schoolId,
  onDone,
  mayRecord,
}: {
  pupil: FollowUpPupilView;
  schoolId: number;
  onDone: () => void;
  /** Logging calls is the office's; others (the DSL) see the list without the buttons. */
  mayRecord: boolean;
}) {
  const [code, setCode] = useState("I");
  const [reason, setReason] = useState("");
  const [reasonFrom, setReasonFrom] = useState<number | null>(pupil.contacts[0]?.id ?? null);
  const [error, setError] = useState<Error | null>(null);
  const contactOf = (id: number | null) => pupil.contacts.find((c) => c.id === id);
  const log = async (
    method: CallOutcomeBody["method"],
    outcome: CallOutcomeBody["outcome"],
    contactId: number | null,
    withCode = false,
  ) => {
    setError(null);
    const contact = contactOf(contactId);
    try {
      const body: CallOutcomeBody = {
        method,
        outcome,
        withWhom: contact ? `${contact.name} (${contact.relationship})` : "family",
        contactId: contact?.id ?? null,
        ...(withCode ? { code, reason: reason || null } : {}),
      };
      await api.post(`/api/schools/${schoolId}/office/call-list/${pupil.pupilId}/outcome`, body);
      onDone();
    } catch (e) {
      setError(e as Error);
    }
  };
  /** Today's calls to one contact, latest last: what the card shows beside them. */
  const callsTo = (id: number) =>
    pupil.attemptsToday.filter((a) => a.method === "phone" && a.contactId === id);
  const first = pupil.contacts[0];
  return (
    <li className={`card ${pupil.safeguardingConcern ? "card-alert" : ""}`}>
      <h3>
        <Link to={`/pupils/${pupil.pupilId}`}>{pupil.name}</Link>{" "}
        <span className="muted">{pupil.group}</span>
      </h3>
      <p>
        Absent {pupil.sessions.join(" and ")} with no reason · day {pupil.day}
        {pupil.safeguardingConcern ? <strong> · safeguarding concern</strong> : null}
      </p>
      <ol className="contacts" aria-label={`Contacts for ${pupil.name}, in priority order`}>
        {pupil.contacts.map((c) => {
          const calls = callsTo(c.id);
          const last = calls.at(-1);
          const who = `${c.name} (${c.relationship})`;
          return (
            <li key={c.id}>
              {who} {c.phone ? <a href={`tel:${c.phone.replace(/\s/g, "")}`}>{c.phone}</a> : null}{" "}
              <span className="muted">
                {!c.phone
                  ? "no phone number"
                  : last
                    ? `called ${last.at}: ${last.outcome}${calls.length > 1 ? ` (${calls.length} calls)` : ""}`
                    : "not called yet"}
              </span>
              {c.phone && (
                <span className="row" hidden={!mayRecord}>
                  <button
                    type="button"
                    className="secondary small"
                    aria-label={`Called ${who}: answered`}
                    onClick={() => {
                      setReasonFrom(c.id);
                      void log("phone", "reached", c.id);
                    }}
                  >
                    Answered
                  </button>
                  <button
                    type="button"
                    className="secondary small"
                    aria-label={`Called ${who}: no answer`}
                    onClick={() => void log("phone", "no answer", c.id)}
                  >
                    No answer
                  </button>
                  <button
                    type="button"
                    className="secondary small"
                    aria-label={`Called ${who}: left a message`}
                    onClick={() => void log("phone", "left message", c.id)}
                  >
                    Left message
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ol>
      <ul className="steps">
        {pupil.steps.map((s) => (
          <li key={s.kind} className={s.done ? "done" : s.overdue ? "overdue" : ""}>
            {s.done ? "✓ " : s.overdue ? "Overdue: " : ""}
            {s.why}
          </li>
        ))}
      </ul>
      {pupil.attemptsToday.length > 0 && (
        <p className="muted">
          Tried:{" "}
          {pupil.attemptsToday
            .map((a) => `${a.at} ${a.method} ${a.withWhom} (${a.outcome})`)
            .join("; ")}
        </p>
      )}
      <ErrorNotice error={error} />
      <div className="row" hidden={!mayRecord}>
        <button
          type="button"
          className="secondary"
          onClick={() => void log("text", "message sent", first?.id ?? null)}
        >
          Text sent
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => void log("home_visit", "not home", first?.id ?? null)}
        >
          Home visit: no one in
        </button>
      </div>
      <div className="row" hidden={!mayRecord}>
        {pupil.contacts.length > 1 && (
          <label>
            Reason given by
            <select
              value={reasonFrom ?? ""}
              onChange={(e) => setReasonFrom(e.target.value ? Number(e.target.value) : null)}
            >
              {pupil.contacts.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.relationship})
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Reason code
          <select value={code} onChange={(e) => setCode(e.target.value)}>
            <option value="I">I illness</option>
            <option value="M">M medical appointment</option>
            <option value="R">R religious observance</option>
            <option value="C">C exceptional circumstances</option>
            <option value="G">G holiday, not authorised</option>
            <option value="O">O other unauthorised</option>
          </select>
        </label>
        <label>
          What they said
          <input value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <button type="button" onClick={() => void log("phone", "reason given", reasonFrom, true)}>
          Reached: record reason
        </button>
      </div>
    </li>
  );
}

export function Today() {
  const { schoolId, can } = useSession();
  const base = `/api/schools/${schoolId}`;
  const today = useApi<OfficeTodayView>(schoolId ? `${base}/office/today` : null);
  const calls = useApi<CallListResponse>(schoolId ? `${base}/office/call-list` : null);
  const nCodes = useApi<NCodesView>(schoolId ? `${base}/office/n-codes` : null);
  const reports = useApi<{ reports: AbsenceReportView[] }>(
    schoolId ? `${base}/absence-reports` : null,
  );
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);
  if (!schoolId) return null;
  const attempt = (action: () => Promise<void>) => {
    setFailure(null);
    action().catch((e: Error) => setFailure(e));
  };
  const reloadAll = () => {
    calls.reload();
    today.reload();
    nCodes.reload();
    reports.reload();
  };
  const resolve = async (n: NCode, code: string) => {
    await api.post(`${base}/marks/amendments`, {
      pupilId: n.pupilId,
      date: n.date,
      session: n.session,
      code,
      baseVersion: n.version,
      reason: code === "O" ? "No reason established within 5 school days" : "Reason received",
    });
    setMessage(`${n.name}: ${dayLabel(n.date)} ${n.session} recorded as ${code}.`);
    reloadAll();
  };
  const decide = async (report: AbsenceReportView, accept: boolean) => {
    if (accept)
      await api.post(`${base}/absence-reports/${report.id}/accept`, {
        code: report.suggested_code ?? "I",
      });
    else
      await api.post(`${base}/absence-reports/${report.id}/reject`, {
        reason: "Not accepted by the office",
      });
    reloadAll();
  };
  return (
    <section>
      <div className="row">
        <h1>Today{today.data ? `: ${dayLabel(today.data.date)}` : ""}</h1>
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print the day's lists
        </button>
        <Link to="/desk" className="no-print">
          Reception
        </Link>
        <Link to="/roll-call" className="no-print">
          Roll call
        </Link>
      </div>
      {message && <Notice tone="success">{message}</Notice>}
      <ErrorNotice error={failure ?? today.error ?? calls.error ?? nCodes.error} />
      <h2>Registers not taken</h2>
      {!today.data ? (
        <Loading what="registers" />
      ) : today.data.registersNotTaken.length === 0 ? (
        <p>Every register due so far has been taken.</p>
      ) : (
        <ul className="inline-list">
          {today.data.registersNotTaken.map((r) => (
            <li key={`${r.groupId}${r.session}`}>
              <Link to={`/registers/${r.groupId}/${today.data?.date}/${r.session}`}>
                {r.group} {r.session}
              </Link>{" "}
              <span className="muted">({r.owners.join(", ") || "no tutor"})</span>
            </li>
          ))}
        </ul>
      )}
      <RegisterRequests schoolId={schoolId} />
      <MissingFromLessons schoolId={schoolId} />
      <h2>Absent with no reason: call list</h2>
      {!calls.data ? (
        <Loading what="the call list" />
      ) : calls.data.pupils.length === 0 ? (
        <p>No unexplained absences today.</p>
      ) : (
        <ul className="cards">
          {calls.data.pupils.map((p) => (
            <CallCard
              key={p.pupilId}
              pupil={p}
              schoolId={schoolId}
              onDone={reloadAll}
              mayRecord={can("follow_up.record")}
            />
          ))}
        </ul>
      )}
      <h2>Reasons sent by parents</h2>
      {reports.data && reports.data.reports.length === 0 && <p>None waiting.</p>}
      <ul className="cards">
        {reports.data?.reports.map((r) => (
          <li key={r.id} className="card">
            <p>
              <Link to={`/pupils/${r.pupil_id}`}>{r.pupil_name}</Link>: {dayLabel(r.from_date)}
              {r.to_date !== r.from_date ? ` to ${dayLabel(r.to_date)}` : ""}. “{r.reason}” (
              {r.reported_by})
            </p>
            <div className="row" hidden={!can("absence_reports.decide")}>
              <button type="button" onClick={() => attempt(() => decide(r, true))}>
                Accept as {r.suggested_code ?? "I"}
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => attempt(() => decide(r, false))}
              >
                Reject
              </button>
            </div>
          </li>
        ))}
      </ul>
      {can("leave.authorise") && <LeaveDecisions schoolId={schoolId} />}
      <h2>Lates</h2>
      {today.data && (
        <Table
          caption="Late today"
          rowKey={(r) => `${r.pupilId}${r.session}`}
          rows={today.data.lates}
          columns={[
            pupilNameColumn(),
            { key: "group", label: "Group", value: (r) => r.group },
            { key: "session", label: "Session", value: (r) => r.session },
            { key: "code", label: "Code", value: (r) => r.code },
            { key: "minutes", label: "Minutes late", value: (r) => r.minutesLate, numeric: true },
          ]}
        />
      )}
      <h2>N codes to resolve (5 school days)</h2>
      {nCodes.data && (
        <Table
          caption="Outstanding N codes"
          rowKey={(n) => `${n.pupilId}${n.date}${n.session}`}
          rows={nCodes.data.nCodes}
          firstRows={20}
          columns={[
            pupilNameColumn(),
            { key: "date", label: "Session", value: (n) => `${n.date} ${n.session}` },
            {
              key: "days",
              label: "School days since",
              value: (n) => n.schoolDaysElapsed,
              numeric: true,
            },
            {
              key: "deadline",
              label: "Deadline",
              value: (n) => n.deadline,
              render: (n) => (n.due ? <strong>Due now</strong> : n.deadline),
            },
            {
              key: "act",
              label: "Resolve",
              value: () => null,
              render: (n) => (
                <span className="row" hidden={!can("marks.amend")}>
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => attempt(() => resolve(n, "I"))}
                  >
                    I
                  </button>
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => attempt(() => resolve(n, "O"))}
                    aria-label={`Record ${n.name} ${n.date} ${n.session} as O, no reason found`}
                  >
                    O
                  </button>
                </span>
              ),
            },
          ]}
        />
      )}
      <ContactsToCheck schoolId={schoolId} />
      <UndeliveredMessages schoolId={schoolId} />
    </section>
  );
}
