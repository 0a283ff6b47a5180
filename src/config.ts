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
  /**
   * SMTP sign-in with OAuth2 (XOAUTH2) rather than the URL's password, as Microsoft 365 and Google
   * require: the mailbox, and either an access token or the app's client credentials with the
   * tenant's token address (docs/messaging.md).
   */
  SMTP_OAUTH2_USER: z.string().min(3).optional(),
  SMTP_OAUTH2_ACCESS_TOKEN: z.string().min(1).optional(),
  SMTP_OAUTH2_CLIENT_ID: z.string().min(1).optional(),
  SMTP_OAUTH2_CLIENT_SECRET: z.string().min(1).optional(),
  SMTP_OAUTH2_TOKEN_URL: z.url({ protocol: /^https?$/ }).optional(),
  SMTP_OAUTH2_SCOPE: z.string().default("https://outlook.office365.com/.default"),
  /** The SMS providers' API addresses, for a test or a regional endpoint; their own by default. */
  NOTIFY_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  TWILIO_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * The address people use to reach Rollbook, e.g. https://rollbook.school.example: links in
   * emails point here, and an https address makes the session cookie Secure. Without it, links
   * use http://HOST:PORT and the cookie is Secure unless HOST is this machine (the embedded start).
   */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "must be an http:// or https:// address" })
    .optional(),
  /**
   * Behind a reverse proxy: the proxies' addresses or ranges, comma-separated ("127.0.0.1",
   * "10.0.0.0/8", "loopback"), whose X-Forwarded-For and -Proto are believed. Sign-in limits
   * count per client address, so only a real proxy may be named (else anyone could claim any address).
   */
  TRUST_PROXY: z.string().optional(),
  /** The first administrator of a real deployment, created once at the first start. */
  ROLLBOOK_ADMIN_EMAIL: z.email({ error: "must be an email address" }).optional(),
  ROLLBOOK_ADMIN_PASSWORD: z.string().optional(),
  ROLLBOOK_ADMIN_NAME: z.string().min(1).max(200).default("Administrator"),
  /** Longest a PostgreSQL statement may run before it is cancelled, so none holds a connection for ever. */
  ROLLBOOK_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
  /** Requests the server works on at once; more wait in a short queue (docs/security.md). */
  ROLLBOOK_REQUESTS_IN_PROGRESS: z.coerce.number().int().min(1).max(10_000).default(24),
  /** Requests allowed to wait for a place; past this they are answered 503 at once. */
  ROLLBOOK_REQUESTS_WAITING: z.coerce.number().int().min(0).max(100_000).default(100),
  /** Longest a request waits for a place before it is answered 503 with Retry-After. */
  ROLLBOOK_QUEUE_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** Hosts an SMS webhook may name though they are internal (a gateway inside the network), comma-separated. */
  ROLLBOOK_SMS_WEBHOOK_ALLOW: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
});

export type Config = z.infer<typeof schema>;

/** Loopback addresses: a browser there reaches the server over plain HTTP on the same machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** Where emailed links point and whether the cookie is Secure: from settings, never from a request. */
export function publicAddress(config: Config): { publicUrl: string; secureCookies: boolean } {
  if (config.PUBLIC_URL)
    return {
      publicUrl: config.PUBLIC_URL.replace(/\/$/, ""),
      secureCookies: config.PUBLIC_URL.startsWith("https:"),
    };
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "127.0.0.1" : config.HOST;
  return {
    publicUrl: `http://${host.includes(":") ? `[${host}]` : host}:${config.PORT}`,
    secureCookies: !isLoopbackHost(config.HOST),
  };
}

/** Fastify's trustProxy from TRUST_PROXY: the proxies' addresses, never "trust everyone". */
export function trustProxyOf(config: Config): false | string {
  return config.TRUST_PROXY ?? false;
}

/** Single sign-on client secrets: every ROLLBOOK_SSO_SECRET_... variable, by name (docs/security.md). */
export function ssoSecretsOf(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => e[0].startsWith("ROLLBOOK_SSO_SECRET_") && !!e[1],
    ),
  );
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (DATABASE_URL= in a shell or .env) means "not set".
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = schema.safeParse(set);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  throw new RollbookError("invalid_input", `Environment settings are wrong: ${problems}`);
}

/** A secret kept in the environment under a name stored in the database (an MIS token's `env:NAME`). */
export function secretNamed(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  return env[name]?.trim() || null;
}
