import { type FormEvent, useState } from "react";
import { formatPercent } from "../../../src/domain/percent.ts";
import type {
  FamilyContact,
  CaseMeetingView as Meeting,
} from "../../../src/server/cases/cases.schema.ts";
import type {
  AgreeContractBody,
  AgreedContract,
  ContractDetail as Contract,
  ContractReview,
  ReviewContractBody,
} from "../../../src/server/cases/contracts.schema.ts";
import { api, dayLabel } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";

const percent = (attended: number, possible: number) =>
  possible ? `${formatPercent({ numerator: attended, denominator: possible })}%` : "–";

/** Lines of a textarea as a list, blank lines dropped. */
const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/** "Meet at the gate / Ms Dale / 2026-01-30": what, who gives it, by when (the last two optional). */
const supportLine = (by: "school" | "partner") => (line: string) => {
  const [action = "", ...rest] = line.split("/").map((p) => p.trim());
  const due = rest.find((p) => /^\d{4}-\d{2}-\d{2}$/.test(p));
  const who = rest.find((p) => p && p !== due);
  return by === "partner"
    ? { by, partner: who ?? "Partner", action, ...(due ? { due } : {}) }
    : { by, action, ...(who ? { owner: who } : {}), ...(due ? { due } : {}) };
};

function AgreeContract({
  base,
  meetings,
  contacts,
  onDone,
}: {
  base: string;
  meetings: Meeting[];
  contacts: FamilyContact[];
  onDone: (message: string) => void;
}) {
  const withParent = meetings.filter(
    (m) => m.status === "held" && (m.attended ?? []).some((a) => a.role === "parent"),
  );
  const parents = contacts.filter((c) => c.parentalResponsibility);
  // Chosen, or the latest held with a parent (the list grows while the form is on screen).
  const [chosenMeeting, setMeetingId] = useState("");
  const meetingId = chosenMeeting || String(withParent.at(-1)?.id ?? "");
  const [target, setTarget] = useState("95");
  const [targetBy, setTargetBy] = useState("");
  const [barriers, setBarriers] = useState("");
  const [school, setSchool] = useState("");
  const [partner, setPartner] = useState("");
  const [parentWill, setParentWill] = useState("");
  const [pupilWill, setPupilWill] = useState("");
  const [agreedBy, setAgreedBy] = useState<string[]>([]);
  const [error, setError] = useState<Error | null>(null);
  if (withParent.length === 0) {
    const missed = meetings.filter((m) => m.status === "failed_to_attend").at(-1);
    return (
      <Notice tone="info">
        A contract is agreed with the parents at a meeting they attend: record one held with a
        parent first.
        {missed &&
          ` The family did not attend the ${missed.kind.replaceAll("_", " ")}: record a professionals' meeting to agree support without them instead.`}
      </Notice>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const agreed = await api.post<AgreedContract>(`${base}/contracts`, {
        meetingId: Number(meetingId),
        targetPercent: Number(target),
        targets: targetBy ? [{ percent: Number(target), by: targetBy }] : [],
        barriers: lines(barriers),
        support: [
          ...lines(school).map(supportLine("school")),
          ...lines(partner).map(supportLine("partner")),
        ],
        parentCommitments: lines(parentWill),
        pupilCommitments: lines(pupilWill),
        parentsAgreed: agreedBy,
      } satisfies AgreeContractBody);
      onDone(`Contract recorded; first review ${dayLabel(agreed.reviewOn)}.`);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-label="Record an attendance contract"
      className="card"
    >
      <h3>Record the agreed contract</h3>
      <ErrorNotice error={error} />
      <label>
        Agreed at
        <select value={meetingId} onChange={(e) => setMeetingId(e.target.value)}>
          {withParent.map((m) => (
            <option key={m.id} value={m.id}>
              {m.kind.replaceAll("_", " ")},{" "}
              {new Date(m.scheduled_for).toLocaleDateString("en-GB", { timeZone: "Europe/London" })}
            </option>
          ))}
        </select>
      </label>
      <div className="row">
        <label>
          Target attendance (%)
          <input
            type="number"
            min="0"
            max="100"
            step="0.1"
            required
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
        </label>
        <label>
          Reached by
          <input type="date" value={targetBy} onChange={(e) => setTargetBy(e.target.value)} />
        </label>
      </div>
      <label>
        Barriers identified (one a line)
        <textarea rows={3} value={barriers} onChange={(e) => setBarriers(e.target.value)} />
      </label>
      <label>
        The school will (one a line: what / who / by YYYY-MM-DD)
        <textarea rows={3} value={school} onChange={(e) => setSchool(e.target.value)} />
      </label>
      <label>
        Partners will: early help, school nursing, EWO (one a line: what / service / by when)
        <textarea rows={2} value={partner} onChange={(e) => setPartner(e.target.value)} />
      </label>
      <label>
        The parents agree to (one a line)
        <textarea rows={3} value={parentWill} onChange={(e) => setParentWill(e.target.value)} />
      </label>
      <label>
        The pupil agrees to (one a line)
        <textarea rows={2} value={pupilWill} onChange={(e) => setPupilWill(e.target.value)} />
      </label>
      <fieldset className="toggles">
        <legend>Agreed by</legend>
        {parents.map((c) => (
          <label key={c.id} className="inline">
            <input
              type="checkbox"
              checked={agreedBy.includes(c.name)}
              onChange={(e) =>
                setAgreedBy((was) =>
                  e.target.checked ? [...was, c.name] : was.filter((n) => n !== c.name),
                )
              }
            />
            {c.name}
          </label>
        ))}
      </fieldset>
      <button type="submit">Record the contract</button>
    </form>
  );
}

function ReviewContract({
  schoolBase,
  contract,
  stages,
  onDone,
}: {
  schoolBase: string;
  contract: Contract;
  stages: { id: string; name: string }[];
  onDone: (message: string) => void;
}) {
  const [outcome, setOutcome] = useState("");
  const [moveTo, setMoveTo] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const review = await api.post<ContractReview>(
        `${schoolBase}/contracts/${contract.id}/reviews`,
        { outcome, ...(moveTo ? { moveToStage: moveTo } : {}) } satisfies ReviewContractBody,
      );
      setOutcome("");
      onDone(review.explanation);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Review the contract" className="row">
      <ErrorNotice error={error} />
      <label>
        Review outcome
        <input required value={outcome} onChange={(e) => setOutcome(e.target.value)} />
      </label>
      <label>
        Then move the case to
        <select value={moveTo} onChange={(e) => setMoveTo(e.target.value)}>
          <option value="">Stay at this stage</option>
          {stages.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Record the review</button>
    </form>
  );
}

function EndContract({
  schoolBase,
  contract,
  onDone,
}: {
  schoolBase: string;
  contract: Contract;
  onDone: (message: string) => void;
}) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const send = async (step: "termination_warning" | "terminated") => {
    setError(null);
    try {
      await api.post(`${schoolBase}/contracts/${contract.id}/end`, { step, reason });
      setReason("");
      onDone(step === "terminated" ? "Contract ended." : "Termination warning recorded.");
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form
      aria-label="Warn or end the contract"
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        void send(contract.status === "termination_warning" ? "terminated" : "termination_warning");
      }}
    >
      <ErrorNotice error={error} />
      <label>
        Reason (parents not keeping to it, say)
        <input
          required
          value={reason}
          maxLength={1000}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <button type="submit" className="secondary">
        {contract.status === "termination_warning"
          ? "End the contract"
          : "Warn that the contract may end"}
      </button>
    </form>
  );
}

/** The case's attendance contract: agreeing one, its support and targets, and its reviews against the baseline. */
export function CaseContract({
  schoolBase,
  caseBase,
  open,
  contracts,
  meetings,
  contacts,
  stages,
  onChange,
}: {
  schoolBase: string;
  caseBase: string;
  open: boolean;
  contracts: Contract[];
  meetings: Meeting[];
  contacts: FamilyContact[];
  stages: { id: string; name: string }[];
  onChange: () => void;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const done = (text: string) => {
    setMessage(text);
    onChange();
  };
  const current = contracts.at(-1);
  return (
    <>
      <h2>Contract and reviews</h2>
      {message && <Notice tone="success">{message}</Notice>}
      {!current &&
        (open ? (
          <AgreeContract base={caseBase} meetings={meetings} contacts={contacts} onDone={done} />
        ) : (
          <p>No contract was agreed.</p>
        ))}
      {current && (
        <div className="card">
          <p>
            {current.kind === "attendance_plan" ? "Attendance plan" : "Attendance contract"} agreed{" "}
            {dayLabel(current.agreed_on)} ({current.status.replace("_", " ")}): target{" "}
            <strong>{current.target_percent}%</strong>, from{" "}
            {percent(current.baseline_attended, current.baseline_possible)} when agreed. Next review{" "}
            <strong>{dayLabel(current.review_on)}</strong>.
          </p>
          <p>
            <a href={`${schoolBase}/contracts/${current.id}/document?format=pdf`}>
              The contract to print (PDF)
            </a>{" "}
            · <a href={`${schoolBase}/contracts/${current.id}/document?format=docx`}>(Word)</a>
          </p>
          {current.barriers.length > 0 && <p>Barriers: {current.barriers.join("; ")}.</p>}
          {current.targets.length > 0 && (
            <p>
              Targets: {current.targets.map((t) => `${t.percent}% by ${dayLabel(t.by)}`).join("; ")}
              .
            </p>
          )}
          {current.parent_commitments.length > 0 && (
            <p>The parents agree to: {current.parent_commitments.join("; ")}.</p>
          )}
          {current.pupil_commitments.length > 0 && (
            <p>The pupil agrees to: {current.pupil_commitments.join("; ")}.</p>
          )}
          <p>
            {current.agreed_by.length > 0
              ? `Agreed by ${current.agreed_by.map((a) => a.name).join(" and ")}.`
              : "The parents' agreement is not recorded."}
          </p>
          <ul>
            {current.support.map((s) => (
              <li key={`${s.by}${s.action}`}>
                {s.by === "partner"
                  ? (s.partner ?? "Partner")
                  : s.by === "school"
                    ? "School"
                    : "Family"}
                : {s.action}
                {s.owner ? ` (${s.owner})` : ""}
                {s.due ? `, by ${dayLabel(s.due)}` : ""}
              </li>
            ))}
          </ul>
          <h3>Reviews</h3>
          {current.reviews.length === 0 ? (
            <p>None yet.</p>
          ) : (
            <ol>
              {current.reviews.map((r) => (
                <li key={r.id}>
                  {dayLabel(r.reviewed_on)}: {percent(r.attended, r.possible)} since agreed,{" "}
                  {r.improved ? "improved" : "not improved"}. {r.outcome}
                </li>
              ))}
            </ol>
          )}
          {open && (current.status === "active" || current.status === "termination_warning") && (
            <EndContract schoolBase={schoolBase} contract={current} onDone={done} />
          )}
          {open && current.status === "active" && (
            <ReviewContract
              schoolBase={schoolBase}
              contract={current}
              stages={stages}
              onDone={done}
            />
          )}
        </div>
      )}
    </>
  );
}
