import { useState } from "react";
import { api } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

interface Band {
  id: string;
  name: string;
  colour: string;
  min: number;
}

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
  const policy = useApi<{ policy: { bands: Band[]; bandLetters?: Record<string, string> } }>(
    `${base}/policy`,
  );
  // The policy's choice until the office changes one: derived, so the first render shows it.
  const [edited, setChosen] = useState<Record<string, string> | null>(null);
  const chosen = edited ?? policy.data?.policy.bandLetters ?? {};
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [written, setWritten] = useState<Written | null>(null);
  const bands = policy.data?.policy.bands ?? [];
  const write = async () => {
    setBusy(true);
    setError(null);
    setWritten(null);
    try {
      const picked = Object.fromEntries(Object.entries(chosen).filter(([, letter]) => letter));
      setWritten(await api.post<Written>(`${base}/letters/by-band`, { letters: picked }));
      onWritten();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
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
