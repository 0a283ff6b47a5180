import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { londonToday } from "../../domain/dates.ts";
import type { HistoryEventKind, PupilHistory } from "../../domain/policy/history.ts";
import { notAParent } from "../../domain/policy/parents.ts";

const EVENT_KINDS: HistoryEventKind[] = [
  "notice_to_improve",
  "penalty_notice_referral",
  "legal_intervention_referral",
  "social_care_referral",
  "cme_report",
];

/**
 * What has been done about each pupil, for the history conditions: every person who counts as a
 * parent now (s576) with the notices issued to that person for this child (by person, so a
 * replaced contact row neither carries nor loses them), the referrals made, the letters sent,
 * the meetings held, the contracts agreed, the leave refused. Six queries for the whole school.
 */
export async function loadHistories(
  db: Kysely<DB>,
  schoolId: number,
  onlyPupils?: number[],
): Promise<Map<number, PupilHistory>> {
  const only = onlyPupils && (onlyPupils.length > 0 ? onlyPupils : [-1]);
  let contacts = db
    .selectFrom("contacts")
    .select(["pupil_id", "person_id", "name", "parental_responsibility", "lives_with_pupil"])
    .where("school_id", "=", schoolId);
  let interventions = db
    .selectFrom("interventions as i")
    .innerJoin("attendance_cases as c", (j) =>
      j.onRef("c.school_id", "=", "i.school_id").onRef("c.id", "=", "i.case_id"),
    )
    .select(["c.pupil_id", "i.kind", "i.issued_on", "i.person_id", "i.withdrawn", "i.paid"])
    .where("i.school_id", "=", schoolId);
  let letters = db
    .selectFrom("letters")
    .select(["pupil_id", "letter_id", "issued_on"])
    .where("school_id", "=", schoolId);
  let leave = db
    .selectFrom("leave_requests")
    .select(["pupil_id", "from_date", "from_session", "to_date", "to_session"])
    .where("school_id", "=", schoolId)
    .where("status", "=", "refused");
  let meetings = db
    .selectFrom("meetings as m")
    .innerJoin("attendance_cases as c", (j) =>
      j.onRef("c.school_id", "=", "m.school_id").onRef("c.id", "=", "m.case_id"),
    )
    .select(["c.pupil_id", "m.scheduled_for"])
    .where("m.school_id", "=", schoolId)
    .where("m.status", "=", "held");
  let contracts = db
    .selectFrom("contracts as k")
    .innerJoin("attendance_cases as c", (j) =>
      j.onRef("c.school_id", "=", "k.school_id").onRef("c.id", "=", "k.case_id"),
    )
    .select(["c.pupil_id", "k.agreed_on"])
    .where("k.school_id", "=", schoolId);
  if (only) {
    meetings = meetings.where("c.pupil_id", "in", only);
    contracts = contracts.where("c.pupil_id", "in", only);
    leave = leave.where("pupil_id", "in", only);
    contacts = contacts.where("pupil_id", "in", only);
    interventions = interventions.where("c.pupil_id", "in", only);
    letters = letters.where("pupil_id", "in", only);
  }
  const [contactRows, interventionRows, letterRows, leaveRows, meetingRows, contractRows] =
    await Promise.all([
      contacts.orderBy("priority").execute(),
      interventions.orderBy("i.issued_on").execute(),
      letters.orderBy("issued_on").execute(),
      leave.orderBy("from_date").execute(),
      meetings.orderBy("m.scheduled_for").execute(),
      contracts.orderBy("k.agreed_on").execute(),
    ]);
  const histories = new Map<number, PupilHistory>();
  const of = (pupilId: number) => {
    const known = histories.get(pupilId);
    if (known) return known;
    const made: PupilHistory = { parents: [], events: [] };
    histories.set(pupilId, made);
    return made;
  };
  for (const c of contactRows) {
    const facts = {
      name: c.name,
      parentalResponsibility: c.parental_responsibility,
      livesWithPupil: c.lives_with_pupil,
    };
    const parents = of(c.pupil_id).parents;
    if (notAParent(facts) === null && !parents.some((p) => p.personId === c.person_id))
      parents.push({ personId: c.person_id, name: c.name, notices: [] });
  }
  for (const i of interventionRows) {
    const h = of(i.pupil_id);
    if (i.kind === "penalty_notice") {
      h.parents
        .find((p) => p.personId === i.person_id)
        ?.notices.push({ issuedOn: i.issued_on, withdrawn: i.withdrawn, paid: i.paid });
    } else if ((EVENT_KINDS as string[]).includes(i.kind)) {
      h.events.push({ kind: i.kind as HistoryEventKind, on: i.issued_on });
    }
  }
  for (const l of letterRows)
    of(l.pupil_id).events.push({ kind: "letter", letter: l.letter_id, on: l.issued_on });
  for (const m of meetingRows)
    of(m.pupil_id).events.push({
      kind: "meeting_held",
      on: londonToday(new Date(m.scheduled_for)),
    });
  for (const k of contractRows)
    of(k.pupil_id).events.push({ kind: "contract_agreed", on: k.agreed_on });
  for (const l of leaveRows) {
    const h = of(l.pupil_id);
    h.refusedLeave = h.refusedLeave ?? [];
    h.refusedLeave.push({
      from: l.from_date,
      fromSession: l.from_session,
      to: l.to_date,
      toSession: l.to_session,
    });
  }
  return histories;
}
