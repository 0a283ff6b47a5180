import { z } from "zod";
import { RollbookError } from "../../domain/errors.ts";
import { policyDocumentSchema } from "../../domain/policy/schema.ts";
import type { Policy } from "../../domain/policy/types.ts";
import { policyProblems } from "../../domain/policy/validate.ts";
import { findUnstorableText } from "../unstorable-text.ts";

/** Conditions nest (all, any, not), but never this deep: deeper would exhaust the stack. */
const MAX_DEPTH = 64;

/** Where a value is nested deeper than MAX_DEPTH, or null; walked without recursion. */
function tooDeep(input: unknown): (string | number)[] | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path } = item;
    if (value === null || typeof value !== "object") continue;
    if (path.length >= MAX_DEPTH) return path;
    for (const [key, child] of Object.entries(value))
      stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
  }
  return null;
}

/**
 * The policy document (its one definition is src/domain/policy/schema.ts), refused before its
 * shape is checked when nested too deep to check safely or holding text the database cannot store.
 */
export const policySchema = z.preprocess((input, ctx) => {
  const path = tooDeep(input);
  if (path)
    ctx.addIssue({ code: "custom", message: `nested more than ${MAX_DEPTH} levels deep`, path });
  // Stored as JSON, which takes neither a NUL nor half a surrogate pair.
  const text = path ? null : findUnstorableText(input);
  if (text) ctx.addIssue({ code: "custom", message: text.problem, path: text.path });
  return input;
}, policyDocumentSchema);

/**
 * A policy document from a file or request, checked for shape and then for sense; every problem
 * is reported together, each with its place in the document.
 */
export function parsePolicy(input: unknown): Policy {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(document)"}: ${i.message}`,
    );
    throw new RollbookError(
      "invalid_input",
      `The policy is not valid:\n  ${problems.join("\n  ")}`,
      { problems },
    );
  }
  const policy = parsed.data;
  const problems = policyProblems(policy);
  if (problems.length > 0) {
    throw new RollbookError(
      "invalid_input",
      `The policy is not valid:\n  ${problems.join("\n  ")}`,
      { problems },
    );
  }
  return policy;
}
