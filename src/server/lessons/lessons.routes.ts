import { importTimetable } from "../../app/lessons/import-timetable.ts";
import {
  lessonsOn,
  loadLessonRegister,
  missingFromLessons,
  saveLessonRegister,
} from "../../app/lessons/lesson-register.ts";
import { momentOf } from "../../app/registers/register.ts";
import { IMPORT_BODY_LIMIT } from "../limits.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  lessonMarksBody,
  lessonParams,
  lessonRegisterResponse,
  lessonSaved,
  lessonsQuery,
  lessonsResponse,
  missingQuery,
  missingResponse,
  timetableBody,
  timetableImported,
} from "./lessons.schema.ts";

/** Lesson registers: the timetable, teachers' lesson marks, and pupils missing from lessons. */
export async function lessonRoutes(app: RouteApp): Promise<void> {
  app.post(
    "/:schoolId/timetable",
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { accepts: ["text/csv"] },
      schema: {
        tags: ["lessons"],
        summary:
          "Import the timetable (Content-Type: text/csv; class, subject, day, period, starts, ends, teacher_email, upn; docs/formats.md)",
        params: schoolParams,
        body: timetableBody,
        response: { 200: timetableImported },
      },
    },
    async (request) =>
      importTimetable(await request.useCaseContext(request.params.schoolId), request.body),
  );

  app.get(
    "/:schoolId/lessons",
    {
      schema: {
        tags: ["lessons"],
        summary: "A day's lessons (a teacher's own; all for the office), with how many are marked",
        params: schoolParams,
        querystring: lessonsQuery,
        response: { 200: lessonsResponse },
      },
    },
    async (request) => {
      const date = request.query.date ?? momentOf(app.clock()).date;
      const ctx = await request.useCaseContext(request.params.schoolId);
      return { date, lessons: await lessonsOn(ctx, date) };
    },
  );

  app.get(
    "/:schoolId/lessons/:classId/:date/:periodId",
    {
      schema: {
        tags: ["lessons"],
        summary: "One lesson's register: each pupil's lesson mark and statutory registration mark",
        params: lessonParams,
        response: { 200: lessonRegisterResponse },
      },
    },
    async (request) => {
      const { schoolId, ...key } = request.params;
      return loadLessonRegister(await request.useCaseContext(schoolId), key);
    },
  );

  app.put(
    "/:schoolId/lessons/:classId/:date/:periodId",
    {
      schema: {
        tags: ["lessons"],
        summary: "Save lesson marks (present, absent, late); the statutory register is not changed",
        params: lessonParams,
        body: lessonMarksBody,
        response: { 200: lessonSaved },
      },
    },
    async (request) => {
      const { schoolId, ...key } = request.params;
      return saveLessonRegister(await request.useCaseContext(schoolId), {
        ...key,
        ...request.body,
      });
    },
  );

  app.get(
    "/:schoolId/office/missing-from-lessons",
    {
      schema: {
        tags: ["office"],
        summary:
          "Post-registration truancy: present at registration, absent from a later lesson, not signed out",
        params: schoolParams,
        querystring: missingQuery,
        response: { 200: missingResponse },
      },
    },
    async (request) => {
      const date = request.query.date ?? momentOf(app.clock()).date;
      const ctx = await request.useCaseContext(request.params.schoolId);
      return { date, pupils: await missingFromLessons(ctx, date) };
    },
  );
}
