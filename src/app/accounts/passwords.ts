import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import { RollbookError } from "../../domain/errors.ts";

/** Argon2id with the library's defaults (19 MiB, 2 passes): OWASP's recommended minimum. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * The 49,000 passwords most often found in breaches (zxcvbn's common list, shipped in the
 * package: nothing is fetched at run time), and the demo's published one.
 */
const COMMON = new Set<string>([
  ...(dictionary["passwords-common"] as string[]),
  "northfield-demo",
  "correct horse battery staple",
]);

/** "Sunshine2026!" is "sunshine" with a year and a mark: guessers try those first. */
function core(password: string): string {
  return password
    .toLowerCase()
    .replace(/^[\d\W_]+|[\d\W_]+$/g, "")
    .trim();
}

/**
 * NCSC and NIST SP 800-63B: a length floor and a check against known-breached passwords, no
 * composition rules. The message names the rule broken.
 */
export function checkNewPassword(
  password: string,
  account: { email?: string; name?: string } = {},
): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new RollbookError(
      "invalid_input",
      `A password needs at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new RollbookError(
      "invalid_input",
      `A password can have at most ${MAX_PASSWORD_LENGTH} characters`,
    );
  const lower = password.toLowerCase();
  const stripped = core(password);
  if (COMMON.has(lower) || (stripped.length >= 4 && COMMON.has(stripped)))
    throw new RollbookError(
      "invalid_input",
      "That password is on the list of passwords most often found in data breaches: choose another (a few unrelated words work well)",
    );
  if (new Set(lower).size < 4)
    throw new RollbookError(
      "invalid_input",
      "That password repeats too few characters to be hard to guess: choose another",
    );
  const own = [account.email?.split("@")[0], ...(account.name?.split(/\s+/) ?? [])]
    .map((w) => w?.toLowerCase().replace(/[^a-z0-9]/g, "") ?? "")
    .filter((w) => w.length >= 4);
  if (own.some((w) => stripped === w || lower.replace(/[^a-z0-9]/g, "") === w))
    throw new RollbookError(
      "invalid_input",
      "A password cannot be your own name or email address: choose another",
    );
}
