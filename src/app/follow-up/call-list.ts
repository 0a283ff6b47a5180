import type { Kysely } from "kysely";
import { currentPolicy } from "../../db/repositories/policies.ts";
import type { DB } from "../../db/schema.ts";
import { UNAUTHORISED_SYMBOLS } from "../../domain/codes.ts";
import type { Contact } from "../../domain/contact-check.ts";
import { type IsoDate, londonClock } from "../../domain/dates.ts";
import { followUpRules, followUpSteps, type Step } from "../../domain/follow-up/escalation.ts";
import { codeSet, type SessionIndex } from "../../domain/policy/timeline.ts";
import type { SchoolAccess } from "../access/access.ts";
import type { UseCaseContext } from "../context.ts";
import { loadEvaluationData } from "../policy/evaluation-data.ts";
import { displayName, type Moment, momentOf } from "../registers/register.ts";

export interface FollowUpPupil {
  pupilId: number;
  upn: string;
  name: string;
  group: string | null;
  sessions: ("AM" | "PM")[];
  /** Which school day of unexplained absence this is (1 = the first). */
  day: number;
  safeguardingConcern: boolean;
  contacts: Contact[];
  attemptsToday: {
    at: string;
    method: string;
    contactId: number | null;
    withWhom: string;
    outcome: string;
    by: string;
  }[];
  steps: Step[];
}

const UNEXPLAINED = codeSet(UNAUTHORISED_SYMBOLS);
/** Outcomes of a contact attempt that mean someone was reached. */
export const REACHED = new Set(["reached", "reason given", "spoke to parent", "parent called in"]);

/**
 * The office's call list for a day: every pupil with an absence not yet explained (N), their
 * contacts in priority order, what has been tried today, and the next steps of the escalation
 * ladder, most urgent first.
 */
export async function callList(
  db: Kysely<DB>,
  access: SchoolAccess,
  date: IsoDate,
  now: Moment,
): Promise<FollowUpPupil[]> {
  access.require("office.view");
  const { schoolId } = access;
  const absent = await db
    .selectFrom("session_marks as m")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "m.school_id").onRef("p.id", "=", "m.pupil_id"),
    )
    .leftJoin("registration_groups as g", (j) =>
      j.onRef("g.school_id", "=", "p.school_id").onRef("g.id", "=", "p.registration_group_id"),
    )
    .select([
      "m.pupil_id",
      "m.session",
      "p.upn",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
      "p.preferred_surname",
      "p.safeguarding_concern",
      "p.has_social_worker",
      "p.looked_after",
      "p.child_protection_plan",
      "p.child_in_need_plan",
      "g.name as group",
    ])
    .where("m.school_id", "=", schoolId)
    .where("m.date", "=", date)
    .where("m.code", "=", "N")
    .orderBy("m.pupil_id")
    .execute();
  if (absent.length === 0) return [];
  const ids = [...new Set(absent.map((a) => a.pupil_id))];
  const [contacts, attempts, policy, evaluation, socialWorkerMessages, missed] = await Promise.all([
    db
      .selectFrom("contacts")
      .selectAll()
      .where("school_id", "=", schoolId)
      .where("pupil_id", "in", ids)
      .orderBy("priority")
      .execute(),
    db
      .selectFrom("contact_log")
      .selectAll()
      .where("school_id", "=", schoolId)
      .where("pupil_id", "in", ids)
      .where("happened_at", ">=", new Date(`${date}T00:00:00Z`))
      .orderBy("happened_at")
      .execute(),
    currentPolicy(db, schoolId),
    loadEvaluationData(db, schoolId, date, date, ids),
    db
      .selectFrom("outbox")
      .select("pupil_id")
      .where("school_id", "=", schoolId)
      .where("purpose", "=", "social_worker")
      .where("idempotency_key", "like", `social-worker:%:${date}:%`)
      .execute(),
    // Reported missing education before: a risk group of its own for first-day contact.
    db
      .selectFrom("interventions as i")
      .innerJoin("attendance_cases as c", (j) =>
        j.onRef("c.school_id", "=", "i.school_id").onRef("c.id", "=", "i.case_id"),
      )
      .select("c.pupil_id")
      .where("i.school_id", "=", schoolId)
      .where("i.kind", "=", "cme_report")
      .where("c.pupil_id", "in", ids)
      .execute(),
  ]);
  const previouslyMissing = new Set(missed.map((m) => m.pupil_id));
  const rules = followUpRules(policy?.policy);
  const codes = new Map(evaluation.pupils.map((p) => [p.id, p.codes]));
  const told = new Set(socialWorkerMessages.map((m) => m.pupil_id));
  const list: FollowUpPupil[] = [];
  for (const id of ids) {
    const rows = absent.filter((a) => a.pupil_id === id);
    const first = rows[0];
    if (!first) continue;
    const mine = attempts.filter(
      (a) => a.pupil_id === id && a.happened_at.toISOString().slice(0, 10) <= date,
    );
    const day = daysOfUnexplainedAbsence(evaluation.index, codes.get(id), date);
    const attemptsToday = mine.map((a) => ({
      at: londonClock(a.happened_at),
      method: a.method,
      contactId: a.contact_id,
      withWhom: a.with_whom,
      outcome: a.outcome,
      by: a.recorded_by,
    }));
    const safeguardingConcern = first.safeguarding_concern || first.looked_after;
    const own = contacts.filter((c) => c.pupil_id === id);
    list.push({
      pupilId: id,
      upn: first.upn,
      name: displayName(first),
      group: first.group,
      sessions: rows.map((r) => r.session),
      day,
      safeguardingConcern,
      contacts: own.map((c) => ({
        id: c.id,
        priority: c.priority,
        name: c.name,
        relationship: c.relationship,
        phone: c.phone,
        email: c.email,
      })),
      attemptsToday,
      steps: followUpSteps(rules, {
        day,
        clock: now.date === date ? now.clock : "23:59",
        // A note is not an attempt to reach the family.
        attemptsToday: mine
          .flatMap((a) => (a.method === "note" ? [] : [{ ...a, method: a.method }]))
          .map((a) => ({
            method: a.method,
            reached: REACHED.has(a.outcome),
            at: londonClock(a.happened_at),
            contactId: a.contact_id,
          })),
        contactsToCall: own.filter((c) => c.phone).map((c) => c.id),
        reachedSinceAbsenceBegan: mine.some((a) => REACHED.has(a.outcome)),
        safeguardingConcern,
        hasSocialWorker: first.has_social_worker,
        socialWorkerTold: told.has(id),
        riskGroups: (
          [
            ["safeguarding_concern", first.safeguarding_concern],
            ["has_social_worker", first.has_social_worker],
            ["looked_after", first.looked_after],
            ["child_protection_plan", first.child_protection_plan],
            ["child_in_need_plan", first.child_in_need_plan],
            ["previously_missing_education", previouslyMissing.has(id)],
          ] as const
        ).flatMap(([group, member]) => (member ? [group] : [])),
      }),
    });
  }
  const urgency = (p: FollowUpPupil) =>
    (p.safeguardingConcern ? 0 : 1) * 1000 - p.day * 10 - p.steps.filter((s) => s.overdue).length;
  return list.sort((a, b) => urgency(a) - urgency(b) || a.name.localeCompare(b.name));
}

/** The call list as the office opens it: today's unless a day is asked for; the pupils shown logged. */
export async function showCallList(
  ctx: UseCaseContext,
  input: { date?: IsoDate | undefined },
): Promise<{ date: IsoDate; pupils: FollowUpPupil[] }> {
  const now = momentOf(ctx.clock());
  const date = input.date ?? now.date;
  const pupils = await callList(ctx.db, ctx.access, date, now);
  ctx.access.audit.listed(
    ctx.access.schoolId,
    pupils.map((p) => p.pupilId),
  );
  return { date, pupils };
}

/**
 * Which day of unexplained absence `date` is: counts back over school days on which every marked
 * session was absent without a reason (sessions not yet marked do not count either way).
 */
function daysOfUnexplainedAbsence(
  index: SessionIndex,
  codes: Uint8Array | undefined,
  date: IsoDate,
): number {
  if (!codes) return 1;
  let days = 0;
  let i = index.endOf(date) - 1;
  while (i >= 0) {
    const day = index.day[i] as number;
    let unexplained = 0;
    let other = 0;
    for (; i >= 0 && index.day[i] === day; i--) {
      const code = codes[i] as number;
      if (UNEXPLAINED[code]) unexplained++;
      else if (code !== 0) other++;
    }
    if (other > 0 || unexplained === 0) break;
    days++;
  }
  return Math.max(1, days);
}
