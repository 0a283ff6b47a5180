import { z } from "zod";
import type { PolicyForParents } from "../../domain/policy/for-parents.ts";

/** The school's policy on one page for families, generated from the policy in force. */
export const policyForParentsResponse = z.object({
  title: z.string(),
  schoolName: z.string(),
  version: z.number().int(),
  inForceSince: z.string().describe("The day this version of the policy was saved"),
  target: z.number(),
  sections: z.array(
    z.object({
      heading: z.string(),
      paragraphs: z.array(z.string()),
      items: z.array(z.string()),
      showsBands: z.boolean().optional(),
    }),
  ),
  bands: z.array(z.object({ name: z.string(), colour: z.string(), range: z.string() })),
  codes: z.array(z.object({ symbol: z.string(), meaning: z.string() })),
}) satisfies z.ZodType<PolicyForParents>;

export type PolicyForParentsView = z.infer<typeof policyForParentsResponse>;
