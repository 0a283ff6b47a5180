import { caseContracts, caseEvents, caseMeetings } from "../../db/repositories/cases.ts";
import { londonToday } from "../../domain/dates.ts";
import { caseEventFor } from "../access/safeguarding.ts";
import type { UseCaseContext } from "../context.ts";
import { allLetterTemplates } from "../letters/letter-templates.ts";
import { displayName } from "../registers/register.ts";
import { caseToWork } from "./case-access.ts";
import { stageName } from "./case-stages.ts";
import { meetingRules } from "./meetings.ts";

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
    allLetterTemplates(db, access.schoolId),
  ]);
  return {
    ...caseRecord,
    pupilName: displayName(pupil),
    stageName: stageName(stored.policy, caseRecord.stageId),
    events: events.map((e) => caseEventFor(access, e)),
    meetings,
    contracts,
    contacts: contacts.map((c) => ({
      id: c.id,
      name: c.name,
      relationship: c.relationship,
      phone: c.phone,
      parentalResponsibility: c.parental_responsibility,
    })),
    meetingLetters: templates
      .filter((t) => t.body.includes("{meeting_date}"))
      .map((t) => ({ letterId: t.letterId, title: t.title }))
      .sort((a, b) => a.title.localeCompare(b.title)),
    stages: stored.policy.stages.map((s) => ({ id: s.id, name: stageName(stored.policy, s.id) })),
    meetingRules: meetingRules(stored.policy, londonToday(ctx.clock())),
  };
}
