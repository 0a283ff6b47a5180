import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/**
 * A real OpenID Connect provider (the `oidc-provider` package, certified by the OpenID
 * Foundation) on a random port of this machine, with its development sign-in and consent pages:
 * what Microsoft Entra ID or Google Workspace does for a school, in the test.
 */
export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
}

export interface ProviderAccount {
  email: string;
  email_verified?: boolean;
  name?: string;
}

export const CLIENT_ID = "rollbook";
export const CLIENT_SECRET = "a-client-secret-the-provider-issued";
/** Another application registered at the same provider, with the same return address. */
export const OTHER_CLIENT_ID = "another-app";

export async function startProvider(
  accounts: Record<string, ProviderAccount>,
  redirectUri: string,
): Promise<TestProvider> {
  let handle: ((req: never, res: never) => void) | null = null;
  const server: Server = createServer((req, res) => handle?.(req as never, res as never));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (client_id: string) => ({
    client_id,
    client_secret: `${CLIENT_SECRET}-${client_id === CLIENT_ID ? "" : client_id}`.replace(/-$/, ""),
    redirect_uris: [redirectUri],
    response_types: ["code"],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: "client_secret_post",
  });
  const provider = new Provider(issuer, {
    clients: [client(CLIENT_ID), client(OTHER_CLIENT_ID)] as never,
    findAccount: async (_ctx, id) => {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    cookies: { keys: ["a-cookie-signing-key-for-the-test"] },
    features: { devInteractions: { enabled: true } },
  });
  // Plain http on this machine: the provider would otherwise refuse non-TLS cookies.
  provider.proxy = false;
  handle = provider.callback() as never;
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Signs in at the provider as a person would in its pages (the login form, then consent), from
 * the authorisation address Rollbook sent the browser to, and returns the address the provider
 * sends the browser back to (Rollbook's callback with the code and state).
 */
export async function signInAtProvider(
  authorizationUrl: string,
  accountId: string,
  redirectUri: string,
): Promise<string> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = (pair ?? "").split("=");
      if (name) jar.set(name.trim(), value.join("="));
    }
  };
  let url = authorizationUrl;
  for (let step = 0; step < 12; step++) {
    if (url.startsWith(redirectUri)) return url;
    let response = await fetch(url, { redirect: "manual", headers: { cookie: cookieHeader() } });
    keep(response);
    if (response.status === 200) {
      const page = await response.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
      if (!prompt || !action) throw new Error(`unexpected provider page: ${page.slice(0, 300)}`);
      const form = new URLSearchParams({ prompt });
      if (prompt === "login") {
        form.set("login", accountId);
        form.set("password", "any");
      }
      response = await fetch(new URL(action, url), {
        method: "POST",
        redirect: "manual",
        headers: { cookie: cookieHeader(), "content-type": "application/x-www-form-urlencoded" },
        body: form,
      });
      keep(response);
    }
    const location = response.headers.get("location");
    if (!location)
      throw new Error(`provider answered ${response.status}: ${await response.text()}`);
    url = new URL(location, url).href;
  }
  throw new Error("the provider's sign-in did not finish");
}
