import { Link, useParams } from "react-router";
import type { ContactLogView } from "../../../src/server/cases/cases.schema.ts";
import type { PupilLetterList } from "../../../src/server/letters/letters.schema.ts";
import type { ContactCheckView } from "../../../src/server/office/office.schema.ts";
import type { PolicyInForce } from "../../../src/server/policy/policy.schema.ts";
import type {
  MarkHistoryView,
  PupilDetailView,
  PupilStatisticsView,
} from "../../../src/server/pupils/pupils.schema.ts";
import { dayLabel } from "../api.ts";
import { useSession } from "../session.tsx";
import {
  absenceConcern,
  type CalendarDay,
  percent,
  runningAttendance,
  useCodeMeanings,
  YearHeatmap,
} from "../ui/Attendance.tsx";
import { Chart } from "../ui/Chart.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";
import { LogContact } from "./LogContact.tsx";
import { EmailLetterButton } from "./Messaging.tsx";
import { AmendMark, PhotoUpload, PupilDesk } from "./PupilDesk.tsx";
import { PupilRecordAccess } from "./PupilRecordAccess.tsx";
import { RollDeletion } from "./RollDeletion.tsx";
import { SafeguardingFlags } from "./SafeguardingFlags.tsx";

export function PupilProfile() {
  const { pupilId } = useParams();
  const { schoolId, can } = useSession();
  const base = `/api/schools/${schoolId}/pupils/${pupilId}`;
  const pupil = useApi<PupilDetailView>(schoolId ? base : null);
  const stats = useApi<PupilStatisticsView>(schoolId ? `${base}/statistics` : null);
  const calendar = useApi<{ days: CalendarDay[]; range: { from: string; to: string } }>(
    schoolId ? `${base}/calendar?period=year` : null,
  );
  const history = useApi<MarkHistoryView>(schoolId ? `${base}/marks` : null);
  const office = can("office.view");
  const cases = useApi<{
    cases: {
      id: number;
      stage_id: string;
      status: string;
      opened_on: string;
      outcome: string | null;
    }[];
  }>(
    schoolId && can("cases.manage")
      ? `/api/schools/${schoolId}/cases?status=all&pupilId=${pupilId}`
      : null,
  );
  const letters = useApi<PupilLetterList>(
    schoolId && can("letters.view") ? `${base}/letters` : null,
  );
  const contactLog = useApi<ContactLogView>(
    schoolId && can("pupils.safeguarding") ? `${base}/contact-log` : null,
  );
  const meaning = useCodeMeanings();
  const contactCheck = useApi<ContactCheckView>(
    schoolId && office ? `/api/schools/${schoolId}/office/contact-check?pupilId=${pupilId}` : null,
  );
  const policy = useApi<PolicyInForce>(schoolId ? `/api/schools/${schoolId}/policy` : null);
  if (pupil.error) return <ErrorNotice error={pupil.error} />;
  if (!pupil.data) return <Loading what="the pupil" />;
  const p = pupil.data;
  const s = stats.data?.statistics;
  const rate = s
    ? (s.attendanceRate.numerator * 100) / Math.max(1, s.attendanceRate.denominator)
    : null;
  const band = rate !== null ? policy.data?.policy.bands.find((b) => rate >= b.min) : undefined;
  // Changes to a mark, and marks the office recorded with a reason (a late arrival signed in at
  // reception before the register was taken).
  const amendments = (history.data?.history ?? []).filter(
    (h) => h.previousCode !== null || h.source === "amendment",
  );
  const days = calendar.data?.days ?? [];
  const trend = runningAttendance(days);
  return (
    <section>
      <h1>{p.name}</h1>
      <p className="no-print">
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print the summary
        </button>
      </p>
      {schoolId && can("pupils.manage") && (
        <PhotoUpload schoolId={schoolId} pupilId={Number(pupilId)} onDone={() => undefined} />
      )}
      <p className="muted">
        UPN {p.upn} · born {dayLabel(p.dateOfBirth)}
      </p>
      <div className="row flags">
        {Object.entries(p.flags)
          .filter(([, on]) => on)
          .map(([flag]) => (
            <span key={flag} className="tag">
              {flag.replace(/([A-Z])/g, " $1").toLowerCase()}
            </span>
          ))}
        {p.safeguarding?.hasSocialWorker && <span className="tag tag-alert">social worker</span>}
        {p.safeguarding?.lookedAfter && <span className="tag tag-alert">looked after</span>}
      </div>
      {s && (
        <div className="headline">
          <div className="big" style={{ borderColor: band?.colour ?? "#666" }}>
            <span className="figure">{percent(s.attendanceRate)}%</span>
            <span>attendance this year{band ? ` · ${band.name}` : ""}</span>
            <span className="muted">
              {s.attendanceRate.numerator} of {s.attendanceRate.denominator} possible sessions
              attended
            </span>
          </div>
          <dl className="facts">
            <dt>Possible sessions</dt>
            <dd>{s.possible}</dd>
            <dt>Authorised absence</dt>
            <dd>{s.authorised}</dd>
            <dt>Unauthorised absence</dt>
            <dd>{s.unauthorised}</dd>
            <dt>Late</dt>
            <dd>{s.late}</dd>
            <dt>Persistent or severe absence</dt>
            <dd>{absenceConcern(s) ?? "Neither"}</dd>
          </dl>
        </div>
      )}
      {calendar.data && days.length > 0 && (
        <>
          <h2>The year day by day</h2>
          <YearHeatmap days={days} range={calendar.data.range} who={p.name} />
          <h2>Attendance over the year</h2>
          <Chart
            label={`Attendance rising or falling over the year, now ${trend.at(-1)?.[1] ?? "–"}%`}
            option={{
              tooltip: { trigger: "axis" },
              xAxis: { type: "time" },
              yAxis: {
                type: "value",
                min: (v: { min: number }) => Math.max(0, Math.floor(v.min - 5)),
                max: 100,
                name: "%",
              },
              series: [
                {
                  type: "line",
                  showSymbol: false,
                  data: trend,
                  markLine: policy.data
                    ? {
                        symbol: "none",
                        data: [{ yAxis: policy.data.policy.target, name: "Target" }],
                        label: { formatter: "Target {c}%" },
                      }
                    : undefined,
                },
              ],
            }}
          />
        </>
      )}
      {s && (
        <Table
          caption="Sessions by code"
          rowKey={(r) => r.code}
          rows={Object.entries(s.byCode).map(([code, n]) => ({ code, n }))}
          columns={[
            { key: "code", label: "Code", value: (r) => r.code },
            { key: "meaning", label: "Meaning", value: (r) => meaning(r.code) },
            { key: "n", label: "Sessions", value: (r) => r.n, numeric: true },
          ]}
        />
      )}
      {schoolId && can("marks.amend") && (
        <AmendMark schoolId={schoolId} pupilId={Number(pupilId)} onDone={history.reload} />
      )}
      <h2>Amendments</h2>
      <Table
        caption="Changes to recorded marks"
        rowKey={(h) => `${h.date}${h.session}${h.changedAt}`}
        rows={amendments}
        empty="No marks have been changed."
        columns={[
          { key: "when", label: "Session", value: (h) => `${h.date} ${h.session}` },
          { key: "from", label: "Was", value: (h) => h.previousCode },
          { key: "to", label: "Now", value: (h) => h.code },
          { key: "by", label: "By", value: (h) => h.changedBy },
          { key: "at", label: "When", value: (h) => new Date(h.changedAt).toLocaleString("en-GB") },
          { key: "why", label: "Why", value: (h) => h.reason },
        ]}
      />
      {schoolId && office && <PupilDesk schoolId={schoolId} pupilId={Number(pupilId)} />}
      {p.contacts && (
        <>
          <h2>Contacts</h2>
          {contactCheck.data?.pupils[0] && (
            <Notice tone="warning">
              Contact details to put right: {contactCheck.data.pupils[0].reasons.join("; ")}.
            </Notice>
          )}
          <ol>
            {p.contacts.map((c) => (
              <li key={c.id}>
                {c.name} ({c.relationship}) {c.phone} {c.email}{" "}
                {c.parental_responsibility ? "" : "· no parental responsibility"}
              </li>
            ))}
          </ol>
        </>
      )}
      {cases.data && (
        <>
          <h2>Cases</h2>
          {cases.data.cases.length === 0 ? (
            <p>No attendance cases.</p>
          ) : (
            <ul>
              {cases.data.cases.map((c) => (
                <li key={c.id}>
                  <Link to={`/cases/${c.id}`}>
                    Case {c.id}: {c.stage_id.replaceAll("_", " ")} ({c.status}
                    {c.outcome ? `, ${c.outcome}` : ""}) opened {dayLabel(c.opened_on)}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {letters.data && <h2>Letters</h2>}
      {letters.data?.letters.length === 0 && <p>No letters sent.</p>}
      <ul>
        {letters.data?.letters.map((l) => (
          <li key={l.id}>
            {dayLabel(l.issued_on)}: {l.letter_id.replaceAll("_", " ")} to {l.addressee} ·{" "}
            <a href={`/api/schools/${schoolId}/letters/${l.id}/pdf`}>PDF</a> ·{" "}
            <a href={`/api/schools/${schoolId}/letters/${l.id}/docx`}>Word</a>
            {schoolId && can("letters.send") ? (
              <>
                {" "}
                · <EmailLetterButton schoolId={schoolId} letterRecordId={l.id} />
              </>
            ) : null}
          </li>
        ))}
      </ul>
      {contactLog.data && (
        <Table
          caption="Contact with the family"
          rowKey={(c) => c.id}
          rows={contactLog.data.contacts}
          empty="No contacts logged."
          columns={[
            {
              key: "at",
              label: "When",
              value: (c) => new Date(c.happenedAt).toLocaleString("en-GB"),
            },
            { key: "method", label: "How", value: (c) => c.method.replace("_", " ") },
            { key: "with", label: "With", value: (c) => c.withWhom },
            { key: "outcome", label: "Outcome", value: (c) => c.outcome },
            { key: "by", label: "By", value: (c) => c.recordedBy },
          ]}
        />
      )}
      <SafeguardingFlags pupilId={pupilId as string} />
      <RollDeletion pupilId={pupilId as string} leavingDate={p.leavingDate} />
      {can("follow_up.record") && (
        <LogContact
          schoolBase={`/api/schools/${schoolId}`}
          pupilId={Number(pupilId)}
          contacts={p.contacts ?? []}
          onDone={contactLog.reload}
        />
      )}
      <PupilRecordAccess pupilId={pupilId as string} />
    </section>
  );
}
