import { z } from "zod";
import { RollbookError } from "./domain/errors.ts";

/**
 * Every environment variable Rollbook reads, declared and checked once at start-up; all problems
 * are reported together. Nothing else reads process.env.
 */
const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  ROLLBOOK_DATA_DIR: z.string().min(1).default("./data/rollbook"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  ROLLBOOK_DEBUG: z.enum(["0", "1"]).default("0"),
  /** Outgoing email, e.g. smtp://user:pass@mail.example.org:587; without it emails are only logged. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  EMAIL_FROM: z.string().default("Rollbook <attendance@rollbook.invalid>"),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (DATABASE_URL= in a shell or .env) means "not set".
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = schema.safeParse(set);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  throw new RollbookError("invalid_input", `Environment settings are wrong: ${problems}`);
}
