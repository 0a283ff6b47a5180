import { RollbookError } from "./errors.ts";

/**
 * School-calendar dates are plain `YYYY-MM-DD` strings (Europe/London civil dates). Arithmetic is
 * done on "epoch days" (whole days since 1970-01-01) so no hidden time zone or DST shift can move a
 * mark to the wrong day.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  const epoch = Date.UTC(Number(y), Number(m) - 1, Number(d));
  return new Date(epoch).toISOString().slice(0, 10) === value;
}

/** Parses a date or throws an error naming the field that held it. */
export function parseIsoDate(value: string, field = "date"): IsoDate {
  if (!isIsoDate(value)) {
    throw new RollbookError(
      "invalid_date",
      `${field} must be a real date written YYYY-MM-DD, got "${value}"`,
      {
        field,
        value,
      },
    );
  }
  return value;
}

export function toEpochDay(date: IsoDate): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  return Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

export function fromEpochDay(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

export function weekday(date: IsoDate): number {
  return weekdayOfEpochDay(toEpochDay(date));
}

export const WEEKDAY_NAMES = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
] as const;

/** The Monday of the week holding `date`, as an epoch day: the key of a school week. */
export function mondayOf(day: number): number {
  return day - weekdayOfEpochDay(day);
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The earlier of two dates. */
export function earlierDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareDates(a, b) <= 0 ? a : b;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Today's civil date in England, whatever the server's own time zone. */
export function londonToday(now: Date = new Date()): IsoDate {
  return LONDON_DATE.format(now);
}

// Formatters are costly to build; these are built once.
const LONDON_DATE = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});
const LONDON_OFFSET = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  timeZoneName: "shortOffset",
});
const LONDON_CLOCK = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/**
 * The instant a wall-clock time on a school date happens in England (GMT or BST). Registers open
 * and close at London times, whatever the server's zone.
 */
export function londonInstant(date: IsoDate, time: string): Date {
  const naive = new Date(`${date}T${time.length === 5 ? `${time}:00` : time}Z`);
  return new Date(naive.getTime() - londonOffsetHours(naive) * 3_600_000);
}

/**
 * Asking Intl for the offset costs more than everything else a mark's time needs (the demo asks
 * it for every mark it makes), and the answer changes only on the hour (01:00 UTC in March and
 * October), so it is kept per UTC hour.
 */
const offsetByHour = new Map<number, number>();

function londonOffsetHours(instant: Date): number {
  const hour = Math.floor(instant.getTime() / 3_600_000);
  const known = offsetByHour.get(hour);
  if (known !== undefined) return known;
  const offsetName =
    LONDON_OFFSET.formatToParts(instant).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-]\d+)?/.exec(offsetName);
  const hours = match?.[1] ? Number(match[1]) : 0;
  if (offsetByHour.size >= 100_000) offsetByHour.clear();
  offsetByHour.set(hour, hours);
  return hours;
}

/** Wall-clock `HH:MM` in England of an instant. */
export function londonClock(instant: Date): string {
  return LONDON_CLOCK.format(instant);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "3 Feb 2026": how letters, explanations and chronologies name a day. */
export function dayLabel(date: IsoDate): string {
  return `${Number(date.slice(8, 10))} ${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}
