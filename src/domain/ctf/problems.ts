import { RollbookError } from "../errors.ts";

/** Something wrong in a CTF file, at the line of the element that holds it. */
export interface CtfProblem {
  line: number;
  /** The element at fault, when the message does not already start by naming it. */
  element: string | null;
  message: string;
}

/** Problems collected while reading a file: every one is reported, not only the first. */
export class CtfProblems {
  readonly list: CtfProblem[] = [];

  add(line: number, element: string | null, message: string): void {
    this.list.push({ line, element, message });
  }

  get count(): number {
    return this.list.length;
  }
}

/** "line 14, <AttendanceMarks>: ..." or, when the message names its element, "line 9: <X> ...". */
export function describeProblem({ line, element, message }: CtfProblem): string {
  return element && !message.startsWith(`<${element}>`)
    ? `line ${line}, <${element}>: ${message}`
    : `line ${line}: ${message}`;
}

/** Refuses the whole file when anything is wrong in it: nothing is half-imported. */
export function rejectCtfIfProblems(problems: CtfProblem[], shown = 50): void {
  if (problems.length === 0) return;
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const listed = sorted
    .slice(0, shown)
    .map((p) => `  ${describeProblem(p)}`)
    .join("\n");
  const more = sorted.length > shown ? `\n  ...and ${sorted.length - shown} more` : "";
  throw new RollbookError(
    "import_rejected",
    `Nothing was imported: ${sorted.length} problem${sorted.length === 1 ? "" : "s"} in the CTF file\n${listed}${more}`,
    { problems: sorted.map((p) => ({ line: p.line, message: describeProblem(p) })) },
  );
}
