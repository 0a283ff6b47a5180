import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import {
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { z } from "zod";
import type { Database } from "../db/database.ts";
import { recordAccess } from "./audit/access-log.hook.ts";
import { auditRoutes } from "./audit/audit.routes.ts";
import { authRoutes } from "./auth/auth.routes.ts";
import { sessionPlugin } from "./auth/session.ts";
import { singleSignOnRoutes } from "./auth/single-sign-on.routes.ts";
import { twoFactorRuleRoutes } from "./auth/two-factor-rules.routes.ts";
import { benchmarkRoutes } from "./benchmarks/benchmarks.routes.ts";
import { caseRoutes } from "./cases/cases.routes.ts";
import { codeRoutes } from "./codes/codes.routes.ts";
import { ctfRoutes } from "./ctf/ctf.routes.ts";
import { dashboardRoutes } from "./dashboard/dashboard.routes.ts";
import { deskRoutes } from "./desk/desk.routes.ts";
import { handleError } from "./errors.ts";
import { exportRoutes } from "./exports/exports.routes.ts";
import { followUpRoutes } from "./follow-up/follow-up.routes.ts";
import { leaveRequestRoutes } from "./leave-requests/leave-requests.routes.ts";
import { lessonRoutes } from "./lessons/lessons.routes.ts";
import { letterRoutes } from "./letters/letters.routes.ts";
import { DEFAULT_BODY_LIMIT, declarePublicRoutes, limitRequestBodies } from "./limits.ts";
import { messageRoutes } from "./messages/messages.routes.ts";
import { misRoutes } from "./mis/mis.routes.ts";
import { myFormRoutes } from "./my-form/my-form.routes.ts";
import { officeRoutes } from "./office/office.routes.ts";
import { openApiTransform, SECURITY_SCHEMES } from "./openapi.ts";
import { boundRequestQueue, type QueueLimits } from "./overload.ts";
import { oversightRoutes } from "./oversight/oversight.routes.ts";
import { photoRoutes } from "./photos/photos.routes.ts";
import { policyRoutes } from "./policy/policy.routes.ts";
import { policyForParentsRoutes } from "./policy-for-parents/policy-for-parents.routes.ts";
import { pupilRoutes } from "./pupils/pupils.routes.ts";
import { registerRoutes } from "./registers/registers.routes.ts";
import { reportRoutes } from "./reports/reports.routes.ts";
import { refuseUnstorableText } from "./request-text.ts";
import { rewardRoutes } from "./rewards/rewards.routes.ts";
import { safeguardingRoutes } from "./safeguarding/safeguarding.routes.ts";
import { schoolRoutes } from "./schools/schools.routes.ts";
import { setupRoutes } from "./setup/setup.routes.ts";
import { userRoutes } from "./users/users.routes.ts";
import { serveWebApp } from "./web-app.ts";

declare module "fastify" {
  interface FastifyInstance {
    database: Database;
    clock: () => Date;
    smsWebhookAllow: readonly string[];
  }
}

export interface AppOptions {
  database: Database;
  /** The current instant; tests move it to open and close registers. */
  clock?: () => Date;
  logLevel?: string;
  /** Sign-in attempts allowed per address per minute (default 10). */
  signInsPerMinute?: number;
  /** Where logs go (default standard output); tests read them back. */
  logStream?: { write(line: string): void };
  /** The built web app to serve (default web/dist when it exists). */
  webRoot?: string | null;
  /** Where emailed links point (PUBLIC_URL; default http://127.0.0.1:3000). */
  publicUrl?: string;
  /** Whether the session cookie is Secure whatever the connection (default true; false only for the embedded start on this machine). */
  secureCookies?: boolean;
  /** Fastify's trustProxy (TRUST_PROXY): who may tell us the client's address and protocol. */
  trustProxy?: false | string;
  /** The bounded request queue (default 24 in progress, 100 waiting, 1 s wait at most). */
  queue?: QueueLimits;
  /** Hosts an SMS webhook may name though they are internal (ROLLBOOK_SMS_WEBHOOK_ALLOW). */
  smsWebhookAllow?: readonly string[];
  /** Single sign-on client secrets by their reference (ROLLBOOK_SSO_SECRET_... variables). */
  ssoSecrets?: Readonly<Record<string, string>>;
}

export type App = FastifyInstance;

/** The HTTP API: authenticated, schema-validated, documented at /api/docs. */
export async function buildApp(options: AppOptions): Promise<App> {
  const clock = options.clock ?? (() => new Date());
  const app = Fastify({
    logger: {
      level: options.logLevel ?? "info",
      ...(options.logStream ? { stream: options.logStream } : {}),
      // Children's data and credentials never reach the logs: no bodies, no cookies.
      redact: [
        "req.headers.cookie",
        "req.headers.authorization",
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
      ],
      serializers: {
        // A pupil's UPN can travel in a path (a pupil across schools): the log keeps its shape only.
        req: (req: { method: string; url: string; hostname?: string; ip?: string }) => ({
          method: req.method,
          url: req.url.replace(/\b[A-Za-z]\d{11}[0-9A-Za-z]\b/g, "[UPN]"),
          hostname: req.hostname,
          remoteAddress: req.ip,
        }),
      },
    },
    bodyLimit: DEFAULT_BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
  });
  app.decorate("database", options.database);
  app.decorate("clock", clock);
  app.decorate("smsWebhookAllow", options.smsWebhookAllow ?? []);
  // First of all hooks: a request refused for overload costs no session look-up.
  boundRequestQueue(app, options.queue ?? { inProgress: 24, waiting: 100, maxWaitMs: 1_000 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  refuseUnstorableText(app);
  limitRequestBodies(app);
  declarePublicRoutes(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
      },
    },
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Rollbook API",
        description:
          "School attendance for England: registers, marks, statistics. Sign in with POST /api/auth/login; send the session's CSRF token as x-csrf-token on every change.",
        version: "0.1.0",
      },
      components: { securitySchemes: SECURITY_SCHEMES },
      security: [{ session: [] }],
    },
    transform: openApiTransform,
    // Schemas the routes share are written once under components and referred to by $ref.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: "/api/docs",
    staticCSP: true,
    uiConfig: { docExpansion: "list" },
  });
  await app.register(sessionPlugin, { clock });
  recordAccess(app);
  // Before any route plugin: children inherit the not-found handler in force when they register.
  await serveWebApp(app, options.webRoot);

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    "/health",
    {
      config: { public: true, outsideQueue: true },
      schema: {
        tags: ["health"],
        summary: "Whether the server is up (for a load balancer; it asks nothing of the database)",
        response: { 200: z.object({ status: z.literal("ok") }) },
      },
    },
    async () => ({ status: "ok" as const }),
  );
  await api.register(authRoutes, {
    prefix: "/api/auth",
    signInsPerMinute: options.signInsPerMinute ?? 10,
    publicUrl: options.publicUrl ?? "http://127.0.0.1:3000",
    secureCookies: options.secureCookies ?? true,
  });
  await api.register(singleSignOnRoutes, {
    prefix: "/api/auth/sso",
    publicUrl: options.publicUrl ?? "http://127.0.0.1:3000",
    secureCookies: options.secureCookies ?? true,
    signInsPerMinute: options.signInsPerMinute ?? 10,
    secretOf: (ref) => options.ssoSecrets?.[ref],
  });
  await api.register(twoFactorRuleRoutes, { prefix: "/api/auth/two-factor-rules" });
  await api.register(userRoutes, {
    prefix: "/api/users",
    publicUrl: options.publicUrl ?? "http://127.0.0.1:3000",
  });
  await api.register(schoolRoutes, { prefix: "/api/schools" });
  await api.register(pupilRoutes, { prefix: "/api/schools" });
  await api.register(registerRoutes, { prefix: "/api/schools" });
  await api.register(officeRoutes, { prefix: "/api/schools" });
  await api.register(deskRoutes, { prefix: "/api/schools" });
  await api.register(lessonRoutes, { prefix: "/api/schools" });
  await api.register(photoRoutes, { prefix: "/api/schools" });
  await api.register(setupRoutes, {
    prefix: "/api/schools",
    publicUrl: options.publicUrl ?? "http://127.0.0.1:3000",
  });
  await api.register(codeRoutes, { prefix: "/api" });
  await api.register(policyRoutes, { prefix: "/api" });
  await api.register(policyForParentsRoutes, { prefix: "/api/schools" });
  await api.register(caseRoutes, { prefix: "/api/schools" });
  await api.register(letterRoutes, { prefix: "/api/schools" });
  await api.register(followUpRoutes, { prefix: "/api" });
  await api.register(messageRoutes, {
    prefix: "/api",
    publicUrl: options.publicUrl ?? "http://127.0.0.1:3000",
  });
  await api.register(dashboardRoutes, { prefix: "/api/schools" });
  await api.register(leaveRequestRoutes, { prefix: "/api/schools" });
  await api.register(myFormRoutes, { prefix: "/api/schools" });
  await api.register(misRoutes, { prefix: "/api/schools" });
  await api.register(auditRoutes, { prefix: "/api/schools" });
  await api.register(safeguardingRoutes, { prefix: "/api/schools" });
  await api.register(ctfRoutes, { prefix: "/api/schools" });
  await api.register(benchmarkRoutes, { prefix: "/api" });
  await api.register(oversightRoutes, { prefix: "/api/oversight" });
  await api.register(rewardRoutes, { prefix: "/api/schools" });
  await api.register(reportRoutes, { prefix: "/api/schools" });
  await api.register(exportRoutes, { prefix: "/api" });
  return app;
}
