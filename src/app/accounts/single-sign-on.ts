import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import * as oidc from "openid-client";
import { isLoopbackHost } from "../../config.ts";
import { findUserByEmail, grantsOf } from "../../db/repositories/users.ts";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { openSession, type SignedIn } from "./sign-in.ts";

/** A sign-in begun at the provider must come back within this: then its state is forgotten. */
const ATTEMPT_MINUTES = 10;

export interface SingleSignOnOptions {
  /** Rollbook's own address (PUBLIC_URL): the provider sends people back to it. */
  publicUrl: string;
  /** The client secret behind a provider's secret reference (ROLLBOOK_SSO_SECRET_... variables). */
  secretOf(ref: string): string | undefined;
}

/** Why a single sign-on was refused: the sign-in page says each in words. */
export type SingleSignOnRefusal =
  | "unknown_email"
  | "disabled"
  | "not_staff"
  | "domain_not_allowed"
  | "email_not_verified"
  | "failed";

function refuse(reason: SingleSignOnRefusal, message: string): never {
  throw new RollbookError("unauthenticated", message, { singleSignOn: reason });
}

export const callbackPath = "/api/auth/sso/callback";

function hashState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

// The provider's discovery document, fetched once per issuer (a failure is tried again next time).
const discovered = new Map<string, Promise<oidc.ServerMetadata>>();

async function serverOf(issuer: string): Promise<oidc.ServerMetadata> {
  let metadata = discovered.get(issuer);
  if (!metadata) {
    const url = new URL(issuer);
    metadata = oidc
      .discovery(url, "discovery", undefined, undefined, insecureOnlyHere(url))
      .then((c) => c.serverMetadata());
    discovered.set(issuer, metadata);
    metadata.catch(() => discovered.delete(issuer));
  }
  return metadata;
}

/** Plain http only for a provider on this machine (a test or a development provider). */
function insecureOnlyHere(url: URL) {
  return url.protocol === "http:" && isLoopbackHost(url.hostname)
    ? { execute: [oidc.allowInsecureRequests] }
    : undefined;
}

interface ProviderRow {
  id: number;
  name: string;
  issuer: string;
  client_id: string;
  client_secret_ref: string | null;
  allowed_domains: string[];
}

async function enabledProvider(db: Kysely<DB>, providerId: number): Promise<ProviderRow> {
  const provider = await db
    .selectFrom("identity_providers")
    .select(["id", "name", "issuer", "client_id", "client_secret_ref", "allowed_domains"])
    .where("id", "=", providerId)
    .where("enabled", "=", true)
    .executeTakeFirst();
  if (!provider) throw new RollbookError("not_found", "That sign-in provider is not switched on");
  return provider;
}

/**
 * The client as the provider knows it. Built per sign-in with Rollbook's clock, so the id token's
 * times are judged against the same clock as the session that follows.
 */
async function clientFor(
  provider: ProviderRow,
  options: SingleSignOnOptions,
  now: Date,
): Promise<oidc.Configuration> {
  let server: oidc.ServerMetadata;
  try {
    server = await serverOf(provider.issuer);
  } catch {
    refuse("failed", `${provider.name} did not answer: try again in a minute`);
  }
  const secret = provider.client_secret_ref
    ? options.secretOf(provider.client_secret_ref)
    : undefined;
  if (provider.client_secret_ref && !secret)
    refuse(
      "failed",
      `${provider.name} sign-in is not set up on this server: ${provider.client_secret_ref} is not set`,
    );
  const config = new oidc.Configuration(
    server,
    provider.client_id,
    {
      ...(secret ? { client_secret: secret } : {}),
      [oidc.clockSkew]: Math.round((now.getTime() - Date.now()) / 1000),
    },
    secret ? oidc.ClientSecretPost(secret) : oidc.None(),
  );
  if (insecureOnlyHere(new URL(provider.issuer))) oidc.allowInsecureRequests(config);
  return config;
}

/** The providers shown on the sign-in page, by name. */
export async function signInProviders(db: Kysely<DB>): Promise<{ id: number; name: string }[]> {
  return db
    .selectFrom("identity_providers")
    .select(["id", "name"])
    .where("enabled", "=", true)
    .orderBy("name")
    .execute();
}

/**
 * Starts a sign-in at the provider: authorisation code with PKCE (S256), a state bound to this
 * browser by a cookie, and a nonce bound into the id token. Returns where to send the browser and
 * the state for the cookie.
 */
export async function beginSingleSignOn(
  db: Kysely<DB>,
  input: { providerId: number },
  options: SingleSignOnOptions,
  now: Date,
): Promise<{ url: string; state: string }> {
  const provider = await enabledProvider(db, input.providerId);
  const config = await clientFor(provider, options, now);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  await db.deleteFrom("sso_sign_ins").where("expires_at", "<", now).execute();
  await db
    .insertInto("sso_sign_ins")
    .values({
      state_hash: hashState(state),
      provider_id: provider.id,
      code_verifier: codeVerifier,
      nonce,
      expires_at: new Date(now.getTime() + ATTEMPT_MINUTES * 60_000),
    })
    .execute();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${options.publicUrl.replace(/\/$/, "")}${callbackPath}`,
    scope: "openid email profile",
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url: url.href, state };
}

/**
 * Finishes a sign-in the provider sent back: the state must be this browser's and unused, the
 * code is exchanged with the PKCE verifier, and the id token (signature, issuer, audience,
 * expiry, nonce) checked by openid-client. The person is the existing, enabled staff account
 * with that verified email; nobody is created and no role comes from the provider.
 */
export async function finishSingleSignOn(
  db: Kysely<DB>,
  input: { callbackQuery: string; browserState: string | undefined },
  options: SingleSignOnOptions,
  now: Date,
): Promise<SignedIn> {
  const returned = new URLSearchParams(input.callbackQuery).get("state");
  if (!returned || !input.browserState || returned !== input.browserState)
    refuse("failed", "This sign-in was not started from this browser: start again");
  // Spent whatever happens next: a state is good for one try.
  const attempt = await db
    .deleteFrom("sso_sign_ins")
    .where("state_hash", "=", hashState(returned))
    .returningAll()
    .executeTakeFirst();
  if (!attempt || attempt.expires_at <= now)
    refuse("failed", "This sign-in took too long or was already used: start again");
  const provider = await enabledProvider(db, attempt.provider_id);
  const config = await clientFor(provider, options, now);
  const base = options.publicUrl.replace(/\/$/, "");
  let claims: oidc.IDToken | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(
      config,
      new URL(`${base}${callbackPath}?${input.callbackQuery}`),
      {
        pkceCodeVerifier: attempt.code_verifier,
        expectedState: returned,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      },
    );
    claims = tokens.claims();
    // Some providers keep the email for the userinfo endpoint: asked for the id token's subject.
    if (claims && typeof claims.email !== "string" && server(config).userinfo_endpoint)
      claims = {
        ...claims,
        ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)),
      };
  } catch (error) {
    refuse("failed", `${provider.name} did not confirm this sign-in: ${reasonOf(error)}`);
  }
  if (!claims) refuse("failed", `${provider.name} sent no identity: start again`);
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  // Google says email_verified; Entra ID says xms_edov (the email's domain is the tenant's own)
  // when that optional claim is switched on: an unverified email could be anyone's.
  if (!email || (claims.email_verified !== true && claims.xms_edov !== true))
    refuse(
      "email_not_verified",
      `${provider.name} did not say your email address is verified, so Rollbook cannot match it to an account`,
    );
  const domain = email.split("@")[1] ?? "";
  if (!provider.allowed_domains.includes(domain))
    refuse(
      "domain_not_allowed",
      `${email} is not in a domain this school signs in with through ${provider.name}`,
    );
  const user = await findUserByEmail(db, email);
  if (!user)
    refuse(
      "unknown_email",
      `There is no Rollbook account for ${email}: ask the school's administrator to create one`,
    );
  if (user.disabled) refuse("disabled", `The Rollbook account for ${email} is disabled`);
  const grants = await grantsOf(db, user.id);
  if (grants.length === 0 || grants.some((g) => g.role === "parent"))
    refuse("not_staff", "Single sign-on is for staff: parents sign in with their password");
  return openSession(db, user, "single_sign_on", now);
}

const server = (config: oidc.Configuration) => config.serverMetadata();

/** The provider's own words (an OAuth error, an id token check), never a stack. */
function reasonOf(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError)
    return error.error_description ?? error.error;
  return error instanceof Error ? error.message : "unknown problem";
}
