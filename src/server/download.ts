import type { FastifyReply } from "fastify";
import { z } from "zod";

/** Marks the answer as a file to save under `fileName` (a letter, a pack, an export), of `type`. */
export function asDownload(reply: FastifyReply, type: string, fileName: string): FastifyReply {
  return reply
    .header("content-type", type)
    .header("content-disposition", `attachment; filename="${fileName}"`);
}

/**
 * A response schema for a file: the OpenAPI document says what type of file comes back. A Buffer
 * is sent as it is, never through the JSON serializer, so the schema only documents.
 */
export function fileResponse(type: string, description: string) {
  return { description, content: { [type]: { schema: z.string().meta({ format: "binary" }) } } };
}
export const PDF_FILE = fileResponse("application/pdf", "The PDF, to save or print");
