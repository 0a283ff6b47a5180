import { z } from "zod";
import { id, isoDate, schoolParams, session } from "../params.ts";

const lessonMark = z.enum(["present", "absent", "late"]);

export const lessonsQuery = z.object({ date: isoDate.optional() });
export const lessonParams = schoolParams.extend({ classId: id, date: isoDate, periodId: id });
export const timetableBody = z
  .string()
  .min(1, "send the timetable CSV as the request body with Content-Type: text/csv");
export const lessonMarksBody = z.object({
  marks: z
    .array(
      z.object({
        pupilId: id,
        mark: lessonMark,
        minutesLate: z.number().int().min(1).max(300).nullable().optional(),
      }),
    )
    .max(200),
});

export const lesson = z.object({
  classId: z.number(),
  class: z.string(),
  subject: z.string(),
  periodId: z.number(),
  period: z.string(),
  starts: z.string(),
  ends: z.string(),
  session,
  pupils: z.number(),
  marked: z.number(),
});
export const lessonsResponse = z.object({ date: z.string(), lessons: z.array(lesson) });
export const lessonRegisterResponse = z.object({
  lesson,
  date: z.string(),
  mayMark: z.boolean(),
  pupils: z.array(
    z.object({
      pupilId: z.number(),
      name: z.string(),
      group: z.string().nullable(),
      mark: lessonMark.nullable(),
      minutesLate: z.number().nullable(),
      registration: z.string().nullable(),
    }),
  ),
});
export const lessonSaved = z.object({ saved: z.number(), unchanged: z.number() });
export const timetableImported = z.object({
  periods: z.number(),
  classes: z.number(),
  lessons: z.number(),
  places: z.number(),
});
export const missingQuery = z.object({ date: isoDate.optional() });
export const missingResponse = z.object({
  date: z.string(),
  pupils: z.array(
    z.object({
      pupilId: z.number(),
      name: z.string(),
      group: z.string().nullable(),
      class: z.string(),
      period: z.string(),
      starts: z.string(),
      registration: z.string(),
      markedBy: z.string(),
      markedAt: z.date(),
    }),
  ),
});

export type LessonsView = z.infer<typeof lessonsResponse>;
export type LessonRegisterView = z.infer<typeof lessonRegisterResponse>;
export type LessonMarksBody = z.input<typeof lessonMarksBody>;
export type LessonSaved = z.infer<typeof lessonSaved>;
export type TimetableImported = z.infer<typeof timetableImported>;
export type MissingFromLessonsView = Omit<z.infer<typeof missingResponse>, "pupils"> & {
  pupils: (Omit<z.infer<typeof missingResponse>["pupils"][number], "markedAt"> & {
    markedAt: string;
  })[];
};
