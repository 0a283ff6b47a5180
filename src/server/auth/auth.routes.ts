import { visibleSchoolIds } from "../../app/access/access.ts";
import { ROLE_LABELS } from "../../app/access/permissions.ts";
import { isDemo } from "../../app/accounts/deployment.ts";
import {
  changePassword,
  checkPasswordLink,
  requestPasswordReset,
  resetPassword,
} from "../../app/accounts/password-links.ts";
import { actorOfSession, signIn, signOut, signOutEverywhere } from "../../app/accounts/sign-in.ts";
import {
  beginTwoFactor,
  confirmTwoFactor,
  regenerateRecoveryCodes,
  turnOffTwoFactor,
  twoFactorStatus,
} from "../../app/accounts/two-factor.ts";
import { DEMO_PASSWORD, demoAccountsToShow } from "../../app/demo/demo-accounts.ts";
import { failures } from "../error.schema.ts";
import type { RouteApp } from "../route-app.ts";
import {
  changePasswordBody,
  confirmBody,
  credentials,
  deployment,
  linkChecked,
  passwordChanged,
  passwordReset,
  recoveryCodesBody,
  resetBody,
  resetRequestBody,
  resetRequested,
  session,
  signedOut,
  signedOutEverywhere,
  tokenBody,
  turnOffBody,
  twoFactorBegun,
  twoFactorOff,
} from "./auth.schema.ts";
import { SESSION_COOKIE, setSessionCookie } from "./session.ts";
import {
  newRecoveryCodes,
  twoFactorStatus as statusSchema,
  twoFactorTurnedOn,
} from "./two-factor.schema.ts";

export interface AuthOptions {
  signInsPerMinute: number;
  /** Where emailed links point: configuration, never the request's Host header. */
  publicUrl: string;
  /** From configuration (PUBLIC_URL's scheme, or a HOST that is not this machine). */
  secureCookies: boolean;
}

export async function authRoutes(app: RouteApp, options: AuthOptions): Promise<void> {
  const db = app.database.db;
  const links = { publicUrl: options.publicUrl };
  const limited = { max: options.signInsPerMinute, timeWindow: "1 minute" };

  app.post(
    "/login",
    {
      config: { public: true, rateLimit: limited },
      schema: {
        tags: ["auth"],
        summary: "Sign in with email and password",
        body: credentials,
        response: { 200: session, ...failures(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await signOut(db, previous);
      const session = await signIn(db, { ...request.body, address: request.ip }, app.clock());
      setSessionCookie(request, reply, session, options.secureCookies, app.clock());
      const opened = await actorOfSession(db, session.token, app.clock());
      return {
        user: await describeUser(app, session.actor, opened?.twoFactorSetupDue ?? false),
        csrfToken: session.csrfToken,
      };
    },
  );

  app.post(
    "/logout",
    {
      config: { beforeTwoFactor: true },
      schema: { tags: ["auth"], summary: "Sign out", response: { 200: signedOut } },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await signOut(db, token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return { signedOut: true as const };
    },
  );

  app.post(
    "/logout-everywhere",
    {
      config: { beforeTwoFactor: true },
      schema: {
        tags: ["auth"],
        summary: "Sign out on every device (ends all your sessions)",
        response: { 200: signedOutEverywhere, ...failures(401) },
      },
    },
    async (request, reply) => {
      const ended = await signOutEverywhere(db, request.requireActor());
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return { signedOut: true as const, sessionsEnded: ended };
    },
  );

  app.get(
    "/session",
    {
      config: { beforeTwoFactor: true },
      schema: {
        tags: ["auth"],
        summary: "The signed-in user and their CSRF token",
        response: { 200: session, ...failures(401) },
      },
    },
    async (request) => ({
      user: await describeUser(app, request.requireActor(), request.twoFactorSetupDue),
      csrfToken: request.csrfToken,
    }),
  );

  app.get(
    "/deployment",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        summary: "Whether this is a demo database, and then its shared-password accounts",
        response: { 200: deployment },
      },
    },
    async () => {
      if (!(await isDemo(db))) return { demo: false, demoAccounts: [] as never[] };
      const accounts = await demoAccountsToShow(db);
      return {
        demo: true,
        demoPassword: DEMO_PASSWORD,
        demoAccounts: accounts.map((a) => ({ ...a, label: ROLE_LABELS[a.role] })),
      };
    },
  );

  app.get(
    "/two-factor",
    {
      config: { beforeTwoFactor: true },
      schema: {
        tags: ["auth"],
        summary: "Whether your sign-in asks for a code from an app",
        response: { 200: statusSchema },
      },
    },
    async (request) => twoFactorStatus(db, request.requireActor()),
  );

  app.post(
    "/two-factor/begin",
    {
      config: { beforeTwoFactor: true },
      schema: {
        tags: ["auth"],
        summary:
          "Start two-factor sign-in: a new secret (and its otpauth:// address for a QR code) for an authenticator app",
        response: { 200: twoFactorBegun, ...failures(401, 409) },
      },
    },
    async (request) => beginTwoFactor(db, request.requireActor()),
  );

  app.post(
    "/two-factor/confirm",
    {
      config: { beforeTwoFactor: true },
      schema: {
        tags: ["auth"],
        summary: "Turn two-factor sign-in on with a code the app shows",
        body: confirmBody,
        response: { 200: twoFactorTurnedOn },
      },
    },
    async (request) => {
      const { recoveryCodes } = await confirmTwoFactor(
        db,
        request.requireActor(),
        request.body.code,
        app.clock(),
      );
      return { on: true as const, recoveryCodes };
    },
  );

  app.post(
    "/two-factor/off",
    {
      schema: {
        tags: ["auth"],
        summary: "Turn two-factor sign-in off (your password and a current code)",
        body: turnOffBody,
        response: { 200: twoFactorOff, ...failures(400, 401, 403) },
      },
    },
    async (request) => {
      await turnOffTwoFactor(db, request.requireActor(), request.body, app.clock());
      return { on: false as const };
    },
  );

  app.post(
    "/two-factor/recovery-codes",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Ten new recovery codes, shown once (your password and a current code; the old codes stop working)",
        body: recoveryCodesBody,
        response: { 200: newRecoveryCodes },
      },
    },
    async (request) =>
      regenerateRecoveryCodes(db, request.requireActor(), request.body, app.clock()),
  );

  app.post(
    "/password",
    {
      schema: {
        tags: ["auth"],
        summary: "Change your own password (your other sessions end)",
        body: changePasswordBody,
        response: { 200: passwordChanged, ...failures(400, 401, 403) },
      },
    },
    async (request) => {
      await changePassword(
        db,
        request.requireActor(),
        {
          ...request.body,
          address: request.ip,
          sessionToken: request.cookies[SESSION_COOKIE] ?? "",
        },
        app.clock(),
      );
      return { changed: true as const };
    },
  );

  app.post(
    "/password-reset/request",
    {
      config: { public: true, rateLimit: limited },
      schema: {
        tags: ["auth"],
        summary: "Email a link to choose a new password (the same answer for any email)",
        body: resetRequestBody,
        response: { 202: resetRequested, ...failures(400, 429) },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return requestPasswordReset(db, request.body, links, app.clock());
    },
  );

  app.post(
    "/password-reset/check",
    {
      config: { public: true, rateLimit: limited },
      schema: {
        tags: ["auth"],
        summary: "Whether a password link still works",
        body: tokenBody,
        response: { 200: linkChecked, ...failures(400, 429) },
      },
    },
    async (request) => checkPasswordLink(db, request.body.token, app.clock()),
  );

  app.post(
    "/password-reset",
    {
      config: { public: true, rateLimit: limited },
      schema: {
        tags: ["auth"],
        summary: "Choose a new password with an emailed link (every session of the account ends)",
        body: resetBody,
        response: { 200: passwordReset, ...failures(400, 429) },
      },
    },
    async (request) => ({
      ...(await resetPassword(db, request.body, app.clock())),
      changed: true as const,
    }),
  );
}

async function describeUser(
  app: RouteApp,
  actor: Parameters<typeof visibleSchoolIds>[1],
  twoFactorSetupDue: boolean,
) {
  return {
    /** The web app shows only the two-factor setup until it is done. */
    twoFactorSetupDue,
    id: actor.userId,
    name: actor.name,
    email: actor.email,
    roles: actor.grants.map((g) => ({
      role: g.role,
      label: ROLE_LABELS[g.role],
      schoolId: g.schoolId,
      trustId: g.trustId,
      laCode: g.laCode,
    })),
    schoolIds: await visibleSchoolIds(app.database.db, actor),
  };
}
