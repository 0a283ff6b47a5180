import { z } from "zod";
import { PERMISSIONS, ROLE_LABELS } from "../../app/access/permissions.ts";
import type { Role } from "../../db/schema.ts";
import { clock, isoDate, session } from "../params.ts";

const phase = z.enum([
  "nursery",
  "primary",
  "secondary",
  "all_through",
  "special",
  "alternative_provision",
]);
const estab = z.string().regex(/^\d{4}$/, "must be the four-digit DfE establishment number");

export const schoolList = z.object({
  schools: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      phase,
      urn: z.string().nullable(),
      trust: z.string().nullable(),
      localAuthority: z.string().nullable(),
    }),
  ),
});
export type SchoolListView = z.infer<typeof schoolList>;

export const newSchoolBody = z.object({
  name: z.string().trim().min(1).max(200),
  phase,
  urn: z
    .string()
    .regex(/^\d{6}$/, "must be six digits")
    .nullable()
    .default(null),
  estab: estab.nullable().default(null),
  address: z.string().max(500).default(""),
  trustName: z.string().trim().min(1).max(200).nullable().default(null),
  localAuthority: z
    .object({
      code: z.string().regex(/^\d{3}$/, "must be three digits"),
      name: z.string().min(1),
    })
    .nullable()
    .default(null),
});
export const schoolAdded = z.object({ id: z.number(), name: z.string() });

const registerTimes = z.object({
  amOpens: clock,
  amCloses: clock,
  pmOpens: clock,
  pmCloses: clock,
});
const role = z.enum(Object.keys(ROLE_LABELS) as [Role, ...Role[]]);
export const schoolResponse = z.object({
  id: z.number(),
  name: z.string(),
  phase,
  urn: z.string().nullable(),
  address: z.string(),
  registerTimes: z.object({
    amOpens: z.string(),
    amCloses: z.string(),
    pmOpens: z.string(),
    pmCloses: z.string(),
  }),
  yearGroups: z.array(
    z.object({ id: z.number(), name: z.string(), nc_year: z.number().nullable() }),
  ),
  registrationGroups: z.array(
    z.object({ id: z.number(), name: z.string(), year_group_id: z.number().nullable() }),
  ),
  yourRoles: z.array(role),
  /** What the caller may do in this school: the web app shows only these. */
  permissions: z.array(z.enum(PERMISSIONS)),
});
export type SchoolView = z.infer<typeof schoolResponse>;

export const settingsBody = z
  .object({ registerTimes: registerTimes.optional(), estab: estab.optional() })
  .refine((b) => b.registerTimes !== undefined || b.estab !== undefined, {
    message: "give registerTimes, estab or both",
  });
export const settingsChanged = z.object({
  registerTimes: registerTimes.optional(),
  estab: z.string().optional(),
});

export const calendarResponse = z.object({
  academicYears: z.array(
    z.object({
      startYear: z.number(),
      halfTerms: z.array(
        z.object({
          name: z.string(),
          term: z.enum(["Autumn", "Spring", "Summer"]),
          start: isoDate,
          end: isoDate,
        }),
      ),
      closures: z.array(
        z.object({ date: z.string(), session: session.nullable(), reason: z.string() }),
      ),
    }),
  ),
});
export type CalendarView = z.infer<typeof calendarResponse>;
