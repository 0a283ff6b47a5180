import { compulsorySchoolAgeEnds } from "../../domain/age.ts";
import { addDays, type IsoDate } from "../../domain/dates.ts";
import { makeUpn } from "../../domain/pupil.ts";
import { BOYS_NAMES, GIRLS_NAMES, SURNAMES } from "./names.ts";
import type { Random } from "./random.ts";

/** How a demo pupil tends to attend; drives the patterns in attendance.ts. */
export type AttendanceProfile =
  | "regular"
  | "drifting"
  | "persistent"
  | "severe"
  | "long_illness"
  | "part_time_timetable"
  | "alternative_provision"
  | "dual_registered";

export interface DemoPupil {
  upn: string;
  forename: string;
  surname: string;
  preferredForename: string | null;
  dob: IsoDate;
  sex: "F" | "M";
  ncYear: number;
  form: string;
  admission: IsoDate;
  leaving: IsoDate | null;
  senSupport: boolean;
  ehcp: boolean;
  fsm: boolean;
  pupilPremium: boolean;
  lookedAfter: boolean;
  socialWorker: boolean;
  medicalCondition: boolean;
  profile: AttendanceProfile;
  /** Chance of arriving late on a morning they attend. */
  lateness: number;
  /** Absent more on Mondays and Fridays. */
  weekendStretcher: boolean;
  family: number;
}

export interface DemoContact {
  upn: string;
  priority: number;
  name: string;
  relationship: string;
  phone: string;
  email: string | null;
  parentalResponsibility: boolean;
  livesWithPupil: boolean;
}

export const FORMS = ["A", "B", "C", "D", "E"] as const;

/** The years and forms of a demo school, and the numbers its UPNs are made of. */
export interface SchoolShape {
  firstYear: number;
  lastYear: number;
  forms: readonly string[];
  laNumber: string;
  estab: string;
  /** When last year's top year left: the end of compulsory school age, or the summer term. */
  leavers: "school_age" | "summer";
}

export const SECONDARY_SHAPE: SchoolShape = {
  firstYear: 7,
  lastYear: 11,
  forms: FORMS,
  laNumber: "383",
  estab: "4999",
  leavers: "school_age",
};

/**
 * A school's roll: five forms of 24 in each of Years 7 to 11 in the current year (or the shape's
 * years and forms), plus last year's top year, who have left.
 */
export function demoPupils(
  random: Random,
  currentYear: number,
  perForm: number,
  shape: SchoolShape = SECONDARY_SHAPE,
): DemoPupil[] {
  const pupils: DemoPupil[] = [];
  const { firstYear, lastYear } = shape;
  let serial = 0;
  // The year after the top one here means last year's top year: they left in the summer.
  for (let ncYear = firstYear; ncYear <= lastYear + 1; ncYear++) {
    const bornFrom = `${currentYear - 4 - ncYear - 1}-09-01`;
    for (const form of shape.forms) {
      for (let i = 0; i < perForm; i++) {
        serial++;
        const sex = random.chance(0.5) ? "F" : "M";
        const dob = addDays(bornFrom, random.int(0, 364));
        const joinedFirstYear = currentYear - (ncYear - firstYear);
        const lateJoiner = random.chance(0.03) && ncYear > firstYear;
        const admission = lateJoiner
          ? addDays(`${currentYear - 1}-09-08`, random.int(0, 250))
          : `${joinedFirstYear}-09-01`;
        const leftEarly = ncYear <= lastYear && random.chance(0.012);
        const leaving =
          ncYear > lastYear
            ? shape.leavers === "school_age"
              ? compulsorySchoolAgeEnds(dob)
              : `${currentYear}-07-22`
            : leftEarly
              ? addDays(`${currentYear - 1}-11-01`, random.int(0, 200))
              : null;
        const fsm = random.chance(0.26);
        const senSupport = random.chance(0.13);
        const ehcp = !senSupport && random.chance(0.03);
        const socialWorker = random.chance(fsm ? 0.07 : 0.02);
        const medicalCondition = random.chance(0.05);
        pupils.push({
          upn: makeUpn(shape.laNumber, shape.estab, joinedFirstYear - firstYear, serial),
          forename: random.pick(sex === "F" ? GIRLS_NAMES : BOYS_NAMES),
          surname: random.pick(SURNAMES),
          preferredForename: null,
          dob,
          sex,
          ncYear: Math.min(ncYear, lastYear),
          form,
          admission,
          leaving: leaving && leaving <= admission ? addDays(admission, 60) : leaving,
          senSupport,
          ehcp,
          fsm,
          pupilPremium: fsm || random.chance(0.05),
          lookedAfter: random.chance(0.006),
          socialWorker,
          medicalCondition,
          profile: pickProfile(random, {
            fsm,
            sen: senSupport || ehcp,
            socialWorker,
            medicalCondition,
          }),
          lateness: random.chance(0.1) ? 0.08 + random.next() * 0.2 : random.next() * 0.02,
          weekendStretcher: random.chance(0.08),
          family: serial,
        });
      }
    }
  }
  // A few named patterns every attendance officer will recognise, placed deterministically.
  const current = pupils.filter((p) => p.leaving === null && p.ncYear > firstYear);
  const assign = (index: number, profile: AttendanceProfile) => {
    const pupil = current[index % current.length];
    if (pupil) pupil.profile = profile;
  };
  assign(11, "part_time_timetable");
  assign(57, "alternative_provision");
  assign(203, "dual_registered");
  assign(140, "long_illness");
  for (const pupil of pupils) {
    if (pupil.profile === "long_illness") pupil.medicalCondition = true;
    if (random.chance(0.08)) pupil.preferredForename = shorten(pupil.forename);
  }
  siblings(random, pupils);
  return pupils;
}

function pickProfile(
  random: Random,
  risk: { fsm: boolean; sen: boolean; socialWorker: boolean; medicalCondition: boolean },
): AttendanceProfile {
  const weight = 1 + (risk.fsm ? 0.8 : 0) + (risk.sen ? 0.6 : 0) + (risk.socialWorker ? 1.5 : 0);
  return random.weighted<AttendanceProfile>([
    ["regular", 70],
    ["drifting", 14 * weight],
    ["persistent", 7 * weight],
    ["severe", 1.6 * weight],
    ["long_illness", risk.medicalCondition ? 4 : 0.3],
  ]);
}

function shorten(name: string): string {
  const short: Record<string, string> = {
    Charlotte: "Lottie",
    Elizabeth: "Lizzie",
    Theodore: "Theo",
    Alexander: "Alex",
    Isabella: "Bella",
    Matilda: "Tilly",
    Samuel: "Sam",
    Thomas: "Tom",
    Daniel: "Dan",
    Joshua: "Josh",
  };
  return short[name] ?? name;
}

/** About one pupil in six has a brother or sister at the school: same surname and family. */
function siblings(random: Random, pupils: DemoPupil[]): void {
  for (let i = 0; i + 130 < pupils.length; i += 6) {
    if (!random.chance(0.9)) continue;
    const older = pupils[i + 130] as DemoPupil;
    const younger = pupils[i] as DemoPupil;
    younger.surname = older.surname;
    younger.family = older.family;
  }
}

const RELATIONSHIPS = [
  ["Mother", 0.55],
  ["Father", 0.3],
  ["Grandmother", 0.06],
  ["Stepfather", 0.04],
  ["Aunt", 0.03],
  ["Foster carer", 0.02],
] as const;

/** One to three contacts per family, in priority order, with fictional (Ofcom drama) numbers. */
export function demoContacts(random: Random, pupils: DemoPupil[]): DemoContact[] {
  const byFamily = new Map<number, Omit<DemoContact, "upn">[]>();
  const contacts: DemoContact[] = [];
  for (const pupil of pupils) {
    let family = byFamily.get(pupil.family);
    if (!family) {
      const count = random.weighted([
        [1, 0.2],
        [2, 0.65],
        [3, 0.15],
      ]);
      family = [];
      const used = new Set<string>();
      for (let priority = 1; priority <= count; priority++) {
        let relationship: string =
          pupil.lookedAfter && priority === 1 ? "Foster carer" : random.weighted(RELATIONSHIPS);
        if (used.has(relationship))
          relationship = relationship === "Mother" ? "Father" : "Grandfather";
        used.add(relationship);
        // The coin is tossed exactly as before (same seed, same school); fathers are never women.
        const female =
          ["Mother", "Grandmother", "Aunt"].includes(relationship) ||
          (random.chance(0.5) && !["Father", "Grandfather", "Stepfather"].includes(relationship));
        const forename = random.pick(female ? GIRLS_NAMES : BOYS_NAMES);
        const surname =
          relationship === "Mother" || relationship === "Father"
            ? pupil.surname
            : random.pick(SURNAMES);
        family.push({
          priority,
          name: `${forename} ${surname}`,
          relationship,
          phone: `07700 900${String(random.int(0, 999)).padStart(3, "0")}`,
          email: random.chance(0.85)
            ? `${forename}.${surname}${random.int(1, 99)}@example.com`.toLowerCase()
            : null,
          parentalResponsibility:
            !["Aunt", "Grandmother"].includes(relationship) || random.chance(0.2),
          livesWithPupil: priority === 1 || random.chance(0.6),
        });
      }
      byFamily.set(pupil.family, family);
    }
    for (const contact of family) contacts.push({ ...contact, upn: pupil.upn });
  }
  return contacts;
}
