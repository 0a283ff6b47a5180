import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import type {
  CloseCaseBody,
  MoveStageBody,
  ReopenCaseBody,
  ReopenedCase,
} from "../../../src/server/cases/stages.schema.ts";
import { api } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";

interface Props {
  caseBase: string;
  open: boolean;
  stageId: string;
  stages: { id: string; name: string }[];
  onChange: () => void;
}

/** Moving a case between the policy's stages, closing it with its outcome, reopening it. */
export function CaseStage({ caseBase, open, stageId, stages, onChange }: Props) {
  const navigate = useNavigate();
  const others = stages.filter((s) => s.id !== stageId);
  const [target, setTarget] = useState(others[0]?.id ?? "");
  const [reason, setReason] = useState("");
  const [outcome, setOutcome] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const run = (action: () => Promise<unknown>, message: string) => async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await action();
      setDone(message);
      setReason("");
      onChange();
    } catch (e) {
      setError(e as Error);
    }
  };
  const stageName = (id: string) => stages.find((s) => s.id === id)?.name ?? id;
  return (
    <section aria-labelledby="stage-heading">
      <h2 id="stage-heading">Stage</h2>
      {done && <Notice tone="success">{done}</Notice>}
      <ErrorNotice error={error} />
      {open ? (
        <>
          <form
            aria-label="Move the case"
            className="row"
            onSubmit={(e) =>
              void run(
                () =>
                  api.post(`${caseBase}/stage`, {
                    stageId: target,
                    reason: reason.trim() || null,
                  } satisfies MoveStageBody),
                `Moved to ${stageName(target)}.`,
              )(e)
            }
          >
            <label>
              Move to
              <select value={target} onChange={(e) => setTarget(e.target.value)}>
                {others.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Why
              <input value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} />
            </label>
            <button type="submit">Move the case</button>
          </form>
          <form
            aria-label="Close the case"
            className="row"
            onSubmit={(e) =>
              void run(
                () => api.post(`${caseBase}/close`, { outcome } satisfies CloseCaseBody),
                "Case closed.",
              )(e)
            }
          >
            <label>
              Outcome
              <input
                required
                maxLength={200}
                placeholder="e.g. attendance improved"
                value={outcome}
                onChange={(e) => setOutcome(e.target.value)}
              />
            </label>
            <button type="submit" className="secondary">
              Close the case
            </button>
          </form>
        </>
      ) : (
        <form
          aria-label="Reopen the case"
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            api
              .post<ReopenedCase>(`${caseBase}/reopen`, {
                stageId: target || stageId,
                reason,
              } satisfies ReopenCaseBody)
              .then((reopened) => navigate(`/cases/${reopened.caseId}`))
              .catch((problem: Error) => setError(problem));
          }}
        >
          <label>
            Reopen at
            <select value={target || stageId} onChange={(e) => setTarget(e.target.value)}>
              {stages.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Why
            <input
              required
              maxLength={1000}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <button type="submit">Reopen the case</button>
        </form>
      )}
    </section>
  );
}
