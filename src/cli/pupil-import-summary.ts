import type { PupilImportSummary } from "../app/import/import-pupils.ts";

const SHOWN = 20;

function list<T>(items: T[], line: (item: T) => string): string[] {
  const lines = items.slice(0, SHOWN).map((item) => `  ${line(item)}`);
  if (items.length > SHOWN) lines.push(`  ...and ${items.length - SHOWN} more`);
  return lines;
}

const value = (v: string | null) => (v === null ? "(empty)" : v);

/** The summary of a pupils import as the CLI prints it before asking to go ahead. */
export function describePupilImport(s: PupilImportSummary): string {
  const lines = [
    `Pupils file: ${s.preset ? `${s.preset} export` : "Rollbook's columns"}${s.encoding ? `, read as ${s.encoding}` : ""}`,
  ];
  if (s.ignoredColumns.length > 0) lines.push(`Columns not read: ${s.ignoredColumns.join(", ")}`);
  if (s.absentColumns.length > 0)
    lines.push(`Not in the file, so left as they are: ${s.absentColumns.join(", ")}`);
  lines.push(`Added: ${s.added.length}`, ...list(s.added, (p) => `${p.upn} ${p.name}`));
  lines.push(
    `Changed: ${s.changed.length}`,
    ...list(
      s.changed,
      (p) =>
        `${p.upn} ${p.name}: ${p.changes
          .map(
            (c) =>
              `${c.field} ${value(c.from)} -> ${value(c.to)}${c.cleared ? " (cleared: empty in the file)" : ""}`,
          )
          .join("; ")}`,
    ),
  );
  lines.push(`Unchanged: ${s.unchanged}`);
  lines.push(
    `Leaving: ${s.left.length}`,
    ...list(s.left, (p) => `${p.upn} ${p.name}, leaving ${p.leavingDate}`),
  );
  lines.push(`On roll but not in the file (left as they are): ${s.notInFile}`);
  return `${lines.join("\n")}\n`;
}
