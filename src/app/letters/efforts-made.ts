import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { dayLabel, type IsoDate, londonToday } from "../../domain/dates.ts";
import { letterName } from "../../domain/letters/templates.ts";

const MEETING_OUTCOMES: Record<string, string> = {
  invited: "offered",
  held: "held",
  failed_to_attend: "offered; the family did not attend",
  rescheduled: "rescheduled at the family's request",
  cancelled: "cancelled",
};

const INTERVENTIONS: Record<string, string> = {
  notice_to_improve: "Notice to improve issued",
  penalty_notice_referral: "Referred to the local authority for a penalty notice",
  penalty_notice: "Penalty notice issued",
  legal_intervention_referral: "Referred to the local authority for legal intervention",
  social_care_referral: "Referred to children's social care",
  cme_report: "Reported to the local authority as missing education",
  school_nursing_referral: "Referred to the school nursing team",
  early_help_referral: "Referred for an early help assessment",
  safe_and_well_check: "Asked the police for a safe-and-well check",
};

const METHODS: Record<string, string> = {
  phone: "Phone call",
  text: "Text message",
  email: "Email",
  letter: "Letter",
  home_visit: "Home visit",
  meeting: "Meeting",
  in_person: "Conversation in person",
  note: "Note",
};

/**
 * "Letter 8 will detail all efforts made by the school so far" (the LA contract process): the
 * whole chronology, not only a contract's actions, so a family with no contract still gets a
 * full account. Letters sent, meetings offered, held and missed (the professionals' meeting
 * too), calls and home visits with their outcome, and the support agreed, with who gives it;
 * oldest first, one line each, up to `today`.
 */
export async function effortsMade(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  today: IsoDate,
): Promise<string> {
  const lines = await effortLines(db, schoolId, pupilId, today);
  if (lines.length === 0) return "No contact or support is recorded yet.";
  return lines.map((l) => `${dayLabel(l.on)}: ${l.text}`).join("\n");
}

/** The same account, one dated line each, oldest first: for the case page. */
export async function effortLines(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  today: IsoDate,
): Promise<{ on: IsoDate; text: string }[]> {
  const cases = db
    .selectFrom("attendance_cases")
    .select("id")
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId);
  const [letters, meetings, contacts, contracts, interventions] = await Promise.all([
    db
      .selectFrom("letters")
      .select(["letter_id", "issued_on", "addressee"])
      .where("school_id", "=", schoolId)
      .where("pupil_id", "=", pupilId)
      .where("issued_on", "<=", today)
      .execute(),
    db
      .selectFrom("meetings")
      .select(["kind", "status", "scheduled_for", "invitation", "attended", "recorded_by"])
      .where("school_id", "=", schoolId)
      .where("case_id", "in", cases)
      .execute(),
    db
      .selectFrom("contact_log")
      .select(["method", "happened_at", "with_whom", "outcome", "recorded_by"])
      .where("school_id", "=", schoolId)
      .where("pupil_id", "=", pupilId)
      .where("corrects", "is", null)
      .execute(),
    db
      .selectFrom("contracts")
      .select(["kind", "agreed_on", "support"])
      .where("school_id", "=", schoolId)
      .where("case_id", "in", cases)
      .execute(),
    db
      .selectFrom("interventions")
      .select(["kind", "issued_on", "recorded_by"])
      .where("school_id", "=", schoolId)
      .where("case_id", "in", cases)
      .where("withdrawn", "=", false)
      .execute(),
  ]);
  const lines: { on: IsoDate; text: string }[] = [];
  for (const l of letters)
    lines.push({ on: l.issued_on, text: `${letterName(l.letter_id)} sent to ${l.addressee}` });
  for (const m of meetings) {
    const on = londonToday(m.scheduled_for);
    if (on > today && m.status === "invited") continue;
    const kind = m.kind.replaceAll("_", " ");
    const which = m.invitation > 1 ? ` (invitation ${m.invitation})` : "";
    const came = m.status === "held" ? ((m.attended ?? []) as { name: string }[]) : [];
    const withWhom = came.length > 0 ? ` with ${came.map((a) => a.name).join(", ")}` : "";
    lines.push({
      on,
      text: `${kind}${which} ${MEETING_OUTCOMES[m.status] ?? m.status}${withWhom} (${m.recorded_by})`,
    });
  }
  for (const c of contacts) {
    const on = londonToday(c.happened_at);
    if (on > today) continue;
    lines.push({
      on,
      text: `${METHODS[c.method] ?? c.method} with ${c.with_whom}: ${c.outcome} (${c.recorded_by})`,
    });
  }
  for (const k of contracts) {
    const support = (k.support as { by: string; partner?: string; action: string }[]).map(
      (s) =>
        `${s.action} (${s.by === "partner" ? (s.partner ?? "a partner") : s.by === "parent" ? "the family" : "the school"})`,
    );
    lines.push({
      on: k.agreed_on,
      text: `${k.kind.replaceAll("_", " ")} agreed${support.length > 0 ? `, with support: ${support.join("; ")}` : ""}`,
    });
  }
  for (const i of interventions) {
    if (i.issued_on > today) continue;
    lines.push({
      on: i.issued_on,
      text: `${INTERVENTIONS[i.kind] ?? i.kind.replaceAll("_", " ")} (${i.recorded_by})`,
    });
  }
  // Oldest first; the sort is stable, so one day's lines keep the order above.
  return lines.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
}
