import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { londonInstant } from "../../src/domain/dates.ts";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  OTHER_CLIENT_ID,
  signInAtProvider,
  startProvider,
  type TestProvider,
} from "../support/oidc-provider.ts";
import { EMAILS, type TestServer, testServer } from "../support/server.ts";

/**
 * Staff single sign-on against a real OpenID Connect provider running in the test: the school's
 * Entra ID or Google Workspace, signing people in through its own pages.
 */
const PUBLIC_URL = "http://127.0.0.1:3999";
const CALLBACK = `${PUBLIC_URL}/api/auth/sso/callback`;
let server: TestServer;
let provider: TestProvider;
let providerId: number;
// Why each refusal happened, as the server logs it for the administrator.
const logged: string[] = [];
const lastWarning = () => JSON.parse(logged.at(-1) ?? "{}").msg as string;

const ACCOUNTS = {
  head: { email: EMAILS.head, email_verified: true },
  office: { email: EMAILS.office, email_verified: true },
  dsl: { email: EMAILS.dsl, email_verified: true },
  stranger: { email: "supply.teacher@a.example", email_verified: true },
  unverified: { email: EMAILS.teacher, email_verified: false },
  outsider: { email: EMAILS.otherHead, email_verified: true },
};

/** Presses "Sign in with <provider>": Rollbook's redirect, and the state cookie it sets. */
async function start() {
  const begun = await server.app.inject({
    method: "GET",
    url: `/api/auth/sso/${providerId}/start`,
  });
  expect(begun.statusCode, begun.body).toBe(303);
  const state = begun.cookies.find((c) => c.name === "rollbook_sso_state");
  expect(state?.httpOnly).toBe(true);
  return { location: begun.headers.location as string, state: state?.value as string };
}

async function callback(returned: string, state: string | undefined) {
  const url = new URL(returned);
  return server.app.inject({
    method: "GET",
    url: `${url.pathname}${url.search}`,
    headers: state ? { cookie: `rollbook_sso_state=${state}` } : {},
  });
}

async function signInAs(account: keyof typeof ACCOUNTS) {
  const { location, state } = await start();
  return callback(await signInAtProvider(location, account, CALLBACK), state);
}

const sessionCookie = (response: { cookies: { name: string; value: string }[] }) =>
  response.cookies.find((c) => c.name === "rollbook_session" && c.value !== "");

beforeAll(async () => {
  server = await testServer(undefined, {
    publicUrl: PUBLIC_URL,
    ssoSecrets: { ROLLBOOK_SSO_SECRET_SCHOOL: CLIENT_SECRET },
    logLevel: "warn",
    logStream: { write: (line: string) => void logged.push(line) },
  });
  provider = await startProvider(ACCOUNTS, CALLBACK);
  const admin = await server.as("admin");
  const saved = await admin.send("POST", "/api/auth/sso/identity-providers", {
    name: "Microsoft",
    issuer: provider.issuer,
    clientId: CLIENT_ID,
    clientSecretRef: "ROLLBOOK_SSO_SECRET_SCHOOL",
    allowedDomains: ["a.example"],
  });
  expect(saved.statusCode, saved.body).toBe(201);
  providerId = saved.json().id;
});
afterAll(async () => {
  await provider?.close();
  await server?.close();
});

describe("single sign-on for staff", () => {
  it("shows the provider on the sign-in page and to the administrator, never the secret", async () => {
    const buttons = await server.app.inject({ method: "GET", url: "/api/auth/sso/providers" });
    expect(buttons.json()).toEqual({ providers: [{ id: providerId, name: "Microsoft" }] });
    const admin = await server.as("admin");
    const settings = (await admin.get("/api/auth/sso/identity-providers")).json();
    expect(settings.providers[0]).toMatchObject({
      clientSecretRef: "ROLLBOOK_SSO_SECRET_SCHOOL",
      secretPresent: true,
    });
    expect(JSON.stringify(settings)).not.toContain(CLIENT_SECRET);
    // Another server secret cannot be named as the client secret.
    const sneaky = await admin.send("POST", "/api/auth/sso/identity-providers", {
      name: "Evil",
      issuer: "https://evil.example",
      clientId: "x",
      clientSecretRef: "DATABASE_URL",
      allowedDomains: ["a.example"],
    });
    expect(sneaky.statusCode).toBe(400);
    const head = await server.as("head");
    expect((await head.get("/api/auth/sso/identity-providers")).statusCode).toBe(403);
  });

  it("signs a member of staff in through the provider: code, PKCE, state and nonce", async () => {
    const { location, state } = await start();
    const asked = new URL(location);
    expect(asked.origin).toBe(provider.issuer);
    expect(asked.searchParams.get("code_challenge_method")).toBe("S256");
    expect(asked.searchParams.get("state")).toBe(state);
    expect(asked.searchParams.get("nonce")).toBeTruthy();
    expect(asked.searchParams.get("redirect_uri")).toBe(CALLBACK);
    const back = await callback(await signInAtProvider(location, "head", CALLBACK), state);
    expect(back.statusCode, back.body).toBe(303);
    expect(back.headers.location).toBe("/");
    const cookie = back.cookies.find((c) => c.name === "rollbook_session");
    expect(cookie?.httpOnly).toBe(true);
    const session = await server.app.inject({
      method: "GET",
      url: "/api/auth/session",
      headers: { cookie: `rollbook_session=${cookie?.value}` },
    });
    expect(session.json().user).toMatchObject({ email: EMAILS.head });
    // Signing out ends the Rollbook session.
    const out = await server.app.inject({
      method: "POST",
      url: "/api/auth/logout",
      headers: {
        cookie: `rollbook_session=${cookie?.value}`,
        "x-csrf-token": session.json().csrfToken,
      },
    });
    expect(out.statusCode).toBe(200);
    const after = await server.app.inject({
      method: "GET",
      url: "/api/auth/session",
      headers: { cookie: `rollbook_session=${cookie?.value}` },
    });
    expect(after.statusCode).toBe(401);
  });

  it("refuses a return with another browser's state, or with none, and a state used twice", async () => {
    const first = await start();
    const returned = await signInAtProvider(first.location, "office", CALLBACK);
    const second = await start();
    const wrong = await callback(returned, second.state);
    expect(wrong.headers.location).toBe("/login?sso=failed");
    expect(lastWarning()).toContain("not started from this browser");
    expect(sessionCookie(wrong)).toBeUndefined();
    expect((await callback(returned, undefined)).headers.location).toBe("/login?sso=failed");
    // The right state, but that sign-in's state was spent by neither: it works once, then never.
    const right = await callback(returned, first.state);
    expect(right.headers.location).toBe("/");
    const again = await callback(returned, first.state);
    expect(again.headers.location).toBe("/login?sso=failed");
    expect(sessionCookie(again)).toBeUndefined();
  });

  it("refuses an email with no Rollbook account, creating nobody", async () => {
    const back = await signInAs("stranger");
    expect(back.headers.location).toBe("/login?sso=unknown_email");
    expect(sessionCookie(back)).toBeUndefined();
    const made = await server.database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "supply.teacher@a.example")
      .execute();
    expect(made).toEqual([]);
  });

  it("refuses an unverified email and a domain the school does not sign in with", async () => {
    expect((await signInAs("unverified")).headers.location).toBe("/login?sso=email_not_verified");
    expect((await signInAs("outsider")).headers.location).toBe("/login?sso=domain_not_allowed");
  });

  it("refuses a disabled account", async () => {
    const admin = await server.as("admin");
    const dsl = await server.database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", EMAILS.dsl)
      .executeTakeFirstOrThrow();
    expect((await admin.send("POST", `/api/users/${dsl.id}/disable`)).statusCode).toBe(200);
    const back = await signInAs("dsl");
    expect(back.headers.location).toBe("/login?sso=disabled");
    expect(sessionCookie(back)).toBeUndefined();
    await admin.send("POST", `/api/users/${dsl.id}/enable`);
  });

  it("refuses a code the provider issued to another application", async () => {
    const { location, state } = await start();
    const forOther = new URL(location);
    forOther.searchParams.set("client_id", OTHER_CLIENT_ID);
    const returned = await signInAtProvider(forOther.href, "office", CALLBACK);
    expect(new URL(returned).searchParams.get("code")).toBeTruthy();
    const back = await callback(returned, state);
    expect(back.headers.location).toBe("/login?sso=failed");
    expect(lastWarning()).toMatch(/grant request is invalid|client/i);
    expect(sessionCookie(back)).toBeUndefined();
  });

  it("refuses an id token that has expired by Rollbook's clock", async () => {
    // The provider's id tokens last an hour: Rollbook's clock is two hours on from the provider's.
    const real = new Date(Date.now() + 2 * 3_600_000);
    const london = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/London",
      dateStyle: "short",
      timeStyle: "short",
    }).format(real);
    const [d, t] = london.split(", ") as [string, string];
    const [day, month, year] = d.split("/");
    server.setNow(`${year}-${month}-${day}`, t);
    expect(
      Math.abs(londonInstant(`${year}-${month}-${day}`, t).getTime() - real.getTime()),
    ).toBeLessThan(61_000);
    const { location, state } = await start();
    const returned = await signInAtProvider(location, "office", CALLBACK);
    const back = await callback(returned, state);
    expect(back.headers.location).toBe("/login?sso=failed");
    expect(lastWarning()).toMatch(/"exp"|expired|timestamp/i);
    expect(sessionCookie(back)).toBeUndefined();
    server.setNow("2025-09-03", "08:45");
  });
});
