import { hash, verify } from "@node-rs/argon2";
import { RollbookError } from "../../domain/errors.ts";

/** Argon2id with the library's defaults (19 MiB, 2 passes): OWASP's recommended minimum. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

export const MIN_PASSWORD_LENGTH = 12;

export function checkNewPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new RollbookError(
      "invalid_input",
      `A password needs at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
}
