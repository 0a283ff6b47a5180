import { z } from "zod";
import type { Evaluation, Outcome } from "../evaluation.ts";
import { absenceDays, schema as absenceDaysSchema } from "./absence-days.ts";
import { type AllCondition, all, schemaOf as allSchemaOf } from "./all.ts";
import { type AnyCondition, any, schemaOf as anySchemaOf } from "./any.ts";
import { attendance, schema as attendanceSchema } from "./attendance.ts";
import { band, schema as bandSchema } from "./band.ts";
import { bandChange, schema as bandChangeSchema } from "./band-change.ts";
import { codeCount, schema as codeCountSchema } from "./code-count.ts";
import { flag, schema as flagSchema } from "./flag.ts";
import { history, schema as historySchema } from "./history.ts";
import { improvement, schema as improvementSchema } from "./improvement.ts";
import { inStage, schema as inStageSchema } from "./in-stage.ts";
import type { ConditionKind, ConditionKindDescription, Engine, References } from "./kind.ts";
import { type NotCondition, not, schemaOf as notSchemaOf } from "./not.ts";
import { penaltyNotices, schema as penaltyNoticesSchema } from "./penalty-notices.ts";
import { refusedLeave, schema as refusedLeaveSchema } from "./refused-leave.ts";
import { reviewDue, schema as reviewDueSchema } from "./review-due.ts";
import { spells, schema as spellsSchema } from "./spells.ts";
import { weekdayPattern, schema as weekdayPatternSchema } from "./weekday-pattern.ts";

/**
 * The registry of condition kinds: the one place the schema, the evaluator and the validator
 * learn which kinds there are. A new kind is a module beside this one (its schema, evaluator,
 * checks and description) named in both lists below, SHAPES and KINDS; the compiler refuses a
 * kind that is in one and not the other.
 */

/** The shapes of the conditions that hold no other condition: their types are their schemas'. */
const SHAPES = [
  attendanceSchema,
  bandSchema,
  codeCountSchema,
  absenceDaysSchema,
  weekdayPatternSchema,
  spellsSchema,
  improvementSchema,
  bandChangeSchema,
  reviewDueSchema,
  flagSchema,
  penaltyNoticesSchema,
  historySchema,
  refusedLeaveSchema,
  inStageSchema,
] as const;

/** Conditions compose through all, any and not; those three are typed by hand (a type cannot infer itself). */
export type Condition =
  | z.infer<(typeof SHAPES)[number]>
  | AllCondition
  | AnyCondition
  | NotCondition;

/**
 * A condition in the policy document. Lazy, because all, any and not hold conditions; named, so
 * the OpenAPI document holds it once under components and its nested uses refer to it.
 */
export const conditionSchema: z.ZodType<Condition> = z
  .lazy(() => union)
  .meta({ id: "PolicyCondition" });

const union = z.discriminatedUnion("kind", [
  ...SHAPES,
  allSchemaOf(conditionSchema),
  anySchemaOf(conditionSchema),
  notSchemaOf(conditionSchema),
]);

// The hand-written composite types and the schema must be the same type, field for field
// (optional ones too), or this fails to compile.
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const schemaAndTypeAgree: Same<z.output<typeof union>, Condition> = true;
void schemaAndTypeAgree;

const KINDS: { [K in Condition["kind"]]: ConditionKind<Extract<Condition, { kind: K }>> } = {
  attendance,
  band,
  code_count: codeCount,
  absence_days: absenceDays,
  weekday_pattern: weekdayPattern,
  spells,
  improvement,
  band_change: bandChange,
  review_due: reviewDue,
  flag,
  penalty_notices: penaltyNotices,
  history,
  refused_leave_taken: refusedLeave,
  in_stage: inStage,
  all,
  any,
  not,
};

function kindOf<C extends Condition>(condition: C): ConditionKind<C> {
  return KINDS[condition.kind] as unknown as ConditionKind<C>;
}

export function evaluateCondition(condition: Condition, e: Evaluation): Outcome {
  return kindOf(condition).evaluate(condition, e, engine);
}

/** Problems with what a condition (and every condition inside it) refers to. */
export function checkCondition(
  condition: Condition,
  at: string,
  references: References,
  problems: string[],
): void {
  kindOf(condition).check?.(condition, at, references, problems, engine);
}

/** Whether a condition only makes sense for a pupil in a stage. */
export function usesStage(condition: Condition): boolean {
  return kindOf(condition).usesStage?.(condition, engine) ?? false;
}

const engine: Engine = { evaluate: evaluateCondition, check: checkCondition, usesStage };

/** Every kind, described for the policy editor. */
export function conditionKinds(): ConditionKindDescription[] {
  return Object.entries(KINDS).map(([kind, { description }]) => ({
    kind: kind as Condition["kind"],
    ...description,
  }));
}

export type { Evaluation, Outcome, PupilContext } from "../evaluation.ts";
export type { ConditionKindDescription, FieldDescription, References } from "./kind.ts";
