import type { IsoDate } from "./dates.ts";

/**
 * The Unique Pupil Number: 13 characters, a check letter then 12 characters (LA number,
 * establishment number, year of allocation, serial). A temporary UPN ends in a letter. The check
 * letter is the weighted sum (weights 2..13) of characters 2-13, modulo 23, over the alphabet
 * without I, O and S (DfE's UPN guidance).
 */
const UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ";
const UPN_SHAPE = /^[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]$/;

export function upnCheckLetter(body: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const ch = body[i] as string;
    const value = /\d/.test(ch) ? Number(ch) : UPN_ALPHABET.indexOf(ch);
    sum += value * (i + 2);
  }
  return UPN_ALPHABET[sum % 23] as string;
}

/** Why a UPN is not valid, or null when it is. */
export function upnProblem(upn: string): string | null {
  if (upn.length !== 13) return `a UPN has 13 characters, "${upn}" has ${upn.length}`;
  if (!UPN_SHAPE.test(upn))
    return `"${upn}" is not shaped like a UPN (check letter, 11 digits, digit or letter)`;
  const expected = upnCheckLetter(upn.slice(1));
  return upn[0] === expected ? null : `"${upn}" has check letter ${upn[0]}, expected ${expected}`;
}

/** Builds a permanent UPN from its parts (for demo data and tests). */
export function makeUpn(laNumber: string, estab: string, year: number, serial: number): string {
  const body = `${laNumber.padStart(3, "0")}${estab.padStart(4, "0")}${String(year % 100).padStart(2, "0")}${String(serial).padStart(3, "0")}`;
  return upnCheckLetter(body) + body;
}

/** On roll on a date: admitted on or before it and not yet left. */
export function isOnRoll(
  pupil: { admission_date: IsoDate; leaving_date: IsoDate | null },
  date: IsoDate,
): boolean {
  return (
    pupil.admission_date <= date && (pupil.leaving_date === null || date <= pupil.leaving_date)
  );
}

export const PUPIL_FLAGS = [
  "sen_support",
  "ehcp",
  "fsm",
  "pupil_premium",
  "looked_after",
  "has_social_worker",
  "medical_condition",
] as const;
export type PupilFlag = (typeof PUPIL_FLAGS)[number];
