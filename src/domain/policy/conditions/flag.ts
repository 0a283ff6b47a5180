import { z } from "zod";
import { pupilFlag } from "../fields.ts";
import type { ConditionKind } from "./kind.ts";

/** The pupil has a flag: a medical condition, a social worker, free school meals... */
export const schema = z.object({ kind: z.literal("flag"), flag: pupilFlag });
export type FlagCondition = z.infer<typeof schema>;

export const flag: ConditionKind<FlagCondition> = {
  evaluate(c, e) {
    return e.context.flags[c.flag]
      ? { met: true, reason: `the pupil has the ${c.flag.replaceAll("_", " ")} flag`, evidence: [] }
      : { met: false, reason: `no ${c.flag.replaceAll("_", " ")} flag`, evidence: [] };
  },
  description: {
    title: "flag",
    summary:
      "The pupil has a flag: a medical condition, SEN support, an EHCP, a social worker, looked after, free school meals or pupil premium.",
    fields: [
      { path: "flag", label: "flag", meaning: "the flag's name, such as medical_condition" },
    ],
  },
};
