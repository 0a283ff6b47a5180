import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { type Actor, accessToSchool, type SchoolAccess } from "../../app/access/access.ts";
import { actorOfSession, type SignedIn } from "../../app/accounts/sign-in.ts";
import type { UseCaseContext } from "../../app/context.ts";
import { RollbookError } from "../../domain/errors.ts";
import { accessRecordOf } from "../audit/request-record.ts";

export const SESSION_COOKIE = "rollbook_session";

/** The session cookie, however the sign-in happened (password or the school's provider). */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  session: SignedIn,
  secureCookies: boolean,
  now: Date,
): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    // Secure by configuration, or because this connection is HTTPS (request.protocol
    // believes X-Forwarded-Proto only from a trusted proxy); never from the Host header.
    secure: secureCookies || request.protocol === "https",
    sameSite: "lax",
    path: "/",
    // Max-Age, not Expires: the browser counts from its own clock, whatever the server says.
    maxAge: Math.max(0, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000)),
  });
}

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
    /** Their role must use two-factor sign-in and it is not set up: only setting it up is open. */
    twoFactorSetupDue: boolean;
    /** The signed-in user's access to a school (403 when they have none). */
    schoolAccess(schoolId: number): Promise<SchoolAccess>;
    /** What a use case is given for this request in a school: access, database, clock, log. */
    useCaseContext(schoolId: number): Promise<UseCaseContext>;
    /** The signed-in user, or 401. */
    requireActor(): Actor;
  }
  interface FastifyContextConfig {
    /** Routes anyone may call: sign-in, health, API documentation. */
    public?: boolean;
    /** Routes open to someone who must set up two-factor sign-in first (the setup, signing out). */
    beforeTwoFactor?: boolean;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Every route is signed-in unless marked public. The session comes from an http-only cookie;
 * changes (POST, PUT, PATCH, DELETE) must also carry the session's CSRF token in `x-csrf-token`.
 */
export const sessionPlugin = fp(async (app: FastifyInstance, options: { clock: () => Date }) => {
  app.decorateRequest("actor", null);
  app.decorateRequest("csrfToken", null);
  app.decorateRequest("twoFactorSetupDue", false);
  app.decorateRequest("schoolAccess", function (this: FastifyRequest, schoolId: number) {
    // The access carries this request's record, so the pupils its use cases resolve are logged.
    return accessToSchool(app.database.db, this.requireActor(), schoolId, accessRecordOf(this));
  });
  app.decorateRequest(
    "useCaseContext",
    async function (this: FastifyRequest, schoolId: number): Promise<UseCaseContext> {
      const access = await this.schoolAccess(schoolId);
      return { db: app.database.db, access, clock: options.clock, audit: access.audit };
    },
  );
  app.decorateRequest("requireActor", function (this: FastifyRequest) {
    if (!this.actor) throw new RollbookError("unauthenticated", "Sign in first");
    return this.actor;
  });

  app.addHook("onRequest", async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const session = await actorOfSession(app.database.db, token, options.clock());
      if (session) {
        request.actor = session.actor;
        request.csrfToken = session.csrfToken;
        request.twoFactorSetupDue = session.twoFactorSetupDue;
      }
    }
    // Decided on the route the router matched, never on the address as sent: the router decodes
    // it (/%61pi/ is /api/), so a check on the raw text can be walked around. Every matched route
    // needs a signed-in user unless it is declared public (src/server/limits.ts marks the API
    // documentation and the web app's files); an address that matches nothing is only a 404.
    if (request.is404 || request.routeOptions.config?.public) return;
    if (!request.actor)
      throw new RollbookError("unauthenticated", "Sign in first: this needs a signed-in user");
    if (request.twoFactorSetupDue && !request.routeOptions.config?.beforeTwoFactor)
      throw new RollbookError(
        "two_factor_setup_required",
        "Your role must use two-factor sign-in: set it up on your account page before anything else",
      );
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers["x-csrf-token"];
      if (typeof sent !== "string" || !request.csrfToken || !sameToken(sent, request.csrfToken)) {
        throw new RollbookError(
          "forbidden",
          "Missing or wrong x-csrf-token header (get it from /api/auth/session)",
        );
      }
    }
  });
});
