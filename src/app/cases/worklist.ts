import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { currentPolicy } from "../../db/repositories/policies.ts";
import type { DB } from "../../db/schema.ts";
import { addDays, dayLabel, type IsoDate, londonToday } from "../../domain/dates.ts";
import { letterName } from "../../domain/letters/templates.ts";
import { cadenceDue, cadenceName } from "../../domain/policy/cadence.ts";
import { reviewDueDate } from "../../domain/policy/review.ts";
import type { Action, Stage } from "../../domain/policy/types.ts";
import type { UseCaseContext } from "../context.ts";
import { loadEvaluationData } from "../policy/evaluation-data.ts";
import { displayName } from "../registers/register.ts";

export type WorkKind =
  | "decide_proposal"
  | "send_letter"
  | "case_review"
  | "contract_review"
  | "notice_to_improve_review"
  | "hold_meeting"
  | "send_invitation"
  | "record_meeting"
  | "second_invitation"
  | "professionals_meeting"
  | "stage_contact"
  | "stage_review";

export interface WorkItem {
  kind: WorkKind;
  due: IsoDate;
  overdue: boolean;
  pupilId: number;
  pupil: string;
  caseId: number | null;
  ownerUserId: number | null;
  summary: string;
}

export interface WorklistRequest {
  range: "today" | "week";
  /** Only work on cases the caller ("me") or this person owns (and unowned work), or everyone's. */
  owner: "me" | "all" | number;
  /**
   * Each waiting proposal as a "decide" item too (the default). My actions lists proposals on
   * their own, paged, so it asks without: 2,000 items it would only filter out.
   */
  decisions?: boolean | undefined;
}

/**
 * What is due today or this week: proposals to decide, letters to send, reviews (case, contract,
 * notice to improve), meetings to hold or record, and the follow-ups a missed meeting calls for.
 * Anything due before today is overdue.
 */
export async function worklist(ctx: UseCaseContext, asked: WorklistRequest): Promise<WorkItem[]> {
  const { db, access } = ctx;
  access.require("office.view");
  const request = {
    today: londonToday(ctx.clock()),
    range: asked.range,
    ownerUserId:
      asked.owner === "all" ? undefined : asked.owner === "me" ? access.actor.userId : asked.owner,
  };
  const { schoolId } = access;
  const until = request.range === "today" ? request.today : addDays(request.today, 7 - 1);
  const items: WorkItem[] = [];
  const cases = await db
    .selectFrom("attendance_cases as c")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "c.school_id").onRef("p.id", "=", "c.pupil_id"),
    )
    .select([
      "c.id",
      "c.pupil_id",
      "c.owner_user_id",
      "c.stage_id",
      "c.stage_started_on",
      "c.baseline_attended",
      "c.baseline_possible",
      "c.next_review_on",
      "c.last_review_on",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
      "p.preferred_surname",
    ])
    .where("c.school_id", "=", schoolId)
    .where("c.status", "=", "open")
    .execute();
  const byCase = new Map(cases.map((c) => [c.id, c]));
  const push = (item: Omit<WorkItem, "overdue">) => {
    if (item.due > until) return;
    if (
      request.ownerUserId !== undefined &&
      item.ownerUserId !== null &&
      item.ownerUserId !== request.ownerUserId
    )
      return;
    items.push({ ...item, overdue: item.due < request.today });
  };
  const forCase = (caseId: number) => {
    const c = byCase.get(caseId);
    return c
      ? { caseId, pupilId: c.pupil_id, pupil: displayName(c), ownerUserId: c.owner_user_id }
      : null;
  };

  const stored = await currentPolicy(db, schoolId);
  const computed = cases.filter((c) => !c.next_review_on);
  if (stored && computed.length > 0) {
    const { index, pupils } = await loadEvaluationData(
      db,
      schoolId,
      request.today,
      request.today,
      computed.map((c) => c.pupil_id),
    );
    const codes = new Map(pupils.map((p) => [p.id, p.codes]));
    for (const c of computed) {
      const stage = stored.policy.stages.find((s) => s.id === c.stage_id);
      const pupilCodes = codes.get(c.pupil_id);
      if (!stage || !pupilCodes) continue;
      const due = reviewDueDate(
        stage,
        c.stage_started_on,
        { numerator: c.baseline_attended, denominator: c.baseline_possible },
        index,
        pupilCodes,
        request.today,
      );
      if (due)
        push({
          kind: "case_review",
          due,
          ...(forCase(c.id) as NonNullable<ReturnType<typeof forCase>>),
          summary: `Review ${stage.name} (started ${dayLabel(c.stage_started_on)})`,
        });
    }
  }
  for (const c of cases) {
    if (c.next_review_on)
      push({
        kind: "case_review",
        due: c.next_review_on,
        ...(forCase(c.id) as NonNullable<ReturnType<typeof forCase>>),
        summary: `Review the case at ${c.stage_id.replaceAll("_", " ")}`,
      });
  }

  if (stored)
    await pushCadence(db, schoolId, stored.policy.stages, cases, (c, item) => {
      const who = forCase(c);
      if (who) push({ ...item, ...who });
    });

  const caseIds = cases.map((c) => c.id);
  if (caseIds.length > 0) {
    const [contracts, notices, meetings, invitationsSent] = await Promise.all([
      db
        .selectFrom("contracts")
        .select(["id", "case_id", "review_on", "kind"])
        .where("school_id", "=", schoolId)
        .where("case_id", "in", caseIds)
        .where("status", "in", ["active", "termination_warning"])
        .execute(),
      db
        .selectFrom("interventions")
        .select(["id", "case_id", "kind", "issued_on", "review_on"])
        .where("school_id", "=", schoolId)
        .where("case_id", "in", caseIds)
        .execute(),
      db
        .selectFrom("meetings")
        .select(["id", "case_id", "kind", "invitation", "status", "scheduled_for", "invited_on"])
        .where("school_id", "=", schoolId)
        .where("case_id", "in", caseIds)
        .orderBy("invitation")
        .execute(),
      db
        .selectFrom("letters")
        .select("meeting_id")
        .distinct()
        .where("school_id", "=", schoolId)
        .where("case_id", "in", caseIds)
        .where("meeting_id", "is not", null)
        .execute(),
    ]);
    const invited = new Set(invitationsSent.map((l) => l.meeting_id));
    for (const k of contracts) {
      const who = forCase(k.case_id);
      if (who && !cases.find((c) => c.id === k.case_id && c.next_review_on === k.review_on))
        push({
          kind: "contract_review",
          due: k.review_on,
          ...who,
          summary: `Review the ${k.kind.replaceAll("_", " ")}`,
        });
    }
    for (const n of notices.filter((i) => i.kind === "notice_to_improve" && i.review_on)) {
      const later = notices.some(
        (i) =>
          i.case_id === n.case_id &&
          i.issued_on >= (n.review_on as string) &&
          i.kind !== "notice_to_improve",
      );
      const who = forCase(n.case_id);
      if (who && !later)
        push({
          kind: "notice_to_improve_review",
          due: n.review_on as string,
          ...who,
          summary: `Review the notice to improve issued ${dayLabel(n.issued_on)}`,
        });
    }
    for (const m of meetings) {
      const who = forCase(m.case_id);
      if (!who) continue;
      const day = londonToday(m.scheduled_for);
      const kind = m.kind.replaceAll("_", " ");
      // The family is told of a meeting by letter: until one is written for it, it is due.
      if (m.status === "invited" && m.kind !== "professionals_meeting" && !invited.has(m.id)) {
        push({
          kind: "send_invitation",
          due: m.invited_on,
          ...who,
          summary: `Send the invitation to the ${kind} on ${dayLabel(day)}`,
        });
      }
      if (m.status === "invited") {
        push(
          day < request.today
            ? {
                kind: "record_meeting",
                due: day,
                ...who,
                summary: `Record how the ${kind} on ${dayLabel(day)} went`,
              }
            : {
                kind: "hold_meeting",
                due: day,
                ...who,
                summary: `Hold the ${kind} (invitation ${m.invitation})`,
              },
        );
      }
      if (
        m.status === "failed_to_attend" &&
        !meetings.some(
          (o) => o.case_id === m.case_id && o.kind === m.kind && o.invitation > m.invitation,
        )
      ) {
        const professionals = meetings.some(
          (o) => o.case_id === m.case_id && o.kind === "professionals_meeting",
        );
        if (m.kind !== "professionals_meeting" && m.invitation >= 2 && !professionals) {
          push({
            kind: "professionals_meeting",
            due: day,
            ...who,
            summary: `The family missed two ${kind}s: hold a professionals' meeting`,
          });
        } else if (m.kind !== "professionals_meeting" && m.invitation === 1) {
          push({
            kind: "second_invitation",
            due: day,
            ...who,
            summary: `The family missed the ${kind} on ${dayLabel(day)}: send a second invitation`,
          });
        }
      }
    }
  }

  const proposals = await db
    .selectFrom("proposed_actions as a")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "a.school_id").onRef("p.id", "=", "a.pupil_id"),
    )
    .select([
      "a.id",
      "a.pupil_id",
      "a.status",
      "a.trigger_name",
      "a.actions",
      "a.proposed_on",
      "a.decided_at",
      "a.case_id",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
      "p.preferred_surname",
    ])
    .where("a.school_id", "=", schoolId)
    .where((eb) =>
      asked.decisions === false
        ? eb("a.status", "=", "accepted")
        : eb.or([eb("a.status", "=", "proposed"), eb("a.status", "=", "accepted")]),
    )
    .execute();
  const sent = new Set(
    (
      await db
        .selectFrom("letters")
        .select(["proposal_id", "letter_id"])
        .where("school_id", "=", schoolId)
        .where("proposal_id", "is not", null)
        .execute()
    ).map((l) => `${l.proposal_id}|${l.letter_id}`),
  );
  for (const p of proposals) {
    const base = {
      pupilId: p.pupil_id,
      pupil: displayName(p),
      caseId: p.case_id,
      ownerUserId: p.case_id ? (byCase.get(p.case_id)?.owner_user_id ?? null) : null,
    };
    if (p.status === "proposed") {
      push({
        kind: "decide_proposal",
        due: p.proposed_on,
        ...base,
        summary: `Decide: ${p.trigger_name}`,
      });
      continue;
    }
    for (const action of p.actions as Action[]) {
      if (action.type !== "letter" || sent.has(`${p.id}|${action.letter}`)) continue;
      push({
        kind: "send_letter",
        due: (p.decided_at ?? new Date()).toISOString().slice(0, 10),
        ...base,
        summary: `Send ${letterName(action.letter)} (${p.trigger_name})`,
      });
    }
  }
  return items.sort((a, b) =>
    a.due < b.due ? -1 : a.due > b.due ? 1 : a.pupil.localeCompare(b.pupil),
  );
}

/** The weekly or fortnightly contact and reviews the stages ask for, from the last one logged. */
async function pushCadence(
  db: Kysely<DB>,
  schoolId: number,
  stages: Stage[],
  cases: {
    id: number;
    pupil_id: number;
    stage_id: string;
    stage_started_on: IsoDate;
    last_review_on: IsoDate | null;
  }[],
  push: (caseId: number, item: Pick<WorkItem, "kind" | "due" | "summary">) => void,
): Promise<void> {
  const withCadence = cases.filter((c) => stages.find((s) => s.id === c.stage_id)?.cadence?.length);
  if (withCadence.length === 0) return;
  const contacts = await db
    .selectFrom("contact_log")
    .select(["pupil_id", (eb) => eb.fn.max("happened_at").as("last")])
    .where("school_id", "=", schoolId)
    .where(
      "pupil_id",
      "in",
      withCadence.map((c) => c.pupil_id),
    )
    .groupBy("pupil_id")
    .execute();
  const lastContact = new Map(contacts.map((r) => [r.pupil_id, londonToday(new Date(r.last))]));
  const calendar = await loadCalendar(db, schoolId);
  for (const c of withCadence) {
    const stage = stages.find((s) => s.id === c.stage_id) as Stage;
    const lastDone = { contact: lastContact.get(c.pupil_id) ?? null, review: c.last_review_on };
    for (const due of cadenceDue(stage, c.stage_started_on, lastDone, calendar)) {
      push(c.id, {
        kind: due.what === "contact" ? "stage_contact" : "stage_review",
        due: due.due,
        summary: `${cadenceName(due)} (${stage.status ?? stage.name}${due.lastDone ? `; last ${dayLabel(due.lastDone)}` : ""})`,
      });
    }
  }
}
