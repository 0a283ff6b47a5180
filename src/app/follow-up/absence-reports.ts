import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { findMarks, markKey, recordMarks } from "../../db/repositories/marks.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionName } from "../../domain/calendar.ts";
import { codeOn, normaliseSymbol } from "../../domain/codes.ts";
import { earlierDate, type IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { suggestCode } from "../../domain/follow-up/escalation.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { insertPlannedAbsence, PLANNABLE_CODES } from "../registers/planned-absences.ts";
import { momentOf, PUPIL_NAME_COLUMNS, withPupilName } from "../registers/register.ts";

export interface NewAbsenceReport {
  pupilId: number;
  fromDate: IsoDate;
  fromSession: SessionName;
  toDate: IsoDate;
  toSession: SessionName;
  reason: string;
  source: "email" | "sms" | "portal" | "phone";
  reportedBy: string;
}

/** A reason from a parent (email or text reply, the portal, a call) waiting for the office to accept it. */
export async function reportAbsence(
  db: Kysely<DB>,
  schoolId: number,
  report: NewAbsenceReport,
  receivedAt: Date,
): Promise<number> {
  if (!report.reason.trim())
    throw new RollbookError("invalid_input", "Say why the pupil is or was absent");
  if (`${report.toDate}${report.toSession}` < `${report.fromDate}${report.fromSession}`)
    throw new RollbookError("invalid_input", "The absence must end after it starts");
  const { id } = await db
    .insertInto("absence_reports")
    .values({
      school_id: schoolId,
      pupil_id: report.pupilId,
      from_date: report.fromDate,
      from_session: report.fromSession,
      to_date: report.toDate,
      to_session: report.toSession,
      reason: report.reason.trim(),
      suggested_code: suggestCode(report.reason),
      source: report.source,
      reported_by: report.reportedBy,
      received_at: receivedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * An absence reported through Rollbook: by a parent for their own child (the portal), or by the
 * office on a family's behalf (a phone call). Only the office may report a day already past;
 * read-only roles and teachers file nothing that would become an amendment under their name.
 */
export async function fileAbsenceReport(
  ctx: UseCaseContext,
  report: Omit<NewAbsenceReport, "source" | "reportedBy">,
): Promise<number> {
  const { access } = ctx;
  const receivedAt = ctx.clock();
  await visiblePupil(ctx.db, access, report.pupilId);
  access.requireForPupil("absence_reports.record", report.pupilId);
  const forFamily = !access.isParentOf(report.pupilId);
  if (report.fromDate < momentOf(receivedAt).date && !access.can("absence_reports.record"))
    throw new RollbookError(
      "invalid_input",
      "Absences can be reported for today or later; for earlier days please contact the school",
    );
  return inTransaction(ctx, "file absence report", (tx) =>
    reportAbsence(
      tx,
      access.schoolId,
      { ...report, source: forFamily ? "phone" : "portal", reportedBy: access.signature() },
      receivedAt,
    ),
  );
}

/**
 * A parent's text or email reply: found by the phone number or address it came from, it becomes a
 * pending report for today for each of that contact's children at the school.
 */
export async function receiveReply(
  db: Kysely<DB>,
  schoolId: number,
  reply: { from: string; text: string; channel: "email" | "sms" },
  today: IsoDate,
  now: Date,
): Promise<number[]> {
  const from = reply.from.trim().toLowerCase();
  const digits = from.replace(/\D/g, "").replace(/^44/, "0");
  const contacts = await db
    .selectFrom("contacts")
    .select(["pupil_id", "name", "phone", "email"])
    .where("school_id", "=", schoolId)
    .execute();
  const matching = contacts.filter((c) =>
    reply.channel === "email"
      ? c.email?.toLowerCase() === from
      : c.phone !== null &&
        c.phone.replace(/\D/g, "").replace(/^44/, "0") === digits &&
        digits.length >= 10,
  );
  if (matching.length === 0)
    throw new RollbookError(
      "not_found",
      `No contact of this school has ${reply.channel === "email" ? "the address" : "the number"} ${reply.from}`,
    );
  const ids: number[] = [];
  for (const contact of matching) {
    ids.push(
      await reportAbsence(
        db,
        schoolId,
        {
          pupilId: contact.pupil_id,
          fromDate: today,
          fromSession: "AM",
          toDate: today,
          toSession: "PM",
          reason: reply.text,
          source: reply.channel,
          reportedBy: `${contact.name} (${reply.channel} reply)`,
        },
        now,
      ),
    );
  }
  return ids;
}

/**
 * The office accepts a report with the code it decides: sessions up to today that are still N or
 * unmarked are amended with the reason in their history; later sessions become a planned absence.
 */
export async function acceptAbsenceReport(
  ctx: UseCaseContext,
  decision: { reportId: number; code: string },
): Promise<{ amended: number; planned: number | null }> {
  const { db, access } = ctx;
  const at = ctx.clock();
  const today = momentOf(at).date;
  access.require("absence_reports.decide");
  const report = await db
    .selectFrom("absence_reports")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("id", "=", decision.reportId)
    .executeTakeFirst();
  if (!report) throw new RollbookError("not_found", `No absence report ${decision.reportId}`);
  access.audit.subject(report.pupil_id);
  if (report.status !== "pending")
    throw new RollbookError(
      "conflict",
      `Report ${report.id} was already ${report.status} by ${report.decided_by}`,
    );
  const code = normaliseSymbol(decision.code, "AM");
  codeOn(code, report.from_date);
  const calendar = await loadCalendar(db, access.schoolId);
  const sessions: { date: IsoDate; session: SessionName }[] = [];
  for (const date of calendar.schoolDays(report.from_date, earlierDate(report.to_date, today))) {
    for (const session of calendar.sessionsOn(date)) {
      const key = `${date}${session}`;
      if (
        key >= `${report.from_date}${report.from_session}` &&
        key <= `${report.to_date}${report.to_session}`
      )
        sessions.push({ date, session });
    }
  }
  const reason = `${report.source === "portal" ? "Reported in the parent portal" : `Reported by ${report.source}`} by ${report.reported_by}: ${report.reason}`;
  // The amendments, the decision and any planned absence stand or fall together, with their log row.
  return inTransaction(ctx, "accept absence report", async (tx) => {
    const existing = await findMarks(
      tx,
      access.schoolId,
      sessions.map((s) => ({ pupilId: report.pupil_id, ...s })),
    );
    const toAmend = sessions
      .filter((s) => {
        const mark = existing.get(markKey({ pupilId: report.pupil_id, ...s }));
        return !mark || mark.code === "N";
      })
      .map((s) => ({
        pupilId: report.pupil_id,
        ...s,
        code: normaliseSymbol(code, s.session),
        minutesLate: null,
      }));
    const recorded = await recordMarks(tx, access.schoolId, toAmend, {
      by: access.signature(),
      at,
      source: "amendment",
      reason,
      userId: access.accountId,
    });
    await tx
      .updateTable("absence_reports")
      .set({
        status: "accepted",
        decided_by: access.signature(),
        decided_at: at,
        decision: `Recorded as ${code}`,
      })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", report.id)
      .execute();
    let planned: number | null = null;
    if (report.to_date > today && PLANNABLE_CODES.includes(code)) {
      const start =
        report.from_date > today
          ? { date: report.from_date, session: report.from_session }
          : { date: calendar.schoolDayAfter(today, 1) ?? report.to_date, session: "AM" as const };
      planned = await insertPlannedAbsence(
        tx,
        access.schoolId,
        {
          pupilId: report.pupil_id,
          startDate: start.date,
          startSession: start.session,
          endDate: report.to_date,
          endSession: report.to_session,
          code,
          reason,
        },
        access.signature(),
      );
    }
    return { amended: recorded.created + recorded.amended, planned };
  });
}

export async function rejectAbsenceReport(
  ctx: UseCaseContext,
  decision: { reportId: number; reason: string },
): Promise<void> {
  const { access } = ctx;
  const { reportId } = decision;
  const why = decision.reason.trim();
  access.require("absence_reports.decide");
  if (!why) throw new RollbookError("invalid_input", "Say why the reason is not accepted");
  await inTransaction(ctx, "reject absence report", async (tx) => {
    const rejected = await tx
      .updateTable("absence_reports")
      .set({
        status: "rejected",
        decided_by: access.signature(),
        decided_at: ctx.clock(),
        decision: why,
      })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", reportId)
      .where("status", "=", "pending")
      .returning("pupil_id")
      .executeTakeFirst();
    if (!rejected) throw new RollbookError("not_found", `No pending absence report ${reportId}`);
    access.audit.subject(rejected.pupil_id);
  });
}

export type AbsenceReportStatus = "pending" | "accepted" | "rejected";

/** The reasons families have sent, for the office: each with the pupil's name, never a number. */
export async function listAbsenceReports(
  ctx: UseCaseContext,
  filter: { status: AbsenceReportStatus },
) {
  const { db, access } = ctx;
  access.require("office.view");
  const rows = await db
    .selectFrom("absence_reports as r")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "r.school_id").onRef("p.id", "=", "r.pupil_id"),
    )
    .select([
      "r.id",
      "r.pupil_id",
      "r.from_date",
      "r.from_session",
      "r.to_date",
      "r.to_session",
      "r.reason",
      "r.suggested_code",
      "r.source",
      "r.reported_by",
      "r.received_at",
      "r.status",
      "r.decided_by",
      "r.decided_at",
      "r.decision",
      ...PUPIL_NAME_COLUMNS,
    ])
    .where("r.school_id", "=", access.schoolId)
    .where("r.status", "=", filter.status)
    .orderBy("r.received_at")
    .execute();
  access.audit.listed(
    access.schoolId,
    rows.map((r) => r.pupil_id),
  );
  return rows.map(withPupilName);
}
