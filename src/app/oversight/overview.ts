import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { type GroupStatistics, sumGroups } from "../../domain/statistics.ts";
import { type Actor, visibleSchoolIds } from "../access/access.ts";
import { pupilReport } from "../attendance-statistics.ts";
import type { AccessRecorder } from "../audit/access-record.ts";
import { displayName } from "../registers/register.ts";
import { type FlaggedPupil, type Freshness, storedSnapshots } from "./snapshots.ts";

export interface Scope {
  trustId?: number | undefined;
  laCode?: string | undefined;
}

const OVERSIGHT_ROLES = new Set(["trust_officer", "la_officer", "admin"]);

/**
 * The schools an overview covers: those the user may see, narrowed to one trust or one local
 * authority when asked. Only trust, LA and administrator accounts have overviews; asking for a
 * trust or LA that is not yours is refused rather than answered empty.
 */
export async function schoolsInScope(
  db: Kysely<DB>,
  actor: Actor,
  scope: Scope,
): Promise<number[]> {
  if (!actor.grants.some((g) => OVERSIGHT_ROLES.has(g.role)))
    throw new RollbookError(
      "forbidden",
      "Overviews are for trust, local-authority and administrator accounts",
    );
  const admin = actor.grants.some((g) => g.role === "admin");
  if (
    scope.trustId !== undefined &&
    !admin &&
    !actor.grants.some((g) => g.trustId === scope.trustId)
  )
    throw new RollbookError("forbidden", `You do not oversee trust ${scope.trustId}`);
  if (scope.laCode !== undefined && !admin && !actor.grants.some((g) => g.laCode === scope.laCode))
    throw new RollbookError("forbidden", `You do not oversee local authority ${scope.laCode}`);
  const visible = await visibleSchoolIds(db, actor);
  if (visible.length === 0) return [];
  let query = db.selectFrom("schools").select("id").where("id", "in", visible);
  if (scope.trustId !== undefined) query = query.where("trust_id", "=", scope.trustId);
  if (scope.laCode !== undefined) query = query.where("la_code", "=", scope.laCode);
  return (await query.orderBy("id").execute()).map((s) => s.id);
}

export interface SchoolRow {
  schoolId: number;
  name: string;
  phase: string;
  trust: string | null;
  localAuthority: string | null;
  statistics: GroupStatistics;
  openCases: number;
  computedAt: Date;
  /** Stale: marks written since `computedAt`, recounted by the scheduler shortly. */
  freshness: Freshness;
  staleSince: Date | null;
}

/** Every school side by side, with the total summed from their counts (as last counted). */
export async function overview(
  db: Kysely<DB>,
  schoolIds: number[],
  today: IsoDate,
): Promise<{ schools: SchoolRow[]; total: GroupStatistics }> {
  if (schoolIds.length === 0) return { schools: [], total: sumGroups([]) };
  const [schools, cases, snapshots] = await Promise.all([
    db
      .selectFrom("schools as s")
      .leftJoin("trusts as t", "t.id", "s.trust_id")
      .leftJoin("local_authorities as la", "la.code", "s.la_code")
      .select(["s.id", "s.name", "s.phase", "t.name as trust", "la.name as localAuthority"])
      .where("s.id", "in", schoolIds)
      .execute(),
    db
      .selectFrom("attendance_cases")
      .select(["school_id", db.fn.countAll<number>().as("open")])
      .where("school_id", "in", schoolIds)
      .where("status", "=", "open")
      .groupBy("school_id")
      .execute(),
    storedSnapshots(db, schoolIds, today),
  ]);
  const openCases = new Map(cases.map((c) => [c.school_id, Number(c.open)]));
  const bySchool = new Map(snapshots.map((s) => [s.schoolId, s]));
  const rows = schools.map((s) => {
    const snapshot = bySchool.get(s.id);
    if (!snapshot) throw new Error(`no snapshot for school ${s.id}`);
    return {
      schoolId: s.id,
      name: s.name,
      phase: s.phase,
      trust: s.trust,
      localAuthority: s.localAuthority,
      statistics: snapshot.overall,
      openCases: openCases.get(s.id) ?? 0,
      computedAt: snapshot.computedAt,
      freshness: snapshot.freshness,
      staleSince: snapshot.staleSince,
    };
  });
  rows.sort((a, b) => a.name.localeCompare(b.name));
  return { schools: rows, total: sumGroups(rows.map((r) => r.statistics)) };
}

export type Concern = "severely_absent" | "persistently_absent" | "at_risk";

/**
 * The LA's termly conversation with each school: pupils severely or persistently absent this
 * year, and those at risk of becoming so (attendance below `atRiskBelow`, the LA's own line).
 */
export async function conversationList(
  db: Kysely<DB>,
  schoolIds: number[],
  today: IsoDate,
  atRiskBelow: number,
  audit: AccessRecorder,
) {
  const snapshots = await storedSnapshots(db, schoolIds, today);
  const names = new Map(
    (schoolIds.length === 0
      ? []
      : await db.selectFrom("schools").select(["id", "name"]).where("id", "in", schoolIds).execute()
    ).map((s) => [s.id, s.name]),
  );
  const concernOf = (p: FlaggedPupil): Concern | null =>
    p.severelyAbsent
      ? "severely_absent"
      : p.persistentlyAbsent
        ? "persistently_absent"
        : p.absence * 100 > (100 - atRiskBelow) * p.possible
          ? "at_risk"
          : null;
  const order: Record<Concern, number> = { severely_absent: 0, persistently_absent: 1, at_risk: 2 };
  return snapshots.map((s) => {
    const pupils = s.flaggedPupils
      .map((p) => ({ ...p, concern: concernOf(p) }))
      .filter((p): p is FlaggedPupil & { concern: Concern } => p.concern !== null)
      .sort(
        (a, b) =>
          order[a.concern] - order[b.concern] || b.absence * a.possible - a.absence * b.possible,
      );
    // Named pupils shown to someone outside the school: the school's access log says which.
    audit.listed(
      s.schoolId,
      pupils.map((p) => p.pupilId),
    );
    return {
      schoolId: s.schoolId,
      school: names.get(s.schoolId) ?? "",
      computedAt: s.computedAt,
      freshness: s.freshness,
      staleSince: s.staleSince,
      counts: {
        severelyAbsent: pupils.filter((p) => p.concern === "severely_absent").length,
        persistentlyAbsent: pupils.filter((p) => p.concern === "persistently_absent").length,
        atRisk: pupils.filter((p) => p.concern === "at_risk").length,
      },
      pupils,
    };
  });
}

/**
 * One pupil across the schools of a trust (matched by UPN): each enrolment with its own year to
 * date, counted separately as DfE counts enrolments, and the sessions of all of them together.
 */
export async function pupilAcrossSchools(
  db: Kysely<DB>,
  schoolIds: number[],
  upn: string,
  today: IsoDate,
  audit: AccessRecorder,
) {
  const enrolments =
    schoolIds.length === 0
      ? []
      : await db
          .selectFrom("pupils as p")
          .innerJoin("schools as s", "s.id", "p.school_id")
          .selectAll("p")
          .select("s.name as school")
          .where("p.school_id", "in", schoolIds)
          .where("p.upn", "=", upn.toUpperCase())
          .orderBy("p.admission_date")
          .execute();
  if (enrolments.length === 0)
    throw new RollbookError("not_found", `No pupil with UPN ${upn} in the schools you oversee`);
  for (const e of enrolments) audit.listed(e.school_id, [e.id]);
  const yearStart = academicYearBounds(academicYearOf(today)).from;
  const reports = await Promise.all(
    enrolments.map(async (e) => ({
      schoolId: e.school_id,
      school: e.school,
      pupilId: e.id,
      name: displayName(e),
      admissionDate: e.admission_date,
      leavingDate: e.leaving_date,
      ...(await pupilReport(db, e.school_id, e.id, { from: yearStart, to: today })),
    })),
  );
  // Each enrolment counts once in PA and SA, as DfE counts them; the sessions add up.
  const together = sumGroups(
    reports.map(({ statistics: s }) => ({
      ...s,
      enrolments: s.possible > 0 ? 1 : 0,
      persistentAbsentees: s.persistentlyAbsent ? 1 : 0,
      severeAbsentees: s.severelyAbsent ? 1 : 0,
      persistentAbsenceRate: { numerator: 0, denominator: 0 },
      severeAbsenceRate: { numerator: 0, denominator: 0 },
    })),
  );
  return { upn: upn.toUpperCase(), enrolments: reports, together };
}
