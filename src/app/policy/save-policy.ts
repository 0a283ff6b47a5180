import { savePolicyVersion } from "../../db/repositories/policies.ts";
import { RollbookError } from "../../domain/errors.ts";
import { PRESETS } from "../../domain/policy/presets/index.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { parsePolicy } from "./policy-schema.ts";

/** Saves a policy document, checked whole, as the school's next version; earlier ones are kept. */
export async function savePolicy(ctx: UseCaseContext, document: unknown): Promise<number> {
  ctx.access.require("school.setup");
  const policy = parsePolicy(document);
  return inTransaction(ctx, "save policy", (tx) =>
    savePolicyVersion(tx, ctx.access.schoolId, policy, ctx.access.signature()),
  );
}

/** Adopts one of the seed policies' presets as the school's next version. */
export async function adoptPreset(
  ctx: UseCaseContext,
  choice: { preset: string },
): Promise<{ version: number; name: string }> {
  ctx.access.require("school.setup");
  const preset = PRESETS[choice.preset];
  if (!preset)
    throw new RollbookError(
      "not_found",
      `No preset "${choice.preset}"; presets: ${Object.keys(PRESETS).join(", ")}`,
    );
  const version = await inTransaction(ctx, "adopt policy preset", (tx) =>
    savePolicyVersion(tx, ctx.access.schoolId, preset, ctx.access.signature()),
  );
  return { version, name: preset.name };
}
