import { z } from "zod";
import { clock, id, isoDate, schoolParams, session } from "../params.ts";
import type { Wire } from "../wire.ts";

/** One register: a registration group's AM or PM session on a day. */
export const registerParams = schoolParams.extend({ groupId: id, date: isoDate, session });

const codeField = z.string().trim().min(1).max(3);

export const registerSaveBody = z.object({
  marks: z
    .array(
      z.object({
        pupilId: id,
        code: codeField.optional(),
        /** Arrival time: the server decides L (before the register closed) or U (after). */
        arrivedAt: clock.optional(),
        minutesLate: z.number().int().min(0).max(600).nullable().optional(),
        /** The version of the mark the sender last saw (0 when there was none). */
        baseVersion: z.number().int().min(0).default(0),
      }),
    )
    .max(500)
    .default([]),
  /** Marks everyone not given a mark present (or with their planned absence); never refused leave. */
  allPresent: z.boolean().default(false),
  /** Required to change marks once the register has closed. */
  reason: z.string().trim().max(500).optional(),
});

const registerPupil = z.object({
  pupilId: z.number(),
  upn: z.string(),
  name: z.string(),
  mark: z
    .object({ code: z.string(), minutesLate: z.number().nullable(), version: z.number() })
    .nullable(),
  /** The planned absence that pre-fills this session, when one covers it. */
  planned: z.object({ id: z.number(), code: z.string(), reason: z.string() }).nullable(),
  /** Refused leave covers this session: G is suggested, with why; the tutor chooses the mark. */
  suggestion: z
    .object({ code: z.literal("G"), leaveRequestId: z.number(), reason: z.string() })
    .nullable(),
});

const register = z.object({
  schoolId: z.number(),
  group: z.object({ id: z.number(), name: z.string() }),
  date: z.string(),
  session,
  state: z.enum(["not_open_yet", "open", "closed"]),
  times: z.object({
    amOpens: z.string(),
    amCloses: z.string(),
    pmOpens: z.string(),
    pmCloses: z.string(),
  }),
  taken: z
    .object({
      firstTakenBy: z.string(),
      firstTakenAt: z.date(),
      lastSavedBy: z.string(),
      lastSavedAt: z.date(),
      saves: z.number(),
    })
    .nullable(),
  pupils: z.array(registerPupil),
});

/** The register as the tutor opens it: each pupil's alert icons and photo, and the code picker. */
export const registerLoaded = register.extend({
  pupils: z.array(
    registerPupil.extend({
      /** Medical and SEN for everyone who takes the register; a social worker only for safeguarding readers. */
      alerts: z.array(z.enum(["medical", "sen", "social_worker"])),
      photo: z.boolean(),
    }),
  ),
  picker: z.object({
    /** The school's most-used codes of the last four weeks, the session's present mark left out. */
    common: z.array(z.string()),
    all: z.array(z.string()),
  }),
});

export const registerSaved = z.object({
  created: z.number(),
  amended: z.number(),
  unchanged: z.number(),
  /** The register after the save (no alerts, photos or picker: the screen keeps those it loaded). */
  register,
});

export type RegisterLoadedView = Wire<z.infer<typeof registerLoaded>>;
export type RegisterSavedView = Wire<z.infer<typeof registerSaved>>;
