import { z } from "zod";
import { combine } from "./all.ts";
import type { Condition } from "./index.ts";
import type { ConditionKind } from "./kind.ts";

/** At least one of the conditions holds. */
export interface AnyCondition {
  kind: "any";
  of: Condition[];
}

/** Its shape, given the shape of a condition (conditions nest, so ./index.ts passes it in). */
export const schemaOf = (condition: z.ZodType<Condition>) =>
  z.object({ kind: z.literal("any"), of: z.array(condition).min(1) });

export const any: ConditionKind<AnyCondition> = {
  evaluate(c, e, engine) {
    const outcomes = c.of.map((part) => engine.evaluate(part, e));
    const met = outcomes.filter((o) => o.met);
    return met.length > 0
      ? combine(met, "; and also ")
      : { met: false, reason: outcomes.map((o) => o.reason).join("; "), evidence: [] };
  },
  check(c, at, references, problems, engine) {
    if (c.of.length === 0) problems.push(`${at}.of: needs at least one condition`);
    c.of.forEach((part, i) => {
      engine.check(part, `${at}.of[${i}]`, references, problems);
    });
  },
  usesStage: (c, engine) => c.of.some((part) => engine.usesStage(part)),
  description: {
    title: "any",
    summary:
      "At least one of the conditions listed holds; the reasons of those that hold are given.",
    fields: [
      {
        path: "of",
        label: "conditions",
        meaning: "the conditions of which one must hold",
        conditions: "list",
      },
    ],
  },
};
