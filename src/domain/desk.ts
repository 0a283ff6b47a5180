import type { SessionName } from "./calendar.ts";
import { minutesOfDay, type RegisterTimes } from "./register-times.ts";

/**
 * The session a moment of the day belongs to at the desk: the afternoon from when the PM register
 * opens, the morning before it. A late arrival is marked in that session's register.
 */
export function sessionAt(times: RegisterTimes, clock: string): SessionName {
  return minutesOfDay(clock) >= minutesOfDay(times.pmOpens) ? "PM" : "AM";
}

/**
 * Marks that put a pupil in the building: present (`/`, `\`), late before the register closed
 * (`L`) and late after it (`U`: absent in law, but here in person). Approved educational
 * activities (`K`, `V`, `P`, `W`, `B`, `D`) happen away from the site.
 */
const ON_SITE_CODES = new Set(["/", "\\", "L", "U"]);

export type WhereAbouts = "on_site" | "signed_out" | "away" | "not_marked";

/**
 * Where a pupil is for a roll call, from what the school knows: a desk signing out (not yet back)
 * beats the mark; then the session's mark (or, before it is taken in the afternoon, the morning's);
 * then a planned absence; otherwise nobody has said, and the pupil must be looked for.
 */
export function whereabouts(pupil: {
  mark: string | null;
  planned: boolean;
  lastSigning: "late_arrival" | "signed_out" | "back_in" | null;
}): WhereAbouts {
  if (pupil.lastSigning === "signed_out") return "signed_out";
  if (pupil.lastSigning === "late_arrival" || pupil.lastSigning === "back_in") return "on_site";
  if (pupil.mark !== null) return ON_SITE_CODES.has(pupil.mark) ? "on_site" : "away";
  return pupil.planned ? "away" : "not_marked";
}

/** Whether a statutory mark says the pupil was in school at registration (for lesson truancy). */
export function presentAtRegistration(code: string | null): boolean {
  return code !== null && ON_SITE_CODES.has(code) && code !== "U";
}
