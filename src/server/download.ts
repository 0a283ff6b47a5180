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
export function fileResponse(types: string | readonly string[], description: string) {
  const schema = z.string().meta({ format: "binary" });
  return {
    description,
    content: Object.fromEntries([types].flat().map((type) => [type, { schema }])),
  };
}
export const IMAGE_FILE = fileResponse(["image/png", "image/jpeg"], "The image");
export const PDF_FILE = fileResponse("application/pdf", "The PDF, to save or print");

/** Sends bytes as they are (an image, a file shown inline), of `type`. */
export function sendFile(reply: FastifyReply, type: string, bytes: Uint8Array): FastifyReply {
  return reply.header("content-type", type).send(Buffer.from(bytes));
}
