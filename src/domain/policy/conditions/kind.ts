import { isKnownSymbol } from "../../codes.ts";
import type { Evaluation, Outcome } from "../evaluation.ts";
import type { Condition } from "./index.ts";

/**
 * What the policy editor shows of a condition kind, in the school's words: sent to the web app
 * (GET /api/policy/condition-kinds), so the editor describes no kind of its own.
 */
export interface ConditionKindDescription {
  kind: Condition["kind"];
  /** The heading of one such condition in the editor; `{field}` is filled from the condition: "Attendance ({period})". */
  title: string;
  /** What the condition asks, in a sentence or two. */
  summary: string;
  fields: FieldDescription[];
}

export interface FieldDescription {
  /** Where the field is in the condition; nested fields with a dot: "window.length". */
  path: string;
  label: string;
  meaning: string;
  /** A number a school adjusts to tune its policy (the editor offers it as a box). */
  adjustable?: boolean;
  /** The field holds conditions of its own ("all", "any", "not"): one, or a list. */
  conditions?: "one" | "list";
}

/** The ids of the policy a condition may refer to, for its cross-checks. */
export interface References {
  bands: ReadonlySet<string>;
  stages: ReadonlySet<string>;
  /** The statuses the policy's stages set ("On an attendance plan"). */
  statuses: ReadonlySet<string>;
}

/** The engine's own entry points, handed to the kinds that hold other conditions. */
export interface Engine {
  evaluate(condition: Condition, e: Evaluation): Outcome;
  check(condition: Condition, at: string, references: References, problems: string[]): void;
  usesStage(condition: Condition): boolean;
}

/**
 * One kind of condition: how it is judged, what it must refer to, and how it is described. Its
 * shape (a zod schema) sits beside it in the same module and is collected in ./index.ts.
 */
export interface ConditionKind<C extends Condition> {
  /** Judges the condition for one pupil. Runs for every pupil: no allocation in the loops. */
  evaluate(condition: C, e: Evaluation, engine: Engine): Outcome;
  /** Problems with what the condition names (bands, codes), each prefixed with `at`. */
  check?(
    condition: C,
    at: string,
    references: References,
    problems: string[],
    engine: Engine,
  ): void;
  /** Whether it only makes sense for a pupil in a stage (review dates, improvement since the start). */
  usesStage?(condition: C, engine: Engine): boolean;
  description: Omit<ConditionKindDescription, "kind">;
}

/** The check every kind that names codes makes: each is a code of the registry. */
export function checkCodes(
  codes: readonly string[] | undefined,
  at: string,
  problems: string[],
): void {
  for (const code of codes ?? [])
    if (!isKnownSymbol(code)) problems.push(`${at}.codes: "${code}" is not an attendance code`);
}
