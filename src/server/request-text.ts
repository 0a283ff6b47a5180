import type { FastifyInstance } from "fastify";
import { findUnstorableText } from "../app/unstorable-text.ts";
import { RollbookError } from "../domain/errors.ts";

/**
 * Refuses, before any route sees it, a request whose JSON, query or address holds text the
 * database cannot store (a NUL, half a surrogate pair), naming where it is: otherwise the
 * database refuses it mid-save and the answer is a 500.
 */
export function refuseUnstorableText(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    const parts = { body: request.body, querystring: request.query, params: request.params };
    for (const [where, value] of Object.entries(parts)) {
      // A CSV file arrives as one string: its importer names the line instead.
      if (typeof value === "string") continue;
      const found = findUnstorableText(value);
      if (!found) continue;
      const issue = `${[where, ...found.path].join(".")}: ${found.problem}`;
      throw new RollbookError("invalid_input", `The request is not valid: ${issue}`, {
        issues: [issue],
      });
    }
  });
}
