import { type FormEvent, useState } from "react";
import { api, dayLabel } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";

export interface Contract {
  id: number;
  kind: string;
  agreed_on: string;
  target_percent: number;
  barriers: string[];
  support: { by: string; partner?: string; action: string }[];
  review_on: string;
  baseline_attended: number;
  baseline_possible: number;
  status: string;
  reviews: {
    id: number;
    reviewed_on: string;
    attended: number;
    possible: number;
    improved: boolean;
    outcome: string;
  }[];
}

const percent = (attended: number, possible: number) =>
  possible ? `${((attended * 100) / possible).toFixed(1)}%` : "–";

/** Lines of a textarea as a list, blank lines dropped. */
const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

function AgreeContract({ base, onDone }: { base: string; onDone: (message: string) => void }) {
  const [target, setTarget] = useState("95");
  const [barriers, setBarriers] = useState("");
  const [school, setSchool] = useState("");
  const [parent, setParent] = useState("");
  const [partner, setPartner] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const support = [
      ...lines(school).map((action) => ({ by: "school", action })),
      ...lines(parent).map((action) => ({ by: "parent", action })),
      ...lines(partner).map((action) => ({ by: "partner", action })),
    ];
    try {
      const agreed = await api.post<{ reviewOn: string }>(`${base}/contracts`, {
        targetPercent: Number(target),
        barriers: lines(barriers),
        support,
      });
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
        Barriers identified (one a line)
        <textarea rows={3} value={barriers} onChange={(e) => setBarriers(e.target.value)} />
      </label>
      <label>
        The school will (one a line)
        <textarea rows={3} value={school} onChange={(e) => setSchool(e.target.value)} />
      </label>
      <label>
        The family will (one a line)
        <textarea rows={3} value={parent} onChange={(e) => setParent(e.target.value)} />
      </label>
      <label>
        Partners will: early help, school nursing, EWO (one a line)
        <textarea rows={2} value={partner} onChange={(e) => setPartner(e.target.value)} />
      </label>
      <button type="submit">Record the contract</button>
    </form>
  );
}

function ReviewContract({
  schoolBase,
  contract,
  onDone,
}: {
  schoolBase: string;
  contract: Contract;
  onDone: (message: string) => void;
}) {
  const [outcome, setOutcome] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const review = await api.post<{ explanation: string }>(
        `${schoolBase}/contracts/${contract.id}/reviews`,
        { outcome },
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
      <button type="submit">Record the review</button>
    </form>
  );
}

/** The case's attendance contract: agreeing one, its support and targets, and its reviews against the baseline. */
export function CaseContract({
  schoolBase,
  caseBase,
  open,
  contracts,
  onChange,
}: {
  schoolBase: string;
  caseBase: string;
  open: boolean;
  contracts: Contract[];
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
        (open ? <AgreeContract base={caseBase} onDone={done} /> : <p>No contract was agreed.</p>)}
      {current && (
        <div className="card">
          <p>
            {current.kind === "attendance_plan" ? "Attendance plan" : "Attendance contract"} agreed{" "}
            {dayLabel(current.agreed_on)} ({current.status.replace("_", " ")}): target{" "}
            <strong>{current.target_percent}%</strong>, from{" "}
            {percent(current.baseline_attended, current.baseline_possible)} when agreed. Next review{" "}
            <strong>{dayLabel(current.review_on)}</strong>.
          </p>
          {current.barriers.length > 0 && <p>Barriers: {current.barriers.join("; ")}.</p>}
          <ul>
            {current.support.map((s) => (
              <li key={`${s.by}${s.action}`}>
                {s.by === "partner"
                  ? (s.partner ?? "Partner")
                  : s.by === "school"
                    ? "School"
                    : "Family"}
                : {s.action}
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
          {open && current.status === "active" && (
            <ReviewContract schoolBase={schoolBase} contract={current} onDone={done} />
          )}
        </div>
      )}
    </>
  );
}
