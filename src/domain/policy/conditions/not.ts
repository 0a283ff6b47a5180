import { z } from "zod";
import type { Condition } from "./index.ts";
import type { ConditionKind } from "./kind.ts";

/** The condition does not hold. */
export interface NotCondition {
  kind: "not";
  condition: Condition;
}

/** Its shape, given the shape of a condition (conditions nest, so ./index.ts passes it in). */
export const schemaOf = (condition: z.ZodType<Condition>) =>
  z.object({ kind: z.literal("not"), condition });

export const not: ConditionKind<NotCondition> = {
  evaluate(c, e, engine) {
    const inner = engine.evaluate(c.condition, e);
    return { met: !inner.met, reason: `not so: ${inner.reason}`, evidence: [] };
  },
  check(c, at, references, problems, engine) {
    engine.check(c.condition, `${at}.condition`, references, problems);
  },
  usesStage: (c, engine) => engine.usesStage(c.condition),
  description: {
    title: "not",
    summary: "The condition given does not hold.",
    fields: [
      {
        path: "condition",
        label: "condition",
        meaning: "the condition that must not hold",
        conditions: "one",
      },
    ],
  },
};
