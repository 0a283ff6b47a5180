import { z } from "zod";
import { clock, id, isoDate, schoolParams, session } from "../params.ts";

const kind = z.enum(["late_arrival", "signed_out", "back_in"]);

export const signInBody = z.object({
  pupilId: id,
  /** The time on the desk's clock when it was not written at once; default now. */
  at: clock.optional(),
  reason: z.string().trim().max(500).optional(),
});
export const signOutBody = z.object({
  pupilId: id,
  at: clock.optional(),
  reason: z.string().trim().min(1, "give the reason the pupil is leaving").max(500),
});
export const backInBody = z.object({ pupilId: id, at: clock.optional() });
export const deskBookQuery = z.object({ date: isoDate.optional() });
export const pupilDeskParams = schoolParams.extend({ pupilId: id });

export const signing = z.object({
  id: z.number(),
  pupilId: z.number(),
  kind,
  date: z.string(),
  at: z.string(),
  session,
  code: z.string().nullable(),
  minutesLate: z.number().nullable(),
  reason: z.string().nullable(),
});
export const bookEntry = signing.extend({
  name: z.string(),
  group: z.string().nullable(),
  recordedBy: z.string(),
});
export const deskBookResponse = z.object({ date: z.string(), entries: z.array(bookEntry) });
export const pupilDeskResponse = z.object({ entries: z.array(bookEntry) });

const whereabouts = z.enum(["on_site", "signed_out", "away", "not_marked"]);
export const rollCallResponse = z.object({
  date: z.string(),
  at: z.string(),
  session,
  drill: z.object({ id: z.number(), startedBy: z.string(), startedAt: z.date() }).nullable(),
  forms: z.array(
    z.object({
      group: z.string(),
      pupils: z.array(
        z.object({
          pupilId: z.number(),
          name: z.string(),
          whereabouts,
          found: z.boolean().nullable(),
          tickedBy: z.string().nullable(),
        }),
      ),
    }),
  ),
  counts: z.object({
    on_site: z.number(),
    signed_out: z.number(),
    away: z.number(),
    not_marked: z.number(),
    found: z.number(),
  }),
});
export const rollCallParams = schoolParams.extend({ rollCallId: id });
export const tickBody = z.object({ pupilId: id, found: z.boolean() });
export const tickResponse = z.object({ found: z.boolean(), tickedBy: z.string() });
export const started = z.object({ id: z.number() });

export const registerRequestParams = schoolParams.extend({ groupId: id, date: isoDate, session });
export const registerRequestBody = z.object({ note: z.string().trim().max(1000).optional() });
export const registerRequest = z.object({
  id: z.number(),
  groupId: z.number(),
  group: z.string(),
  date: z.string(),
  session,
  note: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: z.date(),
  taken: z.boolean(),
});
export const registerRequestView = z.object({
  whomToAsk: z.array(z.string()),
  request: registerRequest.nullable(),
});
export const openRequestsResponse = z.object({ requests: z.array(registerRequest) });

/** What the web app receives (dates as JSON sends them). */
type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;
export type Signing = z.infer<typeof signing>;
export type BookEntry = z.infer<typeof bookEntry>;
export type DeskBook = z.infer<typeof deskBookResponse>;
export type RollCallView = Json<z.infer<typeof rollCallResponse>>;
export type RegisterRequestView = Json<z.infer<typeof registerRequestView>>;
export type OpenRegisterRequests = Json<z.infer<typeof openRequestsResponse>>;
export type SignInBody = z.input<typeof signInBody>;
export type SignOutBody = z.input<typeof signOutBody>;
export type PupilDeskView = z.infer<typeof pupilDeskResponse>;
