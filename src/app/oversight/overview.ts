import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { type GroupStatistics, sumGroups } from "../../domain/statistics.ts";
import { type Actor, visibleSchoolIds } from "../access/access.ts";
import { pupilReport } from "../attendance-statistics.ts";
import type { AccessRecorder } from "../audit/access-record.ts";
import { displayName } from "../registers/register.ts";
import { type Freshness, storedSnapshots } from "./snapshots.ts";

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
 * A pupil's concern at the LA's line, in SQL over the stored flagged pupils: severe first, then
 * persistent, then attendance below `atRiskBelow` (absence * 100 > (100 - line) * possible).
 */
const concernSql = (atRiskBelow: number) =>
  sql<Concern | null>`case when sp.severely_absent then 'severely_absent'
    when sp.persistently_absent then 'persistently_absent'
    when sp.absence * 100 > ${100 - atRiskBelow}::numeric * sp.possible then 'at_risk' end`;

interface ConversationCounts {
  severelyAbsent: number;
  persistentlyAbsent: number;
  atRisk: number;
}

/**
 * The LA's termly conversation with each school: how many pupils are severely or persistently
 * absent this year, and how many at risk of becoming so (attendance below `atRiskBelow`, the LA's
 * own line), counted in the database. Names are sent a school and a page at a time
 * (`conversationPupils`), so this names no pupil.
 */
export async function conversationList(
  db: Kysely<DB>,
  schoolIds: number[],
  today: IsoDate,
  atRiskBelow: number,
) {
  if (schoolIds.length === 0) return [];
  const year = academicYearOf(today);
  const [snapshots, names, counted] = await Promise.all([
    storedSnapshots(db, schoolIds, today, { withFigures: false }),
    db.selectFrom("schools").select(["id", "name"]).where("id", "in", schoolIds).execute(),
    db
      .selectFrom(
        db
          .selectFrom("snapshot_pupils as sp")
          .select(["sp.school_id", concernSql(atRiskBelow).as("concern")])
          .where("sp.school_id", "in", schoolIds)
          .where("sp.academic_year", "=", year)
          .as("c"),
      )
      .select(["c.school_id", "c.concern", db.fn.countAll<string>().as("pupils")])
      .where("c.concern", "is not", null)
      .groupBy(["c.school_id", "c.concern"])
      .execute(),
  ]);
  const name = new Map(names.map((s) => [s.id, s.name]));
  const counts = new Map<number, ConversationCounts>();
  const key = {
    severely_absent: "severelyAbsent",
    persistently_absent: "persistentlyAbsent",
    at_risk: "atRisk",
  } as const;
  for (const c of counted) {
    if (!c.concern) continue;
    const entry = counts.get(c.school_id) ?? {
      severelyAbsent: 0,
      persistentlyAbsent: 0,
      atRisk: 0,
    };
    entry[key[c.concern]] = Number(c.pupils);
    counts.set(c.school_id, entry);
  }
  return snapshots
    .map((s) => ({
      schoolId: s.schoolId,
      school: name.get(s.schoolId) ?? "",
      computedAt: s.computedAt,
      freshness: s.freshness,
      staleSince: s.staleSince,
      counts: counts.get(s.schoolId) ?? { severelyAbsent: 0, persistentlyAbsent: 0, atRisk: 0 },
    }))
    .sort((a, b) => a.school.localeCompare(b.school));
}

/**
 * One page of the pupils to discuss at one school: severely absent first, then persistently, then
 * at risk, each by attendance lowest first (absence / possible compared exactly as fractions of
 * small integers), then by name. Only the pupils sent are recorded in the school's access log.
 */
export async function conversationPupils(
  db: Kysely<DB>,
  schoolId: number,
  today: IsoDate,
  page: { atRiskBelow: number; offset: number; limit: number },
  audit: AccessRecorder,
) {
  const year = academicYearOf(today);
  const concern = concernSql(page.atRiskBelow);
  const [[snapshot], school, rows] = await Promise.all([
    storedSnapshots(db, [schoolId], today, { withFigures: false }),
    db.selectFrom("schools").select("name").where("id", "=", schoolId).executeTakeFirst(),
    db
      .selectFrom("snapshot_pupils as sp")
      .select([
        "sp.pupil_id as pupilId",
        "sp.upn",
        "sp.name",
        "sp.registration_group as group",
        "sp.year_group as yearGroup",
        "sp.possible",
        "sp.absence",
        "sp.unauthorised",
        concern.as("concern"),
        sql<string>`count(*) over ()`.as("total"),
      ])
      .where("sp.school_id", "=", schoolId)
      .where("sp.academic_year", "=", year)
      .where(concern, "is not", null)
      .orderBy(
        sql`case when sp.severely_absent then 0 when sp.persistently_absent then 1 else 2 end`,
      )
      // a/b > c/d exactly is a*d > c*b; the SQL sorts on it as a numeric quotient, exact enough
      // for sessions in the hundreds, with name and id breaking ties so pages never overlap.
      .orderBy(sql`sp.absence::numeric / sp.possible`, "desc")
      .orderBy("sp.name")
      .orderBy("sp.pupil_id")
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
  ]);
  if (!school || !snapshot) throw new RollbookError("not_found", `No school ${schoolId}`);
  const pupils = rows.map(({ total: _total, ...p }) => ({ ...p, concern: p.concern as Concern }));
  // Named pupils shown to someone outside the school: the school's access log says which.
  audit.listed(
    schoolId,
    pupils.map((p) => p.pupilId),
  );
  return {
    schoolId,
    school: school.name,
    computedAt: snapshot.computedAt,
    freshness: snapshot.freshness,
    staleSince: snapshot.staleSince,
    atRiskBelow: page.atRiskBelow,
    offset: page.offset,
    limit: page.limit,
    total:
      rows.length > 0 ? Number(rows[0]?.total) : await countConcerns(db, schoolId, year, concern),
    pupils,
  };
}

/** The number of pupils to discuss when the page asked for lies past the last of them. */
async function countConcerns(
  db: Kysely<DB>,
  schoolId: number,
  year: number,
  concern: ReturnType<typeof concernSql>,
): Promise<number> {
  const row = await db
    .selectFrom("snapshot_pupils as sp")
    .select(db.fn.countAll<string>().as("n"))
    .where("sp.school_id", "=", schoolId)
    .where("sp.academic_year", "=", year)
    .where(concern, "is not", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
