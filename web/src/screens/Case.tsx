import { Link, useParams } from "react-router";
import { formatPercent } from "../../../src/domain/percent.ts";
import type {
  CaseDetailView,
  ContactLogView,
  EffortsMadeView,
} from "../../../src/server/cases/cases.schema.ts";
import { dayLabel } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";
import { CaseContract } from "./CaseContract.tsx";
import { CaseMeetings } from "./CaseMeetings.tsx";
import { CaseReferrals } from "./CaseReferrals.tsx";
import { CaseStage } from "./CaseStage.tsx";
import { LogContact } from "./LogContact.tsx";

export function CasePage() {
  const { caseId } = useParams();
  const { schoolId, can, permissions } = useSession();
  const base = `/api/schools/${schoolId}/cases/${caseId}`;
  // Working a case is the office's: other roles are told so rather than shown refused buttons.
  const mayWork = can("cases.manage");
  const { data, error, reload } = useApi<CaseDetailView>(schoolId && mayWork ? base : null);
  const contactLog = useApi<ContactLogView>(
    schoolId && data && can("pupils.safeguarding")
      ? `/api/schools/${schoolId}/pupils/${data.pupilId}/contact-log`
      : null,
  );
  const efforts = useApi<EffortsMadeView>(schoolId && data ? `${base}/efforts` : null);
  if (permissions !== null && !mayWork)
    return <Notice tone="warning">Cases are worked by the attendance office and the head.</Notice>;
  if (error) return <ErrorNotice error={error} />;
  if (!data) return <Loading what="the case" />;
  const baseline = formatPercent(data.baseline);
  return (
    <section>
      <h1>
        {data.pupilName}: case {data.id}
      </h1>
      <p>
        <Link to={`/pupils/${data.pupilId}`}>{data.pupilName}'s profile</Link> ·{" "}
        <a href={`${base}/evidence-pack?format=pdf`}>Evidence pack (PDF)</a> ·{" "}
        <a href={`${base}/evidence-pack`}>(JSON)</a>
      </p>
      <dl className="facts">
        <dt>Stage</dt>
        <dd>
          {data.stageName} since {dayLabel(data.stageStartedOn)}
          {data.stageStatus ? ` (${data.stageStatus})` : ""}
        </dd>
        <dt>Status</dt>
        <dd>
          {data.status === "open" ? "Open" : "Closed"}
          {data.outcome ? `: ${data.outcome}` : ""}
        </dd>
        <dt>Attendance when the stage began</dt>
        <dd>{baseline}%</dd>
        <dt>Next review</dt>
        <dd>{data.nextReviewOn ? dayLabel(data.nextReviewOn) : "by the policy's rule"}</dd>
      </dl>
      <CaseStage
        caseBase={base}
        open={data.status === "open"}
        stageId={data.stageId}
        stages={data.stages}
        onChange={reload}
      />
      <CaseMeetings
        schoolBase={`/api/schools/${schoolId}`}
        caseBase={base}
        open={data.status === "open"}
        pupilName={data.pupilName}
        meetings={data.meetings}
        contacts={data.contacts}
        letters={data.meetingLetters}
        rules={data.meetingRules}
        onChange={reload}
      />
      <section aria-labelledby="efforts-heading">
        <h2 id="efforts-heading">What the school has done so far</h2>
        <p className="muted">
          The account a notice to improve sets out ({"{efforts_made}"} in its letter), from the
          whole chronology.
        </p>
        <ErrorNotice error={efforts.error} />
        {efforts.data &&
          (efforts.data.efforts.length === 0 ? (
            <p>No contact or support is recorded yet.</p>
          ) : (
            <ol aria-label="Efforts made so far" className="chronology">
              {efforts.data.efforts.map((e, i) => (
                // One day can hold identical lines (two calls unanswered): the position keys them.
                // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced, never reordered
                <li key={i}>
                  <time dateTime={e.on}>{dayLabel(e.on)}</time> {e.text}
                </li>
              ))}
            </ol>
          ))}
      </section>
      <CaseReferrals
        caseBase={base}
        open={data.status === "open"}
        onChange={() => {
          reload();
          efforts.reload();
        }}
      />
      <CaseContract
        schoolBase={`/api/schools/${schoolId}`}
        caseBase={base}
        open={data.status === "open"}
        contracts={data.contracts}
        meetings={data.meetings}
        contacts={data.contacts}
        stages={data.stages}
        onChange={reload}
      />
      <h2>Contact with the family</h2>
      {contactLog.data && (
        <ul>
          {contactLog.data.contacts.length === 0 && <li>No contacts logged.</li>}
          {contactLog.data.contacts.map((c) => (
            <li key={c.id}>
              {new Date(c.happenedAt).toLocaleString("en-GB", {
                dateStyle: "medium",
                timeStyle: "short",
                timeZone: "Europe/London",
              })}
              : {c.method.replace("_", " ")} · {c.withWhom}: {c.outcome}
              <span className="muted"> · {c.recordedBy}</span>
            </li>
          ))}
        </ul>
      )}
      {data.status === "open" && can("follow_up.record") && (
        <LogContact
          schoolBase={`/api/schools/${schoolId}`}
          pupilId={data.pupilId}
          contacts={data.contacts}
          onDone={contactLog.reload}
        />
      )}
      <h2>Chronology</h2>
      <ol className="chronology">
        {data.events.map((e) => (
          <li key={e.id}>
            <time dateTime={e.happened_on}>{dayLabel(e.happened_on)}</time> {e.summary}{" "}
            <span className="muted">· {e.recorded_by}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
