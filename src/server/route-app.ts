import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";

/**
 * The instance a route plugin receives: Zod schemas type its params, query and body. Its own
 * module, so route files need not import the app that registers them.
 */
export type RouteApp = Parameters<FastifyPluginAsyncZod>[0];
