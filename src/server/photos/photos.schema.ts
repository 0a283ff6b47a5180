import { z } from "zod";
import { id, schoolParams } from "../params.ts";

export const photoParams = schoolParams.extend({ pupilId: id });
export const photoBody = z.instanceof(Buffer, {
  message: "send the photo as the request body with Content-Type: image/jpeg or image/png",
});
export const photoUploaded = z.object({
  contentType: z.enum(["image/jpeg", "image/png"]),
  bytes: z.number(),
});
export type PhotoUploaded = z.infer<typeof photoUploaded>;
