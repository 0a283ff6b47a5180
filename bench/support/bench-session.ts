import type { Kysely } from "kysely";
import { hashToken } from "../../src/app/accounts/sign-in.ts";
import type { DB } from "../../src/db/schema.ts";

/** A session that never expires for a bench's user, so requests skip signing in. */
export async function benchSession(db: Kysely<DB>, userId: number, token: string): Promise<void> {
  await db
    .insertInto("user_sessions")
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      csrf_token: "x",
      expires_at: new Date("2099-01-01"),
    })
    .execute();
}
