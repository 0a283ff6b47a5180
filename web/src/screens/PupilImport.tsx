import { type DragEvent, useState } from "react";
import type {
  PupilImportResult,
  PupilImportSummary,
} from "../../../src/server/setup/imports.schema.ts";
import { api } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";

type Stage =
  | { kind: "idle" }
  | { kind: "working"; what: string; sent: number }
  | { kind: "summary"; summary: PupilImportSummary }
  | { kind: "done"; result: PupilImportResult };

const PRESETS = [
  ["", "Work it out from the column names"],
  ["sims", "SIMS"],
  ["arbor", "Arbor"],
  ["bromcom", "Bromcom"],
] as const;

/**
 * The office imports the pupil list exported from the MIS: the file is checked and summarised
 * first (who is added, what changes for whom, who leaves), and nothing is written until the
 * summary is confirmed.
 */
export function PupilImport() {
  const { schoolId, can } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [preset, setPreset] = useState("");
  const [stage, setStage] = useState<Stage>({ kind: "idle" });
  const [error, setError] = useState<Error | null>(null);
  const [dragging, setDragging] = useState(false);

  if (!schoolId) return <p>Choose a school first.</p>;
  if (!can("pupils.manage")) return <p>Importing pupils is for the school office.</p>;
  const base = `/api/schools/${schoolId}/imports/pupils`;
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams({ ...(preset ? { preset } : {}), ...extra });
    const text = params.toString();
    return text ? `?${text}` : "";
  };

  async function send<T>(what: string, path: string): Promise<T | null> {
    if (!file) return null;
    setError(null);
    setStage({ kind: "working", what, sent: 0 });
    try {
      return await api.uploadCsv<T>(path, file, (sent) =>
        setStage({ kind: "working", what, sent }),
      );
    } catch (failure) {
      setError(failure as Error);
      setStage({ kind: "idle" });
      return null;
    }
  }

  const check = async () => {
    const summary = await send<PupilImportSummary>(
      "Checking the file",
      `${base}/preview${query({})}`,
    );
    if (summary) setStage({ kind: "summary", summary });
  };
  const confirm = async (summary: PupilImportSummary) => {
    const result = await send<PupilImportResult>(
      "Importing",
      `${base}${query({ confirm: summary.fingerprint })}`,
    );
    if (result) setStage({ kind: "done", result });
  };
  const choose = (chosen: File | null) => {
    setFile(chosen);
    setStage({ kind: "idle" });
    setError(null);
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0] ?? null);
  };

  return (
    <section aria-labelledby="import-heading">
      <h1 id="import-heading">Import pupils</h1>
      <p>
        Export the pupil list from your MIS (SIMS, Arbor or Bromcom) as CSV, or use Rollbook's own
        columns. You will see what changes before anything is saved. A column the file does not have
        is left as it is; an empty cell clears that detail.
      </p>
      <fieldset
        className={`drop-zone${dragging ? " drop-zone-active" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <legend>The file</legend>
        <label htmlFor="import-file">CSV file (or drop it here)</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(event) => choose(event.target.files?.[0] ?? null)}
        />
        {file ? <p className="muted">Chosen: {file.name}</p> : null}
      </fieldset>
      <label htmlFor="import-preset">Exported from</label>
      <select
        id="import-preset"
        value={preset}
        onChange={(event) => {
          setPreset(event.target.value);
          setStage({ kind: "idle" });
        }}
      >
        {PRESETS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <p>
        <button type="button" disabled={!file || stage.kind === "working"} onClick={check}>
          Check the file
        </button>
      </p>
      <ErrorNotice error={error} />
      {stage.kind === "working" ? <Working what={stage.what} sent={stage.sent} /> : null}
      {stage.kind === "summary" ? (
        <Summary summary={stage.summary} onConfirm={() => confirm(stage.summary)} />
      ) : null}
      {stage.kind === "done" ? (
        <Notice tone="success">
          Imported: {stage.result.created} pupil{stage.result.created === 1 ? "" : "s"} added,{" "}
          {stage.result.updated} updated.
        </Notice>
      ) : null}
    </section>
  );
}

/** The upload's progress, then a bar that moves without a figure while the server works. */
function Working({ what, sent }: { what: string; sent: number }) {
  const uploading = sent < 1;
  return (
    <div aria-live="polite">
      <label htmlFor="import-progress">
        {uploading ? `${what}: sending the file (${Math.round(sent * 100)}%)` : `${what}…`}
      </label>
      <progress id="import-progress" max={1} {...(uploading ? { value: sent } : {})} />
    </div>
  );
}

const shown = (value: string | null) => (value === null ? "empty" : value);

/** Long lists (a whole school's first import) show their first rows and a count of the rest. */
const LISTED = 200;
function more(total: number) {
  return total > LISTED ? <li>…and {total - LISTED} more</li> : null;
}

function Summary({
  summary: s,
  onConfirm,
}: {
  summary: PupilImportSummary;
  onConfirm: () => void;
}) {
  const nothing = s.added.length === 0 && s.changed.length === 0;
  return (
    <section aria-labelledby="summary-heading">
      <h2 id="summary-heading">What the import will do</h2>
      <p>
        Read as {s.preset ? `a ${s.preset} export` : "Rollbook's columns"}
        {s.encoding ? ` (${s.encoding} text)` : ""}.
        {s.ignoredColumns.length > 0 ? ` Columns not used: ${s.ignoredColumns.join(", ")}.` : ""}
      </p>
      {s.absentColumns.length > 0 ? (
        <p>
          Not in the file, so left as they are:{" "}
          {s.absentColumns.map((c) => c.replace(/_/g, " ")).join(", ")}.
        </p>
      ) : null}
      <ul>
        <li>{s.added.length} added</li>
        <li>{s.changed.length} changed</li>
        <li>{s.unchanged} unchanged</li>
        <li>{s.left.length} leaving</li>
        <li>{s.notInFile} on roll but not in the file (left as they are)</li>
      </ul>
      {s.added.length > 0 ? (
        <>
          <h3>Added</h3>
          <ul>
            {s.added.slice(0, LISTED).map((p) => (
              <li key={p.upn}>
                {p.name} ({p.upn})
              </li>
            ))}
            {more(s.added.length)}
          </ul>
        </>
      ) : null}
      {s.changed.length > 0 ? (
        <>
          <h3>Changed</h3>
          <ul>
            {s.changed.slice(0, LISTED).map((p) => (
              <li key={p.upn}>
                {p.name} ({p.upn}):{" "}
                {p.changes
                  .map(
                    (c) =>
                      `${c.field.replace(/_/g, " ")} ${shown(c.from)} → ${shown(c.to)}${c.cleared ? " (cleared)" : ""}`,
                  )
                  .join("; ")}
              </li>
            ))}
            {more(s.changed.length)}
          </ul>
        </>
      ) : null}
      {s.left.length > 0 ? (
        <>
          <h3>Leaving</h3>
          <ul>
            {s.left.slice(0, LISTED).map((p) => (
              <li key={p.upn}>
                {p.name} ({p.upn}) leaves on {p.leavingDate}
              </li>
            ))}
            {more(s.left.length)}
          </ul>
        </>
      ) : null}
      {nothing ? (
        <Notice>Nothing to import: every pupil in the file is already as it says.</Notice>
      ) : (
        <button type="button" onClick={onConfirm}>
          Import these changes
        </button>
      )}
    </section>
  );
}
