import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { Actor } from "../access/access.ts";

/**
 * A client secret is never stored or shown: the provider names the environment variable that
 * holds it, and only ROLLBOOK_SSO_SECRET_... names may be used, so a setting cannot send another
 * of the server's secrets (the database password) to an address an administrator typed in.
 */
export const SECRET_REF = /^ROLLBOOK_SSO_SECRET_[A-Z0-9_]{1,60}$/;

export interface IdentityProviderSettings {
  name: string;
  issuer: string;
  clientId: string;
  clientSecretRef: string | null;
  allowedDomains: string[];
  enabled: boolean;
}

export interface IdentityProvider extends IdentityProviderSettings {
  id: number;
  /** Whether this server has the secret the reference names (not the secret itself). */
  secretPresent: boolean;
}

function requireAdministrator(actor: Actor): void {
  if (!actor.grants.some((g) => g.role === "admin"))
    throw new RollbookError("forbidden", "Only administrators set up single sign-on");
}

function checked(settings: IdentityProviderSettings): IdentityProviderSettings {
  if (settings.clientSecretRef !== null && !SECRET_REF.test(settings.clientSecretRef))
    throw new RollbookError(
      "invalid_input",
      "The client secret is named by an environment variable starting ROLLBOOK_SSO_SECRET_ (capitals, digits and _)",
    );
  const domains = [...new Set(settings.allowedDomains.map((d) => d.trim().toLowerCase()))];
  if (domains.length === 0)
    throw new RollbookError("invalid_input", "Name at least one email domain staff sign in with");
  return { ...settings, issuer: settings.issuer.replace(/\/$/, ""), allowedDomains: domains };
}

/** The deployment's identity providers, for administrators. */
export async function listIdentityProviders(
  db: Kysely<DB>,
  actor: Actor,
  secretOf: (ref: string) => string | undefined,
): Promise<IdentityProvider[]> {
  requireAdministrator(actor);
  const rows = await db.selectFrom("identity_providers").selectAll().orderBy("id").execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    issuer: r.issuer,
    clientId: r.client_id,
    clientSecretRef: r.client_secret_ref,
    allowedDomains: r.allowed_domains,
    enabled: r.enabled,
    secretPresent: r.client_secret_ref !== null && secretOf(r.client_secret_ref) !== undefined,
  }));
}

/** Adds a provider, or changes one when given its id. */
export async function saveIdentityProvider(
  db: Kysely<DB>,
  actor: Actor,
  input: IdentityProviderSettings & { id?: number | undefined },
): Promise<number> {
  requireAdministrator(actor);
  const s = checked(input);
  const values = {
    name: s.name,
    issuer: s.issuer,
    client_id: s.clientId,
    client_secret_ref: s.clientSecretRef,
    allowed_domains: s.allowedDomains,
    enabled: s.enabled,
  };
  const clash = await db
    .selectFrom("identity_providers")
    .select("id")
    .where("issuer", "=", s.issuer)
    .executeTakeFirst();
  if (clash && clash.id !== input.id)
    throw new RollbookError("conflict", `A provider with the issuer ${s.issuer} is already set up`);
  if (input.id === undefined) {
    const row = await db
      .insertInto("identity_providers")
      .values(values)
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }
  const row = await db
    .updateTable("identity_providers")
    .set(values)
    .where("id", "=", input.id)
    .returning("id")
    .executeTakeFirst();
  if (!row) throw new RollbookError("not_found", `There is no identity provider ${input.id}`);
  return row.id;
}
