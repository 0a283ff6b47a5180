import { academicYearOf, type SchoolCalendar, type SessionName } from "../../domain/calendar.ts";
import { presentSymbolFor } from "../../domain/codes.ts";
import { addDays, type IsoDate, londonInstant, weekday } from "../../domain/dates.ts";
import type { DemoPupil } from "./pupils.ts";
import type { Random } from "./random.ts";

/** One session's mark as the demo school would have recorded it, with its amendment if any. */
export interface DemoMark {
  pupil: DemoPupil;
  /** The pupil's registration group in the year of the mark, e.g. "8C". */
  form: string;
  date: IsoDate;
  session: SessionName;
  code: string;
  minutesLate: number | null;
  /** What the register first said (N, usually) before the office amended it to `code`. */
  firstCode: string | null;
  recordedAt: Date;
  amendedAt: Date | null;
  amendReason: string | null;
  /** Entered in advance by the office (leave, study leave, trips), not taken at the register. */
  planned: boolean;
}

export interface AttendanceOptions {
  calendar: SchoolCalendar;
  currentYear: number;
  /** Last day with marks (inclusive). On this day only morning registers are taken, and not all. */
  until: IsoDate;
  /** Forms whose register has not been taken on the last day, so "registers not taken" shows them. */
  untakenToday: Set<string>;
  /** The school's years (Years 7 to 11 unless said). */
  years?: { firstYear: number; lastYear: number };
}

const ABSENCE_RATE = {
  regular: 0.012,
  drifting: 0.045,
  persistent: 0.12,
  severe: 0.55,
  long_illness: 0.04,
  part_time_timetable: 0.05,
  alternative_provision: 0.08,
  dual_registered: 0.04,
} as const;

const UNAUTHORISED_SHARE = {
  regular: 0.15,
  drifting: 0.3,
  persistent: 0.5,
  severe: 0.55,
  long_illness: 0.02,
  part_time_timetable: 0.2,
  alternative_provision: 0.35,
  dual_registered: 0.2,
} as const;

/** Days around the holidays that families stretch into term-time holidays. */
const HOLIDAY_EDGES = [
  "2025-10-20",
  "2025-12-15",
  "2026-02-09",
  "2026-03-23",
  "2026-07-13",
  "2026-10-19",
];

interface PupilPlan {
  holiday: Set<IsoDate>;
  holidayAuthorised: boolean;
  exclusion: Set<IsoDate>;
  illnessSpell: Set<IsoDate>;
  religiousObservance: Set<IsoDate>;
}

/** Plans the events of each family once, so brothers and sisters go on holiday together. */
function planFor(
  random: Random,
  pupil: DemoPupil,
  families: Map<number, PupilPlan>,
  calendar: SchoolCalendar,
): PupilPlan {
  const shared = families.get(pupil.family);
  const holiday = shared?.holiday ?? new Set<IsoDate>();
  let holidayAuthorised = shared?.holidayAuthorised ?? false;
  if (!shared && random.chance(pupil.profile === "regular" ? 0.06 : 0.14)) {
    const edge = random.pick(HOLIDAY_EDGES);
    const days = random.weighted([
      [3, 2],
      [4, 2],
      [5, 3],
      [8, 1],
    ]);
    for (const day of calendar.schoolDays(edge, addDays(edge, 20)).slice(0, days)) holiday.add(day);
    holidayAuthorised = random.chance(0.08);
  }
  const exclusion = new Set<IsoDate>();
  if (["persistent", "drifting", "severe"].includes(pupil.profile) && random.chance(0.06)) {
    const start = addDays("2025-09-15", random.int(0, 400));
    for (const day of calendar.schoolDays(start, addDays(start, 10)).slice(0, random.int(1, 3)))
      exclusion.add(day);
  }
  const illnessSpell = new Set<IsoDate>();
  if (pupil.profile === "long_illness") {
    const start = addDays("2026-01-12", random.int(0, 30));
    for (const day of calendar.schoolDays(start, addDays(start, 60)).slice(0, random.int(12, 22)))
      illnessSpell.add(day);
  }
  const religiousObservance = new Set<IsoDate>();
  if (random.chance(0.07)) religiousObservance.add("2026-03-20"); // Eid al-Fitr
  const plan = { holiday, holidayAuthorised, exclusion, illnessSpell, religiousObservance };
  if (!shared) families.set(pupil.family, plan);
  return plan;
}

/** National Curriculum year the pupil was in during an academic year. */
function ncYearIn(
  pupil: DemoPupil,
  currentYear: number,
  startYear: number,
  leftLastYear: boolean,
): number {
  return (leftLastYear ? pupil.ncYear + 1 : pupil.ncYear) - (currentYear - startYear);
}

/** Whole-year or whole-class events: trips, work experience, study leave, an outbreak. */
function plannedEvent(
  pupil: DemoPupil,
  ncYear: number,
  date: IsoDate,
  session: SessionName,
): string | null {
  if (ncYear === 10 && date >= "2026-06-08" && date <= "2026-06-12") return "W";
  // Study leave between GCSE papers, in the second half of the summer term.
  if (
    ncYear === 11 &&
    date >= "2026-06-08" &&
    date <= "2026-06-26" &&
    (weekday(date) + (session === "PM" ? 1 : 0)) % 3 !== 0
  ) {
    return "S";
  }
  if (ncYear === 7 && pupil.form === "B" && date === "2025-10-08") return "V";
  if (ncYear === 9 && date === "2026-03-11") return "V";
  if (ncYear === 8 && pupil.form === "C" && (date === "2026-11-11" || date === "2026-11-12"))
    return "V";
  if (
    pupil.profile === "part_time_timetable" &&
    session === "PM" &&
    (date >= "2026-02-23" || date < "2025-11-01")
  ) {
    return "C2";
  }
  if (pupil.profile === "alternative_provision" && (weekday(date) === 1 || weekday(date) === 3))
    return "K";
  if (pupil.profile === "dual_registered" && (weekday(date) === 2 || weekday(date) === 4))
    return "D";
  return null;
}

function seasonal(date: IsoDate): number {
  const month = Number(date.slice(5, 7));
  if (month === 12 || month === 1 || month === 2) return 1.55;
  if (month === 6 || month === 7) return 0.85;
  return 1;
}

/** Every mark of every pupil from their admission (or the first year's start) to `until`. */
export function demoMarks(
  random: Random,
  pupils: DemoPupil[],
  options: AttendanceOptions,
): DemoMark[] {
  const { calendar, until } = options;
  const { firstYear, lastYear } = options.years ?? { firstYear: 7, lastYear: 11 };
  const families = new Map<number, PupilPlan>();
  const marks: DemoMark[] = [];
  const firstDay = `${calendar.years[0]?.startYear ?? options.currentYear}-08-01`;
  // Unexplained absences of the last seven school days are still N: some already past the 5-day limit.
  const recent = new Set(calendar.schoolDays(addDays(until, -14), until).slice(-7));
  for (const pupil of pupils) {
    const plan = planFor(random, pupil, families, calendar);
    const leftLastYear =
      pupil.leaving !== null &&
      pupil.leaving < `${options.currentYear}-08-01` &&
      pupil.ncYear === lastYear;
    const from = pupil.admission > firstDay ? pupil.admission : firstDay;
    const to = pupil.leaving !== null && pupil.leaving < until ? pupil.leaving : until;
    let illnessLeft = 0;
    for (const date of calendar.schoolDays(from, to)) {
      const ncYear = ncYearIn(pupil, options.currentYear, academicYearOf(date), leftLastYear);
      if (ncYear < firstYear) continue;
      const isToday = date === until;
      const sessions = calendar
        .sessionsOn(date)
        .filter(
          (s) => !isToday || (s === "AM" && !options.untakenToday.has(formOf(pupil, ncYear))),
        );
      const dayCode = dayAbsence(random, pupil, plan, date, illnessLeft);
      illnessLeft = dayCode.illnessLeft;
      for (const session of sessions) {
        const planned = plannedEvent(pupil, ncYear, date, session);
        const mark = planned
          ? { code: planned, minutesLate: null, planned: true }
          : sessionMark(random, pupil, session, dayCode.code, date);
        marks.push({
          ...withHistory(random, pupil, date, session, mark, recent.has(date)),
          form: formOf(pupil, ncYear),
        });
      }
    }
  }
  return marks;
}

export function formOf(pupil: DemoPupil, ncYear: number): string {
  return `${ncYear}${pupil.form}`;
}

function dayAbsence(
  random: Random,
  pupil: DemoPupil,
  plan: PupilPlan,
  date: IsoDate,
  illnessLeft: number,
): { code: string | null; illnessLeft: number } {
  if (plan.exclusion.has(date)) return { code: "E", illnessLeft: 0 };
  if (plan.holiday.has(date)) return { code: plan.holidayAuthorised ? "C" : "G", illnessLeft: 0 };
  if (plan.illnessSpell.has(date)) return { code: "I", illnessLeft: 0 };
  if (plan.religiousObservance.has(date)) return { code: "R", illnessLeft: 0 };
  if (illnessLeft > 0) return { code: "I", illnessLeft: illnessLeft - 1 };
  const day = weekday(date);
  const stretch = pupil.weekendStretcher && (day === 0 || day === 4) ? 2.2 : 1;
  if (!random.chance(ABSENCE_RATE[pupil.profile] * seasonal(date) * stretch))
    return { code: null, illnessLeft: 0 };
  if (random.chance(UNAUTHORISED_SHARE[pupil.profile])) return { code: "O", illnessLeft: 0 };
  const length = random.weighted([
    [1, 6],
    [2, 2.5],
    [3, 1],
    [4, 0.5],
  ]);
  return { code: "I", illnessLeft: length - 1 };
}

function sessionMark(
  random: Random,
  pupil: DemoPupil,
  session: SessionName,
  dayCode: string | null,
  date: IsoDate,
): { code: string; minutesLate: number | null; planned: boolean } {
  if (dayCode)
    return { code: dayCode, minutesLate: null, planned: dayCode === "C" || dayCode === "E" };
  if (random.chance(0.006)) return { code: "M", minutesLate: null, planned: random.chance(0.5) };
  if (session === "PM" && random.chance(0.004))
    return { code: "I", minutesLate: null, planned: false };
  const lateChance = session === "AM" ? pupil.lateness * (weekday(date) === 0 ? 1.3 : 1) : 0.004;
  if (random.chance(lateChance)) {
    return random.chance(0.14)
      ? { code: "U", minutesLate: random.int(31, 75), planned: false }
      : { code: "L", minutesLate: random.int(2, 25), planned: false };
  }
  return { code: presentSymbolFor(session), minutesLate: null, planned: false };
}

const RESOLUTION: Record<string, string> = {
  I: "Parent phoned: unwell",
  O: "No reason received within 5 school days",
  G: "Parent confirmed a family holiday; leave had not been granted",
  M: "Appointment card seen",
  R: "Parent's note: religious observance",
  U: "Arrived after the register closed",
};

/**
 * How the mark got there: absences are first marked N at the register and amended by the office
 * when the reason is known (O only after 5 school days); the most recent unexplained absences are
 * still N, waiting for the office.
 */
function withHistory(
  random: Random,
  pupil: DemoPupil,
  date: IsoDate,
  session: SessionName,
  mark: { code: string; minutesLate: number | null; planned: boolean },
  recent: boolean,
): Omit<DemoMark, "form"> {
  const recordedAt = londonInstant(date, session === "AM" ? "08:52" : "13:22");
  const base = {
    pupil,
    date,
    session,
    ...mark,
    firstCode: null,
    recordedAt,
    amendedAt: null,
    amendReason: null,
  };
  const reason = RESOLUTION[mark.code];
  if (mark.planned || !reason) return base;
  const startsAsN =
    mark.code === "U" || mark.code === "O" || random.chance(mark.code === "I" ? 0.7 : 0.6);
  if (!startsAsN) return base;
  if (
    recent &&
    (mark.code === "O" || mark.code === "G" || (mark.code === "I" && random.chance(0.4)))
  ) {
    return { ...base, code: "N", minutesLate: null };
  }
  const later = mark.code === "O" ? 7 : mark.code === "U" ? 0 : random.int(0, 2);
  const amendedAt = new Date(
    recordedAt.getTime() + later * 86_400_000 + (mark.code === "U" ? 40 : 95) * 60_000,
  );
  return { ...base, firstCode: "N", amendedAt, amendReason: reason };
}
