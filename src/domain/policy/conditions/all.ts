import { z } from "zod";
import type { Outcome } from "../evaluation.ts";
import type { Condition } from "./index.ts";
import type { ConditionKind } from "./kind.ts";

/** Every one of the conditions holds. */
export interface AllCondition {
  kind: "all";
  of: Condition[];
}

/** Its shape, given the shape of a condition (conditions nest, so ./index.ts passes it in). */
export const schemaOf = (condition: z.ZodType<Condition>) =>
  z.object({ kind: z.literal("all"), of: z.array(condition).min(1) });

export const all: ConditionKind<AllCondition> = {
  evaluate(c, e, engine) {
    const outcomes: Outcome[] = [];
    for (const part of c.of) {
      const outcome = engine.evaluate(part, e);
      if (!outcome.met) return outcome;
      outcomes.push(outcome);
    }
    return combine(outcomes, "; and ");
  },
  check(c, at, references, problems, engine) {
    if (c.of.length === 0) problems.push(`${at}.of: needs at least one condition`);
    c.of.forEach((part, i) => {
      engine.check(part, `${at}.of[${i}]`, references, problems);
    });
  },
  usesStage: (c, engine) => c.of.some((part) => engine.usesStage(part)),
  description: {
    title: "all",
    summary: "Every one of the conditions listed holds; the reasons of all of them are given.",
    fields: [
      {
        path: "of",
        label: "conditions",
        meaning: "the conditions that must all hold",
        conditions: "list",
      },
    ],
  },
};

/** Met outcomes together: their reasons joined, their evidence merged in session order. */
export function combine(outcomes: Outcome[], joiner: string): Outcome {
  const evidence = [...new Set(outcomes.flatMap((o) => o.evidence))].sort((a, b) => a - b);
  return { met: true, reason: outcomes.map((o) => o.reason).join(joiner), evidence };
}
