import {
  listIdentityProviders,
  saveIdentityProvider,
} from "../../app/accounts/identity-providers.ts";
import { signOut } from "../../app/accounts/sign-in.ts";
import {
  beginSingleSignOn,
  finishSingleSignOn,
  type SingleSignOnOptions,
  signInProviders,
} from "../../app/accounts/single-sign-on.ts";
import { isRollbookError } from "../../domain/errors.ts";
import { redirectResponse } from "../openapi.ts";
import type { RouteApp } from "../route-app.ts";
import { SESSION_COOKIE, setSessionCookie } from "./session.ts";
import {
  identityProviderBody,
  identityProviderList,
  identityProviderSaved,
  providerParams,
  signInProviderList,
} from "./single-sign-on.schema.ts";

/** Binds a sign-in at the provider to the browser that started it. */
const STATE_COOKIE = "rollbook_sso_state";
const STATE_PATH = "/api/auth/sso";

export interface SingleSignOnRouteOptions extends SingleSignOnOptions {
  secureCookies: boolean;
  signInsPerMinute: number;
}

/** Staff single sign-on through the school's identity provider (OpenID Connect). */
export async function singleSignOnRoutes(
  app: RouteApp,
  options: SingleSignOnRouteOptions,
): Promise<void> {
  const db = app.database.db;
  const limited = { max: options.signInsPerMinute, timeWindow: "1 minute" };

  app.get(
    "/providers",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        summary: "The identity providers staff may sign in with (the sign-in page's buttons)",
        response: { 200: signInProviderList },
      },
    },
    async () => ({ providers: await signInProviders(db) }),
  );

  app.get(
    "/:providerId/start",
    {
      config: { public: true, rateLimit: limited },
      schema: {
        tags: ["auth"],
        summary: "Start signing in at the provider (a redirect there)",
        params: providerParams,
        response: { 303: redirectResponse("To the provider's sign-in page") },
      },
    },
    async (request, reply) => {
      const begun = await beginSingleSignOn(db, request.params, options, app.clock());
      reply.setCookie(STATE_COOKIE, begun.state, {
        httpOnly: true,
        secure: options.secureCookies || request.protocol === "https",
        // Lax: the provider's redirect back is a top-level GET from its own site.
        sameSite: "lax",
        path: STATE_PATH,
        maxAge: 600,
      });
      return reply.redirect(begun.url, 303);
    },
  );

  app.get(
    "/callback",
    {
      config: { public: true, rateLimit: limited },
      schema: {
        tags: ["auth"],
        summary:
          "Where the provider sends the browser back: opens a session, or shows the sign-in page with the reason",
        response: {
          303: redirectResponse(
            "Signed in: to the app; refused: to the sign-in page with the reason",
          ),
        },
      },
    },
    async (request, reply) => {
      const query = request.url.split("?")[1] ?? "";
      reply.clearCookie(STATE_COOKIE, { path: STATE_PATH });
      try {
        const session = await finishSingleSignOn(
          db,
          { callbackQuery: query, browserState: request.cookies[STATE_COOKIE] },
          options,
          app.clock(),
        );
        const previous = request.cookies[SESSION_COOKIE];
        if (previous) await signOut(db, previous);
        setSessionCookie(request, reply, session, options.secureCookies, app.clock());
        return reply.redirect("/", 303);
      } catch (error) {
        if (!isRollbookError(error)) throw error;
        // The page says why in words; the reason code is all the address carries.
        request.log.warn({ reason: error.details.singleSignOn }, error.message);
        const reason = String(error.details.singleSignOn ?? "failed");
        return reply.redirect(`/login?sso=${encodeURIComponent(reason)}`, 303);
      }
    },
  );

  app.get(
    "/identity-providers",
    {
      schema: {
        tags: ["auth"],
        summary: "Single sign-on providers and their settings (administrators)",
        response: { 200: identityProviderList },
      },
    },
    async (request) => ({
      providers: await listIdentityProviders(db, request.requireActor(), options.secretOf),
    }),
  );

  app.post(
    "/identity-providers",
    {
      schema: {
        tags: ["auth"],
        summary: "Add a single sign-on provider (administrators)",
        body: identityProviderBody,
        response: { 201: identityProviderSaved },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return { id: await saveIdentityProvider(db, request.requireActor(), request.body) };
    },
  );

  app.put(
    "/identity-providers/:providerId",
    {
      schema: {
        tags: ["auth"],
        summary: "Change a single sign-on provider's settings (administrators)",
        params: providerParams,
        body: identityProviderBody,
        response: { 200: identityProviderSaved },
      },
    },
    async (request) => ({
      id: await saveIdentityProvider(db, request.requireActor(), {
        ...request.body,
        id: request.params.providerId,
      }),
    }),
  );
}
