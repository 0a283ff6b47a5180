import { z } from "zod";
import { id } from "../params.ts";

export const providerParams = z.object({ providerId: id });

/** The sign-in page's buttons: "Sign in with <name>". */
export const signInProviderList = z.object({
  providers: z.array(z.object({ id: z.number(), name: z.string() })),
});

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be an email domain such as school.example");

/** An administrator's settings for a provider (the secret itself stays in the environment). */
export const identityProviderBody = z.object({
  name: z.string().trim().min(1, "must not be empty").max(60),
  issuer: z.url({ protocol: /^https?$/, error: "must be the provider's issuer address" }),
  clientId: z.string().trim().min(1, "must not be empty").max(300),
  clientSecretRef: z.string().trim().max(80).nullable().default(null),
  allowedDomains: z.array(domain).min(1, "name at least one email domain").max(20),
  enabled: z.boolean().default(true),
});

export const identityProvider = identityProviderBody.extend({
  id: z.number(),
  clientSecretRef: z.string().nullable(),
  secretPresent: z.boolean(),
});
export const identityProviderList = z.object({ providers: z.array(identityProvider) });
export const identityProviderSaved = z.object({ id: z.number() });

export type SignInProviderList = z.infer<typeof signInProviderList>;
export type IdentityProviderView = z.infer<typeof identityProvider>;
export type IdentityProviderBody = z.input<typeof identityProviderBody>;
