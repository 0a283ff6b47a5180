import { useState } from "react";
import { Link } from "react-router";
import type { WorkItem } from "../../../src/server/cases/cases.schema.ts";
import type {
  Decided,
  ProposalList,
  ProposedActionView,
} from "../../../src/server/policy/policy.schema.ts";
import { api, dayLabel } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

type Proposal = ProposedActionView;

export function Worklist() {
  const { schoolId, can } = useSession();
  const [range, setRange] = useState<"today" | "week">("today");
  const [owner, setOwner] = useState<"me" | "all">("all");
  const work = useApi<{ items: WorkItem[] }>(
    schoolId
      ? `/api/schools/${schoolId}/worklist?range=${range}&owner=${owner}&decisions=false`
      : null,
  );
  const PAGE = 200;
  const [offset, setOffset] = useState(0);
  const [trigger, setTrigger] = useState("");
  const [stage, setStage] = useState("");
  const [yearGroup, setYearGroup] = useState("");
  const [flag, setFlag] = useState("");
  const [byPupil, setByPupil] = useState(true);
  const filters = new URLSearchParams({
    limit: String(PAGE),
    offset: String(offset),
    order: byPupil ? "pupil" : "newest",
    ...(trigger ? { triggerId: trigger } : {}),
    ...(stage ? { stageId: stage } : {}),
    ...(yearGroup ? { yearGroupId: yearGroup } : {}),
    ...(flag ? { flag } : {}),
  });
  const proposals = useApi<ProposalList>(
    schoolId ? `/api/schools/${schoolId}/proposed-actions?${filters}` : null,
  );
  const refilter = (set: (v: string) => void) => (e: { target: { value: string } }) => {
    set(e.target.value);
    setOffset(0);
  };
  const [selected, setSelected] = useState<number[]>([]);
  const [bulkReason, setBulkReason] = useState("");
  const [triggers, setTriggers] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [reasons, setReasons] = useState<Record<number, string>>({});
  const act = async <T,>(action: () => Promise<T>, done: string | ((result: T) => string)) => {
    setError(null);
    try {
      const result = await action();
      setMessage(typeof done === "string" ? done : done(result));
      proposals.reload();
      work.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  const base = `/api/schools/${schoolId}`;
  return (
    <section>
      <h1>My actions</h1>
      <div className="row">
        <label className="inline">
          When
          <select value={range} onChange={(e) => setRange(e.target.value as "today" | "week")}>
            <option value="today">Today</option>
            <option value="week">This week</option>
          </select>
        </label>
        <label className="inline">
          Whose
          <select value={owner} onChange={(e) => setOwner(e.target.value as "me" | "all")}>
            <option value="all">Everyone's</option>
            <option value="me">Mine and unassigned</option>
          </select>
        </label>
        {can("letters.send") && (
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void act(
                () => api.post(`${base}/letters/from-proposals`, {}),
                "Letters written: download them from Letters.",
              )
            }
          >
            Write every letter due
          </button>
        )}
      </div>
      {message && <Notice tone="success">{message}</Notice>}
      <ErrorNotice error={error ?? work.error} />
      {!work.data ? (
        <Loading what="your actions" />
      ) : (
        <ul className="worklist">
          {work.data.items
            .filter((i) => i.kind !== "decide_proposal")
            .map((item) => (
              <li
                key={`${item.kind}${item.pupilId}${item.due}${item.summary}`}
                className={item.overdue ? "overdue" : ""}
              >
                <span className="due">
                  {item.overdue ? "Overdue since " : "Due "}
                  {dayLabel(item.due)}
                </span>{" "}
                <Link to={item.caseId ? `/cases/${item.caseId}` : `/pupils/${item.pupilId}`}>
                  {item.pupil}
                </Link>
                : {item.summary}
              </li>
            ))}
        </ul>
      )}
      <h2>Proposed by the policy</h2>
      {proposals.data && (
        <fieldset className="row toggles">
          <legend className="visually-hidden">Which proposals</legend>
          <p>
            {proposals.data.total === 0
              ? "No proposals"
              : `Showing ${offset + 1}–${offset + proposals.data.proposedActions.length} of ${proposals.data.total} proposal(s)`}
            {trigger ? " for this trigger" : ""}.
          </p>
          <label className="inline">
            Trigger
            <select
              value={trigger}
              onChange={(e) => {
                setTrigger(e.target.value);
                setOffset(0);
              }}
            >
              <option value="">Every trigger</option>
              {Object.entries({
                ...triggers,
                ...knownTriggers(proposals.data.proposedActions),
              }).map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            Stage
            <select value={stage} onChange={refilter(setStage)}>
              <option value="">Any stage</option>
              <option value="none">No open case</option>
              {proposals.data.filters.stages.map((st) => (
                <option key={st.id} value={st.id}>
                  {st.name}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            Year group
            <select value={yearGroup} onChange={refilter(setYearGroup)}>
              <option value="">Every year</option>
              {proposals.data.filters.yearGroups.map((y) => (
                <option key={y.id} value={String(y.id)}>
                  {y.name}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            Flag
            <select value={flag} onChange={refilter(setFlag)}>
              <option value="">Any pupil</option>
              {Object.entries(FLAGS).map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={byPupil}
              onChange={(e) => {
                setByPupil(e.target.checked);
                setOffset(0);
              }}
            />
            One pupil's proposals together
          </label>
          {offset > 0 && (
            <button
              type="button"
              className="secondary"
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Previous {PAGE}
            </button>
          )}
          {offset + proposals.data.proposedActions.length < proposals.data.total && (
            <button type="button" className="secondary" onClick={() => setOffset(offset + PAGE)}>
              Next {PAGE}
            </button>
          )}
        </fieldset>
      )}
      {can("proposals.decide") && selected.length > 0 && (
        <fieldset className="row toggles">
          <legend>Decide the selected proposals</legend>
          <p>{selected.length} selected.</p>
          <button
            type="button"
            onClick={() =>
              void act(
                async () => {
                  const done = await api.post<Decided>(`${base}/proposed-actions/decide`, {
                    proposalIds: selected,
                    decision: "accept",
                  });
                  setSelected([]);
                  return done;
                },
                (done) =>
                  `Accepted ${done.decided.length} proposal(s).${settledNote(done.decided.flatMap((d) => d.superseded).length)}`,
              )
            }
          >
            Accept selected
          </button>
          <label>
            Reason to dismiss the selected
            <input value={bulkReason} onChange={(e) => setBulkReason(e.target.value)} />
          </label>
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void act(async () => {
                await api.post(`${base}/proposed-actions/decide`, {
                  proposalIds: selected,
                  decision: "dismiss",
                  reason: bulkReason,
                });
                setSelected([]);
                setBulkReason("");
              }, `Dismissed ${selected.length} proposal(s).`)
            }
          >
            Dismiss selected
          </button>
        </fieldset>
      )}
      {proposals.data?.proposedActions.length === 0 && <p>Nothing waiting for a decision.</p>}
      <ul className="cards">
        {proposals.data?.proposedActions.map((p) => (
          <li key={p.id} className={`card ${p.manual_review ? "card-alert" : ""}`}>
            {can("proposals.decide") && (
              <label className="inline">
                <input
                  type="checkbox"
                  checked={selected.includes(p.id)}
                  onChange={(e) => {
                    setTriggers((was) => ({ ...was, [p.trigger_id]: p.trigger_name }));
                    setSelected((was) =>
                      e.target.checked ? [...was, p.id] : was.filter((id) => id !== p.id),
                    );
                  }}
                />
                Select {p.pupil}: {p.trigger_name}
              </label>
            )}
            {byPupil && (
              <SamePupil proposals={proposals.data?.proposedActions ?? []} proposal={p} />
            )}
            <h3>
              <Link to={`/pupils/${p.pupil_id}`}>{p.pupil}</Link>: {p.trigger_name}
            </h3>
            <p>{p.explanation}</p>
            <div className="row" hidden={!can("proposals.decide")}>
              <button
                type="button"
                onClick={() =>
                  void act(
                    () =>
                      api.post<Decided["decided"][number]>(
                        `${base}/proposed-actions/${p.id}/accept`,
                      ),
                    (done) => `Accepted for ${p.pupil}.${settledNote(done.superseded.length)}`,
                  )
                }
              >
                Accept
              </button>
              <label>
                Reason to dismiss
                <input
                  value={reasons[p.id] ?? ""}
                  onChange={(e) => setReasons({ ...reasons, [p.id]: e.target.value })}
                />
              </label>
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  void act(
                    () =>
                      api.post(`${base}/proposed-actions/${p.id}/dismiss`, {
                        reason: reasons[p.id] ?? "",
                      }),
                    `Dismissed for ${p.pupil}.`,
                  )
                }
              >
                Dismiss
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The triggers of the proposals shown, for the filter. */
function knownTriggers(proposals: Proposal[]): Record<string, string> {
  return Object.fromEntries(proposals.map((p) => [p.trigger_id, p.trigger_name]));
}

const FLAGS: Record<string, string> = {
  safeguarding_concern: "Safeguarding concern",
  has_social_worker: "Social worker",
  looked_after: "Looked after",
  child_protection_plan: "Child protection plan",
  child_in_need_plan: "Child in need plan",
  medical_condition: "Medical condition",
  sen_support: "SEN support",
  ehcp: "EHCP",
  fsm: "Free school meals",
  pupil_premium: "Pupil premium",
};

/** After an acceptance: how many of the pupil's other proposals it settled. */
function settledNote(superseded: number): string {
  return superseded === 0
    ? ""
    : ` ${superseded} overlapping proposal(s) settled with it (superseded, dismissed with that reason).`;
}

/** Above a pupil's first proposal on the page: how many of theirs are shown together. */
function SamePupil({ proposals, proposal }: { proposals: Proposal[]; proposal: Proposal }) {
  const theirs = proposals.filter((o) => o.pupil_id === proposal.pupil_id);
  if (theirs.length < 2 || theirs[0]?.id !== proposal.id) return null;
  return (
    <p className="muted">
      {theirs.length} proposals for {proposal.pupil} together: accepting one settles those it
      supersedes (the same trigger again, or a stage the case reaches).
    </p>
  );
}
