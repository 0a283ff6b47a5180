import { z } from "zod";
import { upnProblem } from "../../domain/pupil.ts";
import { id, isoDate, schoolParams, session } from "../params.ts";
import { pupilStatistics } from "../statistics.schema.ts";
import type { Wire } from "../wire.ts";

export const pupilParams = schoolParams.extend({ pupilId: id });

export const pupilBody = z.object({
  upn: z
    .string()
    .trim()
    .toUpperCase()
    .refine((v) => upnProblem(v) === null, {
      message: "must be a valid UPN (13 characters, correct check letter)",
    }),
  legalForename: z.string().trim().min(1).max(100),
  legalSurname: z.string().trim().min(1).max(100),
  preferredForename: z.string().trim().max(100).nullable().default(null),
  preferredSurname: z.string().trim().max(100).nullable().default(null),
  dateOfBirth: isoDate,
  sex: z.enum(["F", "M", "X"]),
  registrationGroupId: id.nullable().default(null),
  yearGroupId: id.nullable().default(null),
  admissionDate: isoDate,
  leavingDate: isoDate.nullable().default(null),
  senSupport: z.boolean().default(false),
  ehcp: z.boolean().default(false),
  fsm: z.boolean().default(false),
  pupilPremium: z.boolean().default(false),
  lookedAfter: z.boolean().default(false),
  hasSocialWorker: z.boolean().default(false),
  medicalCondition: z.boolean().default(false),
});

export const contactBody = z.object({
  priority: z.number().int().min(1).max(20),
  name: z.string().trim().min(1).max(200),
  relationship: z.string().trim().min(1).max(100),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{7,20}$/, "must be a phone number")
    .nullable()
    .default(null),
  email: z.email().nullable().default(null),
  address: z.string().max(500).nullable().default(null),
  parentalResponsibility: z.boolean().default(true),
  livesWithPupil: z.boolean().default(true),
});

export const pupilListQuery = z.object({
  groupId: id.optional(),
  date: isoDate.optional(),
  search: z.string().max(100).optional(),
});
export const pupilSearchQuery = z.object({
  q: z.string().max(100, "Search for at most 100 characters"),
});
export const markHistoryQuery = z.object({ from: isoDate.optional(), to: isoDate.optional() });

/** A pupil as the caller may see them: the safeguarding flags only for the roles that hold them. */
export const pupilResponse = z.object({
  id: z.number(),
  upn: z.string(),
  name: z.string(),
  legalForename: z.string(),
  legalSurname: z.string(),
  preferredForename: z.string().nullable(),
  dateOfBirth: z.string(),
  sex: z.string(),
  yearGroupId: z.number().nullable(),
  registrationGroupId: z.number().nullable(),
  admissionDate: z.string(),
  leavingDate: z.string().nullable(),
  flags: z.object({
    senSupport: z.boolean(),
    ehcp: z.boolean(),
    fsm: z.boolean(),
    pupilPremium: z.boolean(),
    medicalCondition: z.boolean(),
  }),
  safeguarding: z
    .object({
      lookedAfter: z.boolean(),
      hasSocialWorker: z.boolean(),
      childProtectionPlan: z.boolean(),
      childInNeedPlan: z.boolean(),
      safeguardingConcern: z.boolean(),
    })
    .optional(),
});

/** A contact as stored, in priority order (the wire keeps the table's names). */
export const contactResponse = z.object({
  school_id: z.number(),
  id: z.number(),
  pupil_id: z.number(),
  priority: z.number(),
  name: z.string(),
  relationship: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  address: z.string().nullable(),
  parental_responsibility: z.boolean(),
  lives_with_pupil: z.boolean(),
  /** The person in this slot: what penalty notices are counted against. */
  person_id: z.number(),
});

export const pupilDetailResponse = pupilResponse.extend({
  /** Only for the roles that use them (office, DSL) and the pupil's own parents. */
  contacts: z.array(contactResponse).optional(),
});
export const pupilListResponse = z.object({ pupils: z.array(pupilResponse) });
export const contactsResponse = z.object({ contacts: z.array(contactResponse) });
export const pupilSearchResponse = z.object({
  pupils: z.array(
    z.object({ id: z.number(), name: z.string(), upn: z.string(), form: z.string().nullable() }),
  ),
  /** More pupils matched than are shown. */
  more: z.boolean(),
});

export const markHistoryResponse = z.object({
  pupilId: z.number(),
  /** Every register entry and amendment, oldest first: what was there before, and who changed it. */
  history: z.array(
    z.object({
      date: z.string(),
      session,
      previousCode: z.string().nullable(),
      code: z.string(),
      minutesLate: z.number().nullable(),
      changedBy: z.string(),
      changedAt: z.date(),
      reason: z.string().nullable(),
      source: z.string(),
    }),
  ),
});

export const pupilStatisticsResponse = z.object({
  range: z.object({ from: z.string(), to: z.string() }),
  statistics: pupilStatistics,
});

const category = z.enum(["present", "aea", "authorised", "unauthorised", "not_possible"]);

/** A pupil's days with a mark: each session's code and the DfE category it counts in. */
export const pupilCalendarResponse = z.object({
  range: z.object({ from: z.string(), to: z.string() }),
  days: z.array(
    z.object({
      date: z.string(),
      am: z.string().nullable(),
      pm: z.string().nullable(),
      amCategory: category.nullable(),
      pmCategory: category.nullable(),
    }),
  ),
});

export type PupilCalendarView = z.infer<typeof pupilCalendarResponse>;
export type PupilBody = z.infer<typeof pupilBody>;
export type ContactBody = z.infer<typeof contactBody>;
export type PupilView = z.infer<typeof pupilResponse>;
export type PupilDetailView = Wire<z.infer<typeof pupilDetailResponse>>;
export type PupilListView = z.infer<typeof pupilListResponse>;
export type PupilSearchView = z.infer<typeof pupilSearchResponse>;
export type MarkHistoryView = Wire<z.infer<typeof markHistoryResponse>>;
export type PupilStatisticsView = z.infer<typeof pupilStatisticsResponse>;
