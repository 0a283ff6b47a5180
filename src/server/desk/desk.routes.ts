import { deskBook, pupilSignings } from "../../app/desk/desk-book.ts";
import {
  openRegisterRequests,
  registerRequestOf,
  requestRegister,
} from "../../app/desk/register-requests.ts";
import { finishRollCall, rollCall, startRollCall, tickRollCall } from "../../app/desk/roll-call.ts";
import { signBackIn, signInLate, signOutPupil } from "../../app/desk/sign-in-out.ts";
import { momentOf } from "../../app/registers/register.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  backInBody,
  deskBookQuery,
  deskBookResponse,
  openRequestsResponse,
  pupilDeskParams,
  pupilDeskResponse,
  registerRequest,
  registerRequestBody,
  registerRequestParams,
  registerRequestView,
  rollCallParams,
  rollCallResponse,
  signInBody,
  signing,
  signOutBody,
  started,
  tickBody,
  tickResponse,
} from "./desk.schema.ts";

/** Reception's book, the fire-drill roll call, and tutors' requests for a missed register. */
export async function deskRoutes(app: RouteApp): Promise<void> {
  app.post(
    "/:schoolId/desk/late-arrivals",
    {
      schema: {
        tags: ["office"],
        summary:
          "Sign in a late arrival: L with minutes late while the register is open, U after it closed (written as an amendment)",
        params: schoolParams,
        body: signInBody,
        response: { 201: signing },
      },
    },
    async (request, reply) => {
      const done = await signInLate(
        await request.useCaseContext(request.params.schoolId),
        request.body,
      );
      reply.status(201);
      return done;
    },
  );

  app.post(
    "/:schoolId/desk/sign-outs",
    {
      schema: {
        tags: ["office"],
        summary: "Sign out an early leaver, with the reason",
        params: schoolParams,
        body: signOutBody,
        response: { 201: signing },
      },
    },
    async (request, reply) => {
      const done = await signOutPupil(
        await request.useCaseContext(request.params.schoolId),
        request.body,
      );
      reply.status(201);
      return done;
    },
  );

  app.post(
    "/:schoolId/desk/back-in",
    {
      schema: {
        tags: ["office"],
        summary: "Sign a pupil who signed out back in",
        params: schoolParams,
        body: backInBody,
        response: { 201: signing },
      },
    },
    async (request, reply) => {
      const done = await signBackIn(
        await request.useCaseContext(request.params.schoolId),
        request.body,
      );
      reply.status(201);
      return done;
    },
  );

  app.get(
    "/:schoolId/desk/book",
    {
      schema: {
        tags: ["office"],
        summary:
          "The reception book for a day (default today): late arrivals, sign-outs and returns",
        params: schoolParams,
        querystring: deskBookQuery,
        response: { 200: deskBookResponse },
      },
    },
    async (request) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      const date = request.query.date ?? momentOf(app.clock()).date;
      return { date, entries: await deskBook(ctx, date) };
    },
  );

  app.get(
    "/:schoolId/pupils/:pupilId/desk",
    {
      schema: {
        tags: ["office"],
        summary: "A pupil's sign-ins and sign-outs at reception, newest first",
        params: pupilDeskParams,
        response: { 200: pupilDeskResponse },
      },
    },
    async (request) => ({
      entries: await pupilSignings(
        await request.useCaseContext(request.params.schoolId),
        request.params.pupilId,
      ),
    }),
  );

  app.get(
    "/:schoolId/roll-call",
    {
      schema: {
        tags: ["office"],
        summary:
          "Who is on site now by form (marks, desk signings, planned absences), with the ticks of a drill under way",
        params: schoolParams,
        response: { 200: rollCallResponse },
      },
    },
    async (request) => rollCall(await request.useCaseContext(request.params.schoolId)),
  );

  app.post(
    "/:schoolId/roll-calls",
    {
      schema: {
        tags: ["office"],
        summary: "Start a roll call (a fire drill or an evacuation)",
        params: schoolParams,
        response: { 201: started },
      },
    },
    async (request, reply) => {
      const done = await startRollCall(await request.useCaseContext(request.params.schoolId));
      reply.status(201);
      return done;
    },
  );

  app.post(
    "/:schoolId/roll-calls/:rollCallId/ticks",
    {
      schema: {
        tags: ["office"],
        summary: "Tick a pupil found (or untick); every tick is kept with who ticked",
        params: rollCallParams,
        body: tickBody,
        response: { 200: tickResponse },
      },
    },
    async (request) =>
      tickRollCall(await request.useCaseContext(request.params.schoolId), {
        rollCallId: request.params.rollCallId,
        ...request.body,
      }),
  );

  app.post(
    "/:schoolId/roll-calls/:rollCallId/finish",
    {
      schema: {
        tags: ["office"],
        summary: "Finish a roll call",
        params: rollCallParams,
        response: { 200: started },
      },
    },
    async (request) => {
      await finishRollCall(
        await request.useCaseContext(request.params.schoolId),
        request.params.rollCallId,
      );
      return { id: request.params.rollCallId };
    },
  );

  app.get(
    "/:schoolId/registers/:groupId/:date/:session/request",
    {
      schema: {
        tags: ["registers"],
        summary: "For a missed register: whom to ask, and the request to the office if made",
        params: registerRequestParams,
        response: { 200: registerRequestView },
      },
    },
    async (request) => {
      const { schoolId, ...register } = request.params;
      return registerRequestOf(await request.useCaseContext(schoolId), register);
    },
  );

  app.post(
    "/:schoolId/registers/:groupId/:date/:session/request",
    {
      schema: {
        tags: ["registers"],
        summary: "Ask the office to take a register the tutor missed",
        params: registerRequestParams,
        body: registerRequestBody,
        response: { 201: registerRequest },
      },
    },
    async (request, reply) => {
      const { schoolId, ...register } = request.params;
      const done = await requestRegister(await request.useCaseContext(schoolId), {
        ...register,
        ...request.body,
      });
      reply.status(201);
      return done;
    },
  );

  app.get(
    "/:schoolId/office/register-requests",
    {
      schema: {
        tags: ["office"],
        summary: "Registers tutors asked the office to take, not yet taken",
        params: schoolParams,
        response: { 200: openRequestsResponse },
      },
    },
    async (request) => ({
      requests: await openRegisterRequests(await request.useCaseContext(request.params.schoolId)),
    }),
  );
}
