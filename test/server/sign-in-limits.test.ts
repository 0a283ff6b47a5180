import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_IN_LIMITS } from "../../src/app/accounts/sign-in.ts";
import { EMAILS, PASSWORD, type TestServer, testServer } from "../support/server.ts";

/** Finding 5 of issue 13: sign-in that resists guessing without locking the real user out. */
let server: TestServer;

beforeAll(async () => {
  server = await testServer();
});
afterAll(async () => {
  await server?.close();
});

const login = (email: string, password: string, remoteAddress: string) =>
  server.app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { email, password },
    remoteAddress,
  });

const resetLinkFor = async (email: string): Promise<string> => {
  const row = await server.database.db
    .selectFrom("outbox")
    .select("body")
    .where("to_address", "=", email)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return (row.body.match(/#token=([\w-]+)/) as RegExpMatchArray)[1] as string;
};

describe("sign-in limits", () => {
  it("lets ten parallel wrong passwords check only five: the attempt is counted before the password", async () => {
    server.setNow("2025-09-03", "11:00");
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => login(EMAILS.head, `parallel ${i}`, "198.51.100.1")),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(SIGN_IN_LIMITS.pair);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10 - SIGN_IN_LIMITS.pair);
    expect((await login(EMAILS.head, PASSWORD, "198.51.100.1")).statusCode).toBe(429);
  });

  it("answers a locked known email exactly as a locked unknown one", async () => {
    server.setNow("2025-09-03", "11:20");
    const known: { status: number; body: string }[] = [];
    const unknown: { status: number; body: string }[] = [];
    for (let i = 0; i < 7; i++) {
      const k = await login(EMAILS.office, `wrong ${i}`, "198.51.100.2");
      const u = await login("nobody.here@a.example", `wrong ${i}`, "198.51.100.2");
      known.push({ status: k.statusCode, body: k.body });
      unknown.push({ status: u.statusCode, body: u.body });
    }
    expect(known).toEqual(unknown);
    expect(known.at(-1)?.status).toBe(429);
    expect(known.at(-1)?.body).not.toMatch(/until|\d\d:\d\d/);
  });

  it("spends an argon2 check on every refusal, locked or not, so timing does not tell", async () => {
    server.setNow("2025-09-03", "11:40");
    const time = async (email: string) => {
      const started = performance.now();
      await login(email, "wrong again", "198.51.100.3");
      return performance.now() - started;
    };
    for (let i = 0; i < 6; i++) await login(EMAILS.teacher, `wrong ${i}`, "198.51.100.3");
    const locked: number[] = [];
    const unknownEmail: number[] = [];
    for (let i = 0; i < 4; i++) {
      locked.push(await time(EMAILS.teacher));
      unknownEmail.push(await time(`stranger${i}@a.example`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    // Without the check a locked refusal takes about a millisecond; with it, as long as any other.
    expect(median(locked)).toBeGreaterThan(median(unknownEmail) * 0.4);
  });

  it("does not lock the real user out when someone elsewhere guesses their password", async () => {
    server.setNow("2025-09-03", "12:00");
    for (let i = 0; i < 8; i++) await login(EMAILS.dsl, `attacker ${i}`, "192.0.2.66");
    expect((await login(EMAILS.dsl, PASSWORD, "192.0.2.66")).statusCode).toBe(429);
    expect((await login(EMAILS.dsl, PASSWORD, "10.1.2.3")).statusCode).toBe(200);
  });

  it("throttles one address guessing many accounts", async () => {
    server.setNow("2025-09-03", "12:20");
    const address = "192.0.2.77";
    for (let i = 0; i < SIGN_IN_LIMITS.address; i++)
      await login(`spray${i}@a.example`, "Summer2025!", address);
    const next = await login(EMAILS.trust, PASSWORD, address);
    expect(next.statusCode).toBe(429);
    expect((await login(EMAILS.trust, PASSWORD, "10.9.9.9")).statusCode).toBe(200);
  }, 30_000);

  it("still lets a locked user in through a password reset, which clears the lock", async () => {
    server.setNow("2025-09-03", "13:00");
    const address = "198.51.100.9";
    for (let i = 0; i < 6; i++) await login(EMAILS.la, `wrong ${i}`, address);
    expect((await login(EMAILS.la, PASSWORD, address)).statusCode).toBe(429);
    const asked = await server.app.inject({
      method: "POST",
      url: "/api/auth/password-reset/request",
      payload: { email: EMAILS.la },
      remoteAddress: address,
    });
    expect(asked.statusCode).toBe(202);
    const token = await resetLinkFor(EMAILS.la);
    const reset = await server.app.inject({
      method: "POST",
      url: "/api/auth/password-reset",
      payload: { token, newPassword: "a kettle on the landing" },
      remoteAddress: address,
    });
    expect(reset.statusCode).toBe(200);
    expect((await login(EMAILS.la, "a kettle on the landing", address)).statusCode).toBe(200);
  });
});
