import type { FastifyReply } from "fastify";

/** Marks the answer as a file to save under `fileName` (a letter, a pack, an export), of `type`. */
export function asDownload(reply: FastifyReply, type: string, fileName: string): FastifyReply {
  return reply
    .header("content-type", type)
    .header("content-disposition", `attachment; filename="${fileName}"`);
}
