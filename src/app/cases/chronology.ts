import type { Kysely } from "kysely";
import { caseEvents } from "../../db/repositories/cases.ts";
import { loadYearMarks } from "../../db/repositories/marks.ts";
import type { DB } from "../../db/schema.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import { addDays, dayLabel, type IsoDate, londonToday } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { slotRange } from "../../domain/marks.ts";
import {
  formatPercent,
  type PupilStatistics,
  pupilStatistics,
  tallyMarks,
} from "../../domain/statistics.ts";
import { caseEventFor, contactSummaryFor } from "../access/safeguarding.ts";
import { pupilReport } from "../attendance-statistics.ts";
import type { UseCaseContext } from "../context.ts";
import { contactLogOf } from "./contact-log.ts";

export interface ChronologyEntry {
  date: IsoDate;
  kind: string;
  summary: string;
  by: string;
}

export interface MonthOfAttendance {
  month: string;
  possible: number;
  attendance: string;
  authorised: number;
  unauthorised: number;
  late: number;
}

export interface EvidencePack {
  generatedOn: IsoDate;
  school: { name: string; urn: string | null; localAuthority: string | null };
  pupil: { id: number; upn: string; name: string; dateOfBirth: string; group: string | null };
  case: {
    id: number;
    status: string;
    stage: string;
    openedOn: IsoDate;
    closedOn: IsoDate | null;
    outcome: string | null;
    baseline: string;
    reopenedFrom: number | null;
  };
  attendance: {
    yearToDate: PupilStatistics & { percent: string };
    sinceCaseOpened: PupilStatistics & { percent: string };
    byMonth: MonthOfAttendance[];
  };
  supportOffered: { by: string; partner?: string; action: string; agreedOn: IsoDate }[];
  meetings: {
    kind: string;
    invitation: number;
    scheduledFor: Date;
    format: string;
    status: string;
    outcome: string | null;
    agenda: unknown;
  }[];
  contracts: {
    kind: string;
    agreedOn: IsoDate;
    target: number;
    status: string;
    reviews: { reviewedOn: IsoDate; attendance: string; improved: boolean; outcome: string }[];
  }[];
  interventions: {
    kind: string;
    issuedOn: IsoDate;
    reviewOn: IsoDate | null;
    withdrawn: boolean;
  }[];
  chronology: ChronologyEntry[];
}

const withPercent = (s: PupilStatistics) => ({ ...s, percent: formatPercent(s.attendanceRate) });

/**
 * Everything a local authority asks for with a penalty-notice or legal referral, for one case:
 * attendance month by month, the support offered, meetings, contracts and reviews, notices and
 * referrals, every contact, as a dated chronology showing the support-first approach.
 */
export async function evidencePack(ctx: UseCaseContext, caseId: number): Promise<EvidencePack> {
  const { db, access } = ctx;
  const today = londonToday(ctx.clock());
  access.require("pupils.view_all");
  const row = await db
    .selectFrom("attendance_cases as c")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "c.school_id").onRef("p.id", "=", "c.pupil_id"),
    )
    .leftJoin("registration_groups as g", (j) =>
      j.onRef("g.school_id", "=", "p.school_id").onRef("g.id", "=", "p.registration_group_id"),
    )
    .innerJoin("schools as s", "s.id", "c.school_id")
    .leftJoin("local_authorities as la", "la.code", "s.la_code")
    .select([
      "c.id",
      "c.status",
      "c.stage_id",
      "c.opened_on",
      "c.closed_on",
      "c.outcome",
      "c.baseline_attended",
      "c.baseline_possible",
      "c.reopened_from",
      "p.id as pupil_id",
      "p.upn",
      "p.legal_forename",
      "p.legal_surname",
      "p.date_of_birth",
      "g.name as group",
      "s.name as school",
      "s.urn",
      "la.name as la",
    ])
    .where("c.school_id", "=", access.schoolId)
    .where("c.id", "=", caseId)
    .executeTakeFirst();
  if (!row) throw new RollbookError("not_found", `No case ${caseId} in this school`);
  access.audit.subject(row.pupil_id);
  const caseIds = [row.id, ...(row.reopened_from ? [row.reopened_from] : [])];
  const until = row.closed_on ?? today;
  const yearStart = academicYearBounds(academicYearOf(today)).from;
  const [events, contacts, meetings, contracts, reviews, interventions, yearToDate, sinceOpened] =
    await Promise.all([
      Promise.all(caseIds.map((id) => caseEvents(db, access.schoolId, id))).then((lists) =>
        lists.flat(),
      ),
      contactLogOf(db, access.schoolId, row.pupil_id),
      db
        .selectFrom("meetings")
        .selectAll()
        .where("school_id", "=", access.schoolId)
        .where("case_id", "in", caseIds)
        .orderBy("scheduled_for")
        .execute(),
      db
        .selectFrom("contracts")
        .selectAll()
        .where("school_id", "=", access.schoolId)
        .where("case_id", "in", caseIds)
        .orderBy("agreed_on")
        .execute(),
      db
        .selectFrom("contract_reviews as r")
        .innerJoin("contracts as k", (j) =>
          j.onRef("k.school_id", "=", "r.school_id").onRef("k.id", "=", "r.contract_id"),
        )
        .selectAll("r")
        .where("r.school_id", "=", access.schoolId)
        .where("k.case_id", "in", caseIds)
        .orderBy("r.reviewed_on")
        .execute(),
      db
        .selectFrom("interventions")
        .selectAll()
        .where("school_id", "=", access.schoolId)
        .where("case_id", "in", caseIds)
        .orderBy("issued_on")
        .execute(),
      pupilReport(db, access.schoolId, row.pupil_id, { from: yearStart, to: until }),
      pupilReport(db, access.schoolId, row.pupil_id, { from: row.opened_on, to: until }),
    ]);
  const chronology: ChronologyEntry[] = [
    ...events
      .map((e) => caseEventFor(access, e))
      .map((e) => ({
        date: e.happened_on,
        kind: e.kind,
        summary: e.summary,
        by: e.recorded_by,
      })),
    ...contacts.map((c) => ({
      date: c.happenedAt.toISOString().slice(0, 10),
      kind: c.corrects ? "contact_correction" : "contact",
      summary: contactSummaryFor(access, c),
      by: c.recordedBy,
    })),
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return {
    generatedOn: today,
    school: { name: row.school, urn: row.urn, localAuthority: row.la },
    pupil: {
      id: row.pupil_id,
      upn: row.upn,
      name: `${row.legal_forename} ${row.legal_surname}`,
      dateOfBirth: row.date_of_birth,
      group: row.group,
    },
    case: {
      id: row.id,
      status: row.status,
      stage: row.stage_id,
      openedOn: row.opened_on,
      closedOn: row.closed_on,
      outcome: row.outcome,
      baseline: formatPercent({
        numerator: row.baseline_attended,
        denominator: row.baseline_possible,
      }),
      reopenedFrom: row.reopened_from,
    },
    attendance: {
      yearToDate: withPercent(yearToDate.statistics),
      sinceCaseOpened: withPercent(sinceOpened.statistics),
      byMonth: await attendanceByMonth(db, access.schoolId, row.pupil_id, yearStart, until),
    },
    supportOffered: contracts.flatMap((k) =>
      (k.support as { by: string; partner?: string; action: string }[]).map((s) => ({
        ...s,
        agreedOn: k.agreed_on,
      })),
    ),
    meetings: meetings.map((m) => ({
      kind: m.kind,
      invitation: m.invitation,
      scheduledFor: m.scheduled_for,
      format: m.format,
      status: m.status,
      outcome: m.outcome,
      agenda: m.agenda,
    })),
    contracts: contracts.map((k) => ({
      kind: k.kind,
      agreedOn: k.agreed_on,
      target: Number(k.target_percent),
      status: k.status,
      reviews: reviews
        .filter((r) => r.contract_id === k.id)
        .map((r) => ({
          reviewedOn: r.reviewed_on,
          attendance: formatPercent({ numerator: r.attended, denominator: r.possible }),
          improved: r.improved,
          outcome: r.outcome,
        })),
    })),
    interventions: interventions.map((i) => ({
      kind: i.kind,
      issuedOn: i.issued_on,
      reviewOn: i.review_on,
      withdrawn: i.withdrawn,
    })),
    chronology,
  };
}

/** The pupil's attendance month by month from `from` (1 August) to `to`, read once from the compact year. */
async function attendanceByMonth(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  from: IsoDate,
  to: IsoDate,
): Promise<MonthOfAttendance[]> {
  const startYear = academicYearOf(from);
  const marks = (await loadYearMarks(db, schoolId, startYear, [pupilId])).get(pupilId);
  if (!marks) return [];
  const months: MonthOfAttendance[] = [];
  for (let start = `${from.slice(0, 7)}-01`; start <= to; ) {
    const [y, m] = [Number(start.slice(0, 4)), Number(start.slice(5, 7))];
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
    const end = addDays(next, -1);
    const [lo, hi] = slotRange(startYear, start, end < to ? end : to);
    const s = pupilStatistics(tallyMarks(marks, lo, hi));
    if (s.possible > 0) {
      months.push({
        month: dayLabel(start).replace(/^1 /, ""),
        possible: s.possible,
        attendance: formatPercent(s.attendanceRate),
        authorised: s.authorised,
        unauthorised: s.unauthorised,
        late: s.late,
      });
    }
    start = next;
  }
  return months;
}
