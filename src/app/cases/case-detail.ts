import type { Kysely } from "kysely";
import { caseContracts, caseEvents, caseMeetings } from "../../db/repositories/cases.ts";
import type { DB } from "../../db/schema.ts";
import { londonToday } from "../../domain/dates.ts";
import { DEFAULT_LETTERS } from "../../domain/letters/templates.ts";
import { caseEventFor } from "../access/safeguarding.ts";
import type { UseCaseContext } from "../context.ts";
import { displayName } from "../registers/register.ts";
import { caseToWork } from "./case-access.ts";
import { stageName } from "./case-stages.ts";
import type { ContractTarget, SupportAction } from "./contracts.ts";
import { type Invitee, meetingRules } from "./meetings.ts";

/**
 * A case with everything its page works from: the chronology, meetings, contracts, the family's
 * contacts (who may be invited and spoken to), the letters that invite to a meeting, the policy's
 * stages and its meeting rules, so the screen can keep to them before it asks.
 */
export async function caseDetail(ctx: UseCaseContext, caseId: number) {
  const { db, access } = ctx;
  const { caseRecord, stored } = await caseToWork(db, access, caseId, { mustBeOpen: false });
  const [events, meetings, contracts, pupil, contacts, templates] = await Promise.all([
    caseEvents(db, access.schoolId, caseRecord.id),
    caseMeetings(db, access.schoolId, caseRecord.id),
    caseContracts(db, access.schoolId, caseRecord.id),
    db
      .selectFrom("pupils")
      .select(["legal_forename", "legal_surname", "preferred_forename", "preferred_surname"])
      .where("school_id", "=", access.schoolId)
      .where("id", "=", caseRecord.pupilId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("contacts")
      .select(["id", "name", "relationship", "phone", "parental_responsibility"])
      .where("school_id", "=", access.schoolId)
      .where("pupil_id", "=", caseRecord.pupilId)
      .orderBy("priority")
      .execute(),
    meetingLetters(db, access.schoolId),
  ]);
  return {
    ...caseRecord,
    pupilName: displayName(pupil),
    stageName: stageName(stored.policy, caseRecord.stageId),
    /** What the stage makes the pupil ("on an attendance plan"). */
    stageStatus: stored.policy.stages.find((s) => s.id === caseRecord.stageId)?.status ?? null,
    events: events.map((e) => caseEventFor(access, e)),
    // The JSON columns hold what the meeting and contract use cases wrote (src/app/cases).
    meetings: meetings.map((m) => ({
      ...m,
      attendees: m.attendees as Invitee[],
      attended: m.attended as Invitee[] | null,
      letter_sent: Boolean(m.letter_sent),
    })),
    contracts: contracts.map((c) => ({
      ...c,
      barriers: c.barriers as string[],
      support: c.support as SupportAction[],
      targets: c.targets as ContractTarget[],
      parent_commitments: c.parent_commitments as string[],
      pupil_commitments: c.pupil_commitments as string[],
      agreed_by: c.agreed_by as { name: string; on: string }[],
    })),
    contacts: contacts.map((c) => ({
      id: c.id,
      name: c.name,
      relationship: c.relationship,
      phone: c.phone,
      parentalResponsibility: c.parental_responsibility,
    })),
    meetingLetters: templates,
    stages: stored.policy.stages.map((s) => ({ id: s.id, name: stageName(stored.policy, s.id) })),
    meetingRules: meetingRules(stored.policy, londonToday(ctx.clock())),
  };
}

/** The letters whose wording invites to a meeting: the school's latest versions over the defaults. */
async function meetingLetters(db: Kysely<DB>, schoolId: number) {
  const saved = await db
    .selectFrom("letter_templates")
    .select(["letter_id", "title", "body"])
    .where("school_id", "=", schoolId)
    .orderBy("version", "desc")
    .execute();
  const latest = new Map<string, { title: string; body: string }>();
  for (const [id, letter] of DEFAULT_LETTERS) latest.set(id, letter);
  const seen = new Set<string>();
  for (const row of saved) {
    if (seen.has(row.letter_id)) continue;
    seen.add(row.letter_id);
    latest.set(row.letter_id, { title: row.title, body: row.body });
  }
  return [...latest]
    .filter(([, letter]) => letter.body.includes("{meeting_date}"))
    .map(([letterId, letter]) => ({ letterId, title: letter.title }))
    .sort((a, b) => a.title.localeCompare(b.title));
}
