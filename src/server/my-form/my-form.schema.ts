import { z } from "zod";

const ratio = z.object({ numerator: z.number(), denominator: z.number() });
const session = z.enum(["AM", "PM"]);

/** What the tutor's page shows of a form's year to date (exact counts; the web rounds). */
const formFigures = z.object({
  possible: z.number(),
  absence: z.number(),
  enrolments: z.number(),
  attendanceRate: ratio,
  unauthorisedAbsenceRate: ratio,
  persistentAbsentees: z.number(),
  persistentAbsenceRate: ratio,
});

export const myForm = z.object({
  groupId: z.number(),
  form: z.string(),
  registers: z.array(
    z.object({
      session,
      taken: z.boolean(),
      state: z.enum(["not_open_yet", "open", "closed"]),
    }),
  ),
  absentToday: z.array(
    z.object({
      pupilId: z.number(),
      name: z.string(),
      session,
      code: z.string(),
      meaning: z.string(),
    }),
  ),
  yearToDate: formFigures.nullable(),
  persistentAbsenceCounted: z.boolean(),
  persistentlyAbsent: z.array(
    z.object({
      pupilId: z.number(),
      name: z.string(),
      attendance: z.string(),
      severelyAbsent: z.boolean(),
    }),
  ),
  toChase: z.array(
    z.object({
      pupilId: z.number(),
      name: z.string(),
      dates: z.array(z.string()),
      due: z.boolean(),
    }),
  ),
});

export const myForms = z.object({ date: z.string(), forms: z.array(myForm) });

export type MyForms = z.infer<typeof myForms>;
export type MyForm = z.infer<typeof myForm>;
