import { randomInt } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";

export const RECOVERY_CODES = 10;
/** No 0/O, 1/I/L: a code is read off paper and typed. */
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/** Three groups of four (about 59 bits each): written XXXX-XXXX-XXXX. */
export const RECOVERY_CODE = /^[2-9A-HJKMNP-Z]{4}-?[2-9A-HJKMNP-Z]{4}-?[2-9A-HJKMNP-Z]{4}$/i;

function newCode(): string {
  const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

const normal = (code: string) => code.replace(/[\s-]/g, "").toUpperCase();

/** Ten new codes, shown once: earlier ones stop working. Only their argon2 hashes are kept. */
export async function issueRecoveryCodes(db: Kysely<DB>, userId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, newCode);
  const hashes = await Promise.all(codes.map((c) => hashPassword(normal(c))));
  await db.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await db
    .insertInto("recovery_codes")
    .values(hashes.map((code_hash) => ({ user_id: userId, code_hash })))
    .execute();
  return codes;
}

/** Accepts an unused code once: marking it used is the one statement two sign-ins race on. */
export async function spendRecoveryCode(
  db: Kysely<DB>,
  userId: number,
  code: string,
  now: Date,
): Promise<boolean> {
  if (!RECOVERY_CODE.test(code.trim())) return false;
  const unused = await db
    .selectFrom("recovery_codes")
    .select(["id", "code_hash"])
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .execute();
  for (const row of unused) {
    if (!(await verifyPassword(row.code_hash, normal(code)))) continue;
    const spent = await db
      .updateTable("recovery_codes")
      .set({ used_at: now })
      .where("id", "=", row.id)
      .where("used_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    return spent !== undefined;
  }
  return false;
}

export async function recoveryCodesLeft(db: Kysely<DB>, userId: number): Promise<number> {
  const row = await db
    .selectFrom("recovery_codes")
    .select((eb) => eb.fn.countAll<string>().as("left"))
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.left);
}
