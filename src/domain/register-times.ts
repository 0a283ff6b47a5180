import type { SessionName } from "./calendar.ts";
import { RollbookError } from "./errors.ts";

/**
 * When each session's register opens and closes, in London wall-clock time. The school's
 * attendance policy sets them; DfE guidance allows a register to stay open at most 30 minutes,
 * the same every session. A pupil arriving while it is open is late (`L`, present); after it
 * closes, `U` (unauthorised absence).
 */
export interface RegisterTimes {
  amOpens: string;
  amCloses: string;
  pmOpens: string;
  pmCloses: string;
}

export const MAX_REGISTER_OPEN_MINUTES = 30;

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function minutesOfDay(clock: string): number {
  const match = CLOCK.exec(clock);
  if (!match)
    throw new RollbookError("invalid_input", `"${clock}" is not a time of day (HH:MM, 24-hour)`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Refuses register times that are not times, close before they open, or stay open over 30 minutes. */
export function validateRegisterTimes(times: RegisterTimes): RegisterTimes {
  const problems: string[] = [];
  for (const session of ["am", "pm"] as const) {
    const opens = times[`${session}Opens`];
    const closes = times[`${session}Closes`];
    if (!CLOCK.test(opens) || !CLOCK.test(closes)) {
      problems.push(`${session.toUpperCase()} times must be HH:MM (got ${opens} and ${closes})`);
      continue;
    }
    const open = minutesOfDay(closes) - minutesOfDay(opens);
    if (open <= 0) problems.push(`the ${session.toUpperCase()} register must close after it opens`);
    else if (open > MAX_REGISTER_OPEN_MINUTES) {
      problems.push(
        `the ${session.toUpperCase()} register may stay open at most ${MAX_REGISTER_OPEN_MINUTES} minutes, not ${open}`,
      );
    }
  }
  if (problems.length === 0 && minutesOfDay(times.pmOpens) <= minutesOfDay(times.amCloses)) {
    problems.push("the afternoon register must open after the morning register closes");
  }
  if (problems.length > 0)
    throw new RollbookError("invalid_input", `Register times: ${problems.join("; ")}`);
  return times;
}

export type RegisterState = "not_open_yet" | "open" | "closed";

function window(times: RegisterTimes, session: SessionName): [number, number] {
  return session === "AM"
    ? [minutesOfDay(times.amOpens), minutesOfDay(times.amCloses)]
    : [minutesOfDay(times.pmOpens), minutesOfDay(times.pmCloses)];
}

/**
 * Whether a register is open at a moment (a date and a London clock time). Registers of earlier
 * days are closed; of later days, not open yet.
 */
export function registerState(
  times: RegisterTimes,
  date: string,
  session: SessionName,
  now: { date: string; clock: string },
): RegisterState {
  if (date < now.date) return "closed";
  if (date > now.date) return "not_open_yet";
  const [opens, closes] = window(times, session);
  const minute = minutesOfDay(now.clock);
  if (minute < opens) return "not_open_yet";
  return minute <= closes ? "open" : "closed";
}

/**
 * The late mark for a pupil arriving at a time: `L` up to and including the minute the register
 * closes, `U` after it; minutes late are counted from when the register opened.
 */
export function lateMark(
  times: RegisterTimes,
  session: SessionName,
  arrivedAt: string,
): { code: "L" | "U"; minutesLate: number } {
  const [opens, closes] = window(times, session);
  const arrival = minutesOfDay(arrivedAt);
  if (arrival <= opens) {
    throw new RollbookError(
      "invalid_input",
      `Arriving at ${arrivedAt} is not late: the register opens at ${clockOf(opens)}`,
    );
  }
  return { code: arrival <= closes ? "L" : "U", minutesLate: arrival - opens };
}

function clockOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
