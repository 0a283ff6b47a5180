import {
  MAX_PHOTO_BYTES,
  PHOTO_TYPES,
  pupilPhoto,
  uploadPupilPhoto,
} from "../../app/pupils/pupil-photos.ts";
import { IMAGE_FILE, sendFile } from "../download.ts";
import type { RouteApp } from "../route-app.ts";
import { photoBody, photoParams, photoUploaded } from "./photos.schema.ts";

/** Pupils' photos: uploaded by the office, shown on registers to staff who see the pupil. */
export async function photoRoutes(app: RouteApp): Promise<void> {
  // Only this plugin's routes read image bodies; the rest of the API stays JSON.
  app.addContentTypeParser([...PHOTO_TYPES], { parseAs: "buffer" }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    "/:schoolId/pupils/:pupilId/photo",
    {
      bodyLimit: MAX_PHOTO_BYTES + 1024,
      config: { accepts: [...PHOTO_TYPES] },
      schema: {
        tags: ["pupils"],
        summary: "Upload a pupil's photo (Content-Type: image/jpeg or image/png; at most 2 MB)",
        params: photoParams,
        body: photoBody,
        response: { 200: photoUploaded },
      },
    },
    async (request) =>
      uploadPupilPhoto(await request.useCaseContext(request.params.schoolId), {
        pupilId: request.params.pupilId,
        image: new Uint8Array(request.body),
      }),
  );

  app.get(
    "/:schoolId/pupils/:pupilId/photo",
    {
      schema: {
        tags: ["pupils"],
        summary: "A pupil's photo (staff who may see the pupil)",
        params: photoParams,
        response: { 200: IMAGE_FILE },
      },
    },
    async (request, reply) => {
      const photo = await pupilPhoto(
        await request.useCaseContext(request.params.schoolId),
        request.params.pupilId,
      );
      reply.header("cache-control", "private, max-age=300");
      return sendFile(reply, photo.contentType, photo.image);
    },
  );
}
