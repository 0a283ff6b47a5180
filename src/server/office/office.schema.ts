import { z } from "zod";
import { id, isoDate, pupilLine, session } from "../params.ts";

export const officeTodayQuery = z.object({ date: isoDate.optional() });
export const nCodesQuery = z.object({ dueOnly: z.enum(["true", "false"]).default("false") });
export const contactCheckQuery = z.object({
  minimum: z.coerce.number().int().min(1).max(5).default(2),
  /** One pupil's answer, for their page. */
  pupilId: id.optional(),
});

/** One pupil's mark of a session, as the office's lists show it. */
const markOfTheDay = z.object({
  ...pupilLine,
  date: z.string(),
  session,
  code: z.string(),
  minutesLate: z.number().nullable(),
  version: z.number(),
  recordedBy: z.string(),
});

export const officeTodayResponse = z.object({
  date: z.string(),
  /** Registers whose time has come that nobody has taken, with whom to ask. */
  registersNotTaken: z.array(
    z.object({
      groupId: z.number(),
      group: z.string(),
      session,
      pupils: z.number(),
      owners: z.array(z.string()),
    }),
  ),
  unexplainedAbsences: z.array(markOfTheDay),
  lates: z.array(markOfTheDay),
});

export const nCodesResponse = z.object({
  today: z.string(),
  nCodes: z.array(
    markOfTheDay.extend({
      schoolDaysElapsed: z.number(),
      /** The last school day the reason may still be entered. */
      deadline: z.string().nullable(),
      /** Five school days have passed: the reason, or O, must be entered now. */
      due: z.boolean(),
    }),
  ),
});

export const contactCheckResponse = z.object({
  minimum: z.number(),
  pupilsOnRoll: z.number(),
  /** How many of the pupils listed have fewer working contacts than the minimum. */
  belowMinimum: z.number(),
  pupils: z.array(
    z.object({
      pupilId: z.number(),
      upn: z.string(),
      name: z.string(),
      registrationGroup: z.string().nullable(),
      belowMinimum: z.boolean(),
      workingContacts: z.number(),
      contacts: z.array(
        z.object({
          id: z.number(),
          priority: z.number(),
          name: z.string(),
          relationship: z.string(),
          phone: z.string().nullable(),
          email: z.string().nullable(),
          working: z.boolean(),
          /** Means of contact known to have failed. */
          problems: z.array(z.string()),
        }),
      ),
      reasons: z.array(z.string()),
    }),
  ),
});

export type OfficeTodayView = z.infer<typeof officeTodayResponse>;
export type NCodesView = z.infer<typeof nCodesResponse>;
export type ContactCheckView = z.infer<typeof contactCheckResponse>;
