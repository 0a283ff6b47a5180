import { recordMeetingOutcome, scheduleMeeting } from "../../app/cases/meetings.ts";
import type { RouteApp } from "../route-app.ts";
import {
  caseParams,
  meetingParams,
  recordedMeeting,
  recordMeetingBody,
  scheduledMeeting,
  scheduleMeetingBody,
} from "./meetings.schema.ts";

/** Meetings with the family: invited (with the letter), then held, missed or moved. */
export async function meetingRoutes(app: RouteApp): Promise<void> {
  app.post(
    "/:schoolId/cases/:caseId/meetings",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Invite the family to a meeting (the policy's notice, a week by default) and write the invitation letter with the meeting's details",
        params: caseParams,
        body: scheduleMeetingBody,
        response: { 201: scheduledMeeting },
      },
    },
    async (request, reply) => {
      const { invitees, attendees, scheduledFor, ...body } = request.body;
      const scheduled = await scheduleMeeting(
        await request.useCaseContext(request.params.schoolId),
        {
          ...body,
          caseId: request.params.caseId,
          scheduledFor: new Date(scheduledFor),
          invitees: invitees ?? attendees ?? [],
        },
      );
      reply.status(201);
      return scheduled;
    },
  );

  app.post(
    "/:schoolId/meetings/:meetingId/record",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Record how a meeting went: held (who came, notes, what was agreed), the family did not attend, rescheduled at the parent's request, or cancelled",
        params: meetingParams,
        body: recordMeetingBody,
        response: { 200: recordedMeeting },
      },
    },
    async (request) => {
      const { rescheduledFor, ...body } = request.body;
      return recordMeetingOutcome(await request.useCaseContext(request.params.schoolId), {
        ...body,
        meetingId: request.params.meetingId,
        rescheduledFor: rescheduledFor ? new Date(rescheduledFor) : null,
      });
    },
  );
}
