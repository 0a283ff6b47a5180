import { z } from "zod";
import { visibleSchoolIds } from "../../app/access/access.ts";
import { ROLE_LABELS } from "../../app/access/permissions.ts";
import { signIn, signOut } from "../../app/accounts/sign-in.ts";
import type { RouteApp } from "../app.ts";
import { SESSION_COOKIE } from "./session.ts";

const credentials = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});

export async function authRoutes(
  app: RouteApp,
  options: { signInsPerMinute: number },
): Promise<void> {
  app.post(
    "/login",
    {
      config: {
        public: true,
        rateLimit: { max: options.signInsPerMinute, timeWindow: "1 minute" },
      },
      schema: { tags: ["auth"], summary: "Sign in with email and password", body: credentials },
    },
    async (request, reply) => {
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await signOut(app.database.db, previous);
      const session = await signIn(
        app.database.db,
        request.body.email,
        request.body.password,
        app.clock(),
      );
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        // Secure everywhere but a browser on this machine talking plain HTTP to 127.0.0.1 or
        // localhost (the embedded start), where Chromium would otherwise drop the cookie.
        secure: request.protocol === "https" || !isLoopback(request.hostname),
        sameSite: "lax",
        path: "/",
        // Max-Age, not Expires: the browser counts from its own clock, whatever the server says.
        maxAge: Math.max(
          0,
          Math.floor((session.expiresAt.getTime() - app.clock().getTime()) / 1000),
        ),
      });
      return { user: await describeUser(app, session.actor), csrfToken: session.csrfToken };
    },
  );

  app.post(
    "/logout",
    { schema: { tags: ["auth"], summary: "Sign out" } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await signOut(app.database.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return { signedOut: true };
    },
  );

  app.get(
    "/session",
    { schema: { tags: ["auth"], summary: "The signed-in user and their CSRF token" } },
    async (request) => ({
      user: await describeUser(app, request.requireActor()),
      csrfToken: request.csrfToken,
    }),
  );
}

async function describeUser(app: RouteApp, actor: Parameters<typeof visibleSchoolIds>[1]) {
  return {
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

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
