import { useCallback, useEffect, useRef, useState } from "react";
import { count } from "../../../src/domain/plural.ts";
import type { LetterJobView } from "../../../src/server/letters/letters.schema.ts";
import { api } from "../api.ts";

/** A letter job as the browser receives it (dates as JSON strings). */
export type LetterJobState = Omit<LetterJobView, "createdAt" | "finishedAt"> & {
  createdAt: string;
  finishedAt: string | null;
};

/**
 * Starts a batch of letters as a background job and follows it until it is done: a big batch
 * takes a while, and the office sees how far it has got instead of a page that seems to hang.
 */
export function useLetterJob(base: string) {
  const [job, setJob] = useState<LetterJobState | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const follow = useCallback(
    (id: number, onDone: (job: LetterJobState) => void) => {
      timer.current = setTimeout(async () => {
        try {
          const next = await api.get<LetterJobState>(`${base}/letter-jobs/${id}`);
          setJob(next);
          if (next.status === "done" || next.status === "failed") onDone(next);
          else follow(id, onDone);
        } catch (e) {
          setError(e as Error);
        }
      }, 400);
    },
    [base],
  );
  const start = useCallback(
    async (body: object, onDone: (job: LetterJobState) => void) => {
      setError(null);
      setJob(null);
      try {
        const started = await api.post<LetterJobState>(`${base}/letter-jobs`, body);
        setJob(started);
        follow(started.id, onDone);
      } catch (e) {
        setError(e as Error);
      }
    },
    [base, follow],
  );
  const busy = job !== null && job.status !== "done" && job.status !== "failed";
  return { job, error, busy, start };
}

/** The bar: letters written (and not) of the total, then the outcome. */
export function LetterJobProgress({ job }: { job: LetterJobState | null }) {
  if (!job) return null;
  const handled = job.done + job.failed;
  const running = job.status === "running" || job.status === "queued";
  return (
    <div className="letter-job">
      <label htmlFor={`letter-job-${job.id}`}>
        {running
          ? `Writing letters: ${handled} of ${count(job.total, "pupil")}`
          : job.status === "done"
            ? `Written for ${job.done} of ${count(job.total, "pupil")}${job.failed ? `; ${job.failed} could not be written to` : ""}`
            : "The batch stopped"}
      </label>
      <progress id={`letter-job-${job.id}`} max={Math.max(job.total, 1)} value={handled} />
      {job.error && (
        <div className="notice notice-error" role="alert">
          {job.error}
        </div>
      )}
    </div>
  );
}
