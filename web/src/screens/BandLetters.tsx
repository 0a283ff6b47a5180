import { useState } from "react";
import type { PolicyInForce } from "../../../src/server/policy/policy.schema.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";
import { LetterJobProgress, useLetterJob } from "./LetterJobProgress.tsx";

interface Written {
  bands: { band: string; letterId: string; pupils: number; batch: { letters: unknown[] } }[];
  withoutBand: number;
}

/**
 * The half-termly (or termly) colour-coded letters: every family gets the letter of the band their
 * child's attendance this year is in. The policy says which letter each band gets; the office may
 * change it for this run, or leave a band out.
 */
export function BandLetters({
  base,
  letters,
  onWritten,
}: {
  base: string;
  letters: { letterId: string; title: string }[];
  onWritten: () => void;
}) {
  const policy = useApi<PolicyInForce>(`${base}/policy`);
  // The policy's choice until the office changes one: derived, so the first render shows it.
  const [edited, setChosen] = useState<Record<string, string> | null>(null);
  const chosen = edited ?? policy.data?.policy.bandLetters ?? {};
  const [written, setWritten] = useState<Written | null>(null);
  // A term's letters for the whole school take a while: a background job, with its progress.
  const { job, error, busy, start } = useLetterJob(base);
  const bands = policy.data?.policy.bands ?? [];
  const write = async () => {
    setWritten(null);
    const picked = Object.fromEntries(Object.entries(chosen).filter(([, letter]) => letter));
    await start({ kind: "by_band", letters: picked }, (finished) => {
      if (finished.status === "done") setWritten(finished.result as Written);
      onWritten();
    });
  };
  return (
    <section aria-labelledby="band-letters-heading">
      <h2 id="band-letters-heading">Letters by attendance band</h2>
      <p className="muted">
        Every pupil on roll, by their attendance this year: one batch per band, each family the
        letter of their child's band.
      </p>
      <ErrorNotice error={policy.error ?? error} />
      <div className="row">
        {bands.map((band) => (
          <label key={band.id}>
            <span className="band-key" style={{ borderColor: band.colour }}>
              {band.name} ({band.min}% and above)
            </span>
            <select
              value={chosen[band.id] ?? ""}
              onChange={(e) => setChosen({ ...chosen, [band.id]: e.target.value })}
            >
              <option value="">No letter</option>
              {letters.map((l) => (
                <option key={l.letterId} value={l.letterId}>
                  {l.title}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      <button
        type="button"
        disabled={busy || !Object.values(chosen).some(Boolean)}
        onClick={() => void write()}
      >
        {busy ? "Writing…" : "Write to every family"}
      </button>
      <LetterJobProgress job={job} />
      {written && (
        <Notice tone="success">
          {written.bands
            .map((b) => `${b.band}: ${b.batch.letters.length} letter(s) for ${b.pupils} pupil(s)`)
            .join("; ") || "No pupil is in a band with a letter chosen"}
          {written.withoutBand > 0
            ? `. ${written.withoutBand} pupil(s) have no attendance yet this year and get none.`
            : "."}{" "}
          The batches are below.
        </Notice>
      )}
    </section>
  );
}
