import { addDays, type IsoDate, isLeapYear, weekday } from "./dates.ts";

/**
 * The date a person attains an age. Someone born on 29 February attains it on 1 March in a
 * common year (Family Law Reform Act 1969 s9).
 */
export function birthdayAtAge(dob: IsoDate, age: number): IsoDate {
  const year = Number(dob.slice(0, 4)) + age;
  const monthDay = dob.slice(5);
  if (monthDay === "02-29" && !isLeapYear(year)) return `${year}-03-01`;
  return `${year}-${monthDay}`;
}

/** Age in whole years on a date. */
export function ageOn(dob: IsoDate, date: IsoDate): number {
  const years = Number(date.slice(0, 4)) - Number(dob.slice(0, 4));
  return date >= birthdayAtAge(dob, years) ? years : years - 1;
}

/** Age at the start of an academic year (31 August before it): the age DfE statistics group by. */
export function ageAtStartOfAcademicYear(dob: IsoDate, startYear: number): number {
  return ageOn(dob, `${startYear}-08-31`);
}

/**
 * National Curriculum year: Reception for children aged 4 on 31 August, Year 1 for 5, ... Year 11
 * for 15. Returned as a number: 0 for Reception, negative for nursery.
 */
export function nationalCurriculumYear(dob: IsoDate, startYear: number): number {
  return ageAtStartOfAcademicYear(dob, startYear) - 4;
}

/**
 * A child reaches compulsory school age on the prescribed day (31 December, 31 March or
 * 31 August) on or next after their fifth birthday (Education Act 1996 s8; the Education (Start
 * of Compulsory School Age) Order 1998).
 */
export function compulsorySchoolAgeStarts(dob: IsoDate): IsoDate {
  const fifth = birthdayAtAge(dob, 5);
  const year = Number(fifth.slice(0, 4));
  const candidates = [`${year}-03-31`, `${year}-08-31`, `${year}-12-31`];
  return candidates.find((day) => day >= fifth) ?? `${year + 1}-03-31`;
}

/**
 * Compulsory school age ends on the school leaving date, the last Friday in June of the school
 * year (1 September to 31 August) in which the child turns 16 (Education Act 1996 s8(3), (4)).
 */
export function compulsorySchoolAgeEnds(dob: IsoDate): IsoDate {
  const sixteenth = birthdayAtAge(dob, 16);
  const year = Number(sixteenth.slice(0, 4));
  const schoolYearEnds = sixteenth.slice(5) >= "09-01" ? year + 1 : year;
  return lastFridayOfJune(schoolYearEnds);
}

function lastFridayOfJune(year: number): IsoDate {
  const june30 = `${year}-06-30`;
  const back = (weekday(june30) - 4 + 7) % 7; // Friday is weekday 4
  return addDays(june30, -back);
}

export function isOfCompulsorySchoolAge(dob: IsoDate, date: IsoDate): boolean {
  return date >= compulsorySchoolAgeStarts(dob) && date <= compulsorySchoolAgeEnds(dob);
}

/**
 * Why a pupil is outside the law's attendance duties on a date (penalty notices, notices to
 * improve, prosecution: Education Act 1996 ss 7, 444, 444A apply to a child of compulsory school
 * age), or null when they are of compulsory school age.
 */
export function notOfCompulsorySchoolAge(dob: IsoDate, date: IsoDate): string | null {
  const starts = compulsorySchoolAgeStarts(dob);
  if (date < starts)
    return `the pupil is not of compulsory school age on ${date}: it starts on ${starts}, the prescribed day (31 December, 31 March or 31 August) on or after their fifth birthday (Education Act 1996 s8), and penalty notices and prosecution apply only to children of compulsory school age`;
  const ends = compulsorySchoolAgeEnds(dob);
  if (date > ends)
    return `the pupil is past compulsory school age on ${date}: it ended on ${ends}, the last Friday in June of the school year they turned 16 (Education Act 1996 s8), and penalty notices and prosecution apply only to children of compulsory school age`;
  return null;
}
