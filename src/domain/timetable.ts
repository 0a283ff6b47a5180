import { minutesOfDay } from "./register-times.ts";

/** A timetable's school week: Monday is 1, Friday 5 (how MIS exports name the days). */
const DAYS = new Map(
  ["mon", "tue", "wed", "thu", "fri"].flatMap((day, i) => {
    const full = ["monday", "tuesday", "wednesday", "thursday", "friday"][i] as string;
    return [day, full, String(i + 1)].map((name) => [name, i + 1] as const);
  }),
);

export function timetableDay(value: string): number | null {
  return DAYS.get(value.trim().toLowerCase()) ?? null;
}

/** A period's times, checked: HH:MM, ending after it starts. */
export function periodProblem(starts: string, ends: string): string | null {
  try {
    return minutesOfDay(ends) > minutesOfDay(starts)
      ? null
      : `the period must end after it starts (${starts} to ${ends})`;
  } catch (error) {
    return (error as Error).message;
  }
}

export type LessonMark = "present" | "absent" | "late";

/**
 * Post-registration truancy: present at the statutory registration of the lesson's session and
 * marked absent from the lesson, not signed out at the desk. The lesson mark never changes the
 * statutory register: the office follows it up.
 */
export function missingFromLesson(p: {
  lessonMark: LessonMark;
  presentAtRegistration: boolean;
  signedOut: boolean;
}): boolean {
  return p.lessonMark === "absent" && p.presentAtRegistration && !p.signedOut;
}
