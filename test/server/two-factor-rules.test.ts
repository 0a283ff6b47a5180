import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { londonInstant } from "../../src/domain/dates.ts";
import { EMAILS, PASSWORD, type TestServer, testServer } from "../support/server.ts";

/**
 * Two-factor sign-in required of chosen staff roles, and the recovery codes that come with it.
 */
let server: TestServer;

const login = (body: Record<string, unknown>) =>
  server.app.inject({ method: "POST", url: "/api/auth/login", payload: body });
const codeAt = (secret: string, date: string, time: string) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: londonInstant(date, time).getTime(),
  });
function client(response: Awaited<ReturnType<typeof login>>) {
  const cookie = `rollbook_session=${response.cookies.find((c) => c.name === "rollbook_session")?.value}`;
  const csrf = response.json().csrfToken as string;
  return {
    get: (url: string) => server.app.inject({ method: "GET", url, headers: { cookie } }),
    post: (url: string, payload: object = {}) =>
      server.app.inject({
        method: "POST",
        url,
        headers: { cookie, "x-csrf-token": csrf },
        payload,
      }),
  };
}

beforeAll(async () => {
  server = await testServer();
});
afterAll(async () => {
  await server?.close();
});

describe("two-factor sign-in required by role", () => {
  it("is set by an administrator only, for staff roles only", async () => {
    const head = await server.as("head");
    expect(
      (await head.send("PUT", "/api/auth/two-factor-rules", { requiredFor: ["dsl"] })).statusCode,
    ).toBe(403);
    const admin = await server.as("admin");
    const parents = await admin.send("PUT", "/api/auth/two-factor-rules", {
      requiredFor: ["parent"],
    });
    expect(parents.statusCode).toBe(400);
    const set = await admin.send("PUT", "/api/auth/two-factor-rules", {
      requiredFor: ["dsl", "head_of_school", "dsl"],
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ requiredFor: ["dsl", "head_of_school"] });
    expect((await admin.get("/api/auth/two-factor-rules")).json()).toEqual({
      requiredFor: ["dsl", "head_of_school"],
    });
  });

  it("sends such a person to set it up before anything else, then lets them in", async () => {
    const signedIn = await login({ email: EMAILS.dsl, password: PASSWORD });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json().user.twoFactorSetupDue).toBe(true);
    const dsl = client(signedIn);
    const refused = await dsl.get(`/api/schools/${server.school.id}/pupils`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("two_factor_setup_required");
    expect((await dsl.get("/api/auth/session")).json().user.twoFactorSetupDue).toBe(true);
    expect((await dsl.get("/api/auth/two-factor")).json()).toMatchObject({
      on: false,
      required: true,
    });

    const { secret } = (await dsl.post("/api/auth/two-factor/begin")).json();
    const confirmed = await dsl.post("/api/auth/two-factor/confirm", {
      code: codeAt(secret, "2025-09-03", "08:45"),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const codes = confirmed.json().recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes)
      expect(c).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    // Stored only as argon2 hashes.
    const stored = await server.database.db
      .selectFrom("recovery_codes")
      .select("code_hash")
      .execute();
    expect(stored.every((r) => r.code_hash.startsWith("$argon2id$"))).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(codes[0]?.replace(/-/g, ""));

    expect((await dsl.get(`/api/schools/${server.school.id}/pupils`)).statusCode).toBe(200);
    expect((await dsl.get("/api/auth/two-factor")).json()).toEqual({
      on: true,
      recoveryCodesLeft: 10,
      required: true,
    });
    // A required two-factor sign-in cannot be turned off.
    server.setNow("2025-09-03", "08:46");
    const off = await dsl.post("/api/auth/two-factor/off", {
      password: PASSWORD,
      code: codeAt(secret, "2025-09-03", "08:46"),
    });
    expect(off.statusCode).toBe(403);

    // Each recovery code signs in once, in place of the app's code, and the count goes down.
    const first = codes[0] as string;
    const withCode = await login({
      email: EMAILS.dsl,
      password: PASSWORD,
      code: first.toLowerCase(),
    });
    expect(withCode.statusCode, withCode.body).toBe(200);
    expect(withCode.json().user.twoFactorSetupDue).toBe(false);
    const again = await login({ email: EMAILS.dsl, password: PASSWORD, code: first });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.message).toContain("already used");
    expect((await client(withCode).get("/api/auth/two-factor")).json().recoveryCodesLeft).toBe(9);
    const made = await login({ email: EMAILS.dsl, password: PASSWORD, code: "ABCD-EFGH-JKMN" });
    expect(made.statusCode).toBe(401);

    // New codes need the password and a current code; the old ones stop working.
    server.setNow("2025-09-03", "08:47");
    const fresh = await client(withCode).post("/api/auth/two-factor/recovery-codes", {
      password: PASSWORD,
      code: codeAt(secret, "2025-09-03", "08:47"),
    });
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.json().recoveryCodes).toHaveLength(10);
    const old = await login({ email: EMAILS.dsl, password: PASSWORD, code: codes[1] });
    expect(old.statusCode).toBe(401);
    const wrongPassword = await client(withCode).post("/api/auth/two-factor/recovery-codes", {
      password: "not my password at all",
      code: codeAt(secret, "2025-09-03", "08:47"),
    });
    expect(wrongPassword.statusCode).toBe(400);
  });

  it("leaves other roles alone and counts a provider's sign-in as strong", async () => {
    const office = await server.as("office");
    expect((await office.get(`/api/schools/${server.school.id}/pupils`)).statusCode).toBe(200);
    // The head's role is required too: a password session is stopped, a provider's is not.
    const head = client(await login({ email: EMAILS.head, password: PASSWORD }));
    expect((await head.get(`/api/schools/${server.school.id}/pupils`)).json().error.code).toBe(
      "two_factor_setup_required",
    );
    await server.database.db
      .updateTable("user_sessions")
      .set({ signed_in_with: "single_sign_on" })
      .where(
        "user_id",
        "=",
        (
          await server.database.db
            .selectFrom("users")
            .select("id")
            .where("email", "=", EMAILS.head)
            .executeTakeFirstOrThrow()
        ).id,
      )
      .execute();
    expect((await head.get(`/api/schools/${server.school.id}/pupils`)).statusCode).toBe(200);
    // Taking the rule away lets password sign-ins in again.
    const admin = await server.as("admin");
    await admin.send("PUT", "/api/auth/two-factor-rules", { requiredFor: [] });
    const later = client(await login({ email: EMAILS.head, password: PASSWORD }));
    expect((await later.get(`/api/schools/${server.school.id}/pupils`)).statusCode).toBe(200);
  });
});
