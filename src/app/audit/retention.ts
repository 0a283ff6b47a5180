import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { DB, RetentionKind } from "../../db/schema.ts";
import { type IsoDate, londonToday } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";

/** Register entries must be kept six years (School Attendance (Pupil Registration) Regulations). */
export const REGISTER_MINIMUM_YEARS = 6;

export const RETENTION_KINDS: readonly RetentionKind[] = [
  "registers",
  "access_log",
  "messages",
  "absence_reports",
  "leave_requests",
  "casework",
];

export async function retentionRules(db: Kysely<DB>, schoolId: number) {
  return db
    .selectFrom("retention_rules")
    .select(["kind", "keep_years", "set_by", "set_at"])
    .where("school_id", "=", schoolId)
    .orderBy("kind")
    .execute();
}

/** Sets how long one kind of record is kept; registers never less than six years. */
export async function setRetention(
  ctx: UseCaseContext,
  rule: { kind: RetentionKind; keepYears: number },
): Promise<void> {
  const { access } = ctx;
  const { kind, keepYears } = rule;
  const at = ctx.clock();
  access.require("school.setup");
  if (kind === "registers" && keepYears < REGISTER_MINIMUM_YEARS)
    throw new RollbookError(
      "invalid_input",
      `Register entries must be kept at least ${REGISTER_MINIMUM_YEARS} years; ${keepYears} was asked for`,
    );
  await inTransaction(ctx, "set retention", (tx) =>
    tx
      .insertInto("retention_rules")
      .values({
        school_id: access.schoolId,
        kind,
        keep_years: keepYears,
        set_by: access.signature(),
        set_at: at,
      })
      .onConflict((oc) =>
        oc.columns(["school_id", "kind"]).doUpdateSet({
          keep_years: keepYears,
          set_by: access.signature(),
          set_at: at,
        }),
      )
      .execute(),
  );
}

/** The first day still kept: records from before it may go. */
function cutoff(today: IsoDate, years: number): IsoDate {
  const [y, m, d] = today.split("-");
  const day = m === "02" && d === "29" ? "28" : d;
  return `${Number(y) - years}-${m}-${day}`;
}

export type PurgeCounts = Partial<Record<RetentionKind, number>>;

/**
 * Deletes what a school's retention rules say has been kept long enough, in one transaction that
 * switches the purge door open for itself only. Kinds without a rule are kept for ever. Pending
 * reports, requests and messages are never purged. The database refuses to delete any register
 * entry less than six years old whatever the rules say.
 */
export async function purgeExpired(
  db: Kysely<DB>,
  schoolId: number,
  today: IsoDate,
  options: { dryRun?: boolean } = {},
): Promise<PurgeCounts> {
  const rules = await retentionRules(db, schoolId);
  if (rules.length === 0) return {};
  return db
    .transaction()
    .execute(async (trx) => {
      await sql`select set_config('rollbook.purge', 'on', true)`.execute(trx);
      const counts: PurgeCounts = {};
      for (const rule of rules) {
        const before = cutoff(today, rule.keep_years);
        counts[rule.kind] = await purgeKind(trx, schoolId, rule.kind, before);
      }
      // A dry run counts inside the transaction, then undoes it.
      if (options.dryRun) throw new DryRun(counts);
      return counts;
    })
    .catch((error: unknown) => {
      if (error instanceof DryRun) return error.counts;
      throw error;
    });
}

class DryRun extends Error {
  constructor(readonly counts: PurgeCounts) {
    super("dry run");
  }
}

async function purgeKind(
  trx: Transaction<DB>,
  schoolId: number,
  kind: RetentionKind,
  before: IsoDate,
): Promise<number> {
  const startOfDay = sql<Date>`(${before}::date::timestamp at time zone 'Europe/London')`;
  switch (kind) {
    case "registers": {
      const history = await trx
        .deleteFrom("mark_history")
        .where("school_id", "=", schoolId)
        .where("date", "<", before)
        .where("changed_at", "<", startOfDay)
        .executeTakeFirst();
      const marks = await trx
        .deleteFrom("session_marks")
        .where("school_id", "=", schoolId)
        .where("date", "<", before)
        .where("recorded_at", "<", startOfDay)
        .executeTakeFirst();
      // The compact form of a year whose every mark has gone.
      await trx
        .deleteFrom("pupil_year_marks as y")
        .where("y.school_id", "=", schoolId)
        .where(sql<boolean>`make_date(y.start_year + 1, 7, 31) < ${before}::date`)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("session_marks as m")
                .select("m.pupil_id")
                .whereRef("m.school_id", "=", "y.school_id")
                .whereRef("m.pupil_id", "=", "y.pupil_id")
                .where(
                  sql<boolean>`m.date between make_date(y.start_year, 8, 1) and make_date(y.start_year + 1, 7, 31)`,
                ),
            ),
          ),
        )
        .execute();
      return Number(history.numDeletedRows) + Number(marks.numDeletedRows);
    }
    case "access_log":
      return Number(
        (
          await trx
            .deleteFrom("access_log")
            .where("school_id", "=", schoolId)
            .where("at", "<", startOfDay)
            .executeTakeFirst()
        ).numDeletedRows,
      );
    case "messages":
      return Number(
        (
          await trx
            .deleteFrom("outbox")
            .where("school_id", "=", schoolId)
            .where("status", "in", ["sent", "failed", "not_sent"])
            .where("created_at", "<", startOfDay)
            .executeTakeFirst()
        ).numDeletedRows,
      );
    case "absence_reports":
      return Number(
        (
          await trx
            .deleteFrom("absence_reports")
            .where("school_id", "=", schoolId)
            .where("status", "<>", "pending")
            .where("received_at", "<", startOfDay)
            .executeTakeFirst()
        ).numDeletedRows,
      );
    case "casework":
      return purgeCasework(trx, schoolId, before, startOfDay);
    case "leave_requests":
      return Number(
        (
          await trx
            .deleteFrom("leave_requests")
            .where("school_id", "=", schoolId)
            .where("status", "<>", "pending")
            .where("requested_at", "<", startOfDay)
            .executeTakeFirst()
        ).numDeletedRows,
      );
  }
}

/**
 * Casework kept long enough: cases closed before the cut-off with everything recorded on them,
 * and the calls, letters and dismissed proposals about no case from before it. Open cases and
 * cases closed since are kept whole, and a later case that reopened a purged one keeps its own
 * record (only its pointer to the purged case goes).
 */
async function purgeCasework(
  trx: Transaction<DB>,
  schoolId: number,
  before: IsoDate,
  startOfDay: RawBuilder<Date>,
): Promise<number> {
  const closed = (
    await trx
      .selectFrom("attendance_cases")
      .select("id")
      .where("school_id", "=", schoolId)
      .where("status", "=", "closed")
      .where("closed_on", "<", before)
      .execute()
  ).map((c) => c.id);
  const cases = closed.length > 0 ? closed : [-1];
  let removed = 0;
  const count = (result: { numDeletedRows: bigint }) => {
    removed += Number(result.numDeletedRows);
  };
  // Only the calls themselves, and never one a kept entry corrects.
  const { rows } = await sql<{ n: string }>`
    with doomed as (
      select id from contact_log
      where school_id = ${schoolId}
        and (case_id = any(${cases}::int[]) or (case_id is null and happened_at < ${startOfDay})))
    , gone as (
      delete from contact_log c
      where c.school_id = ${schoolId} and c.id in (select id from doomed)
        and not exists (
          select 1 from contact_log k
          where k.school_id = ${schoolId} and k.corrects = c.id and k.id not in (select id from doomed))
      returning 1)
    select count(*) as n from gone`.execute(trx);
  removed += Number(rows[0]?.n ?? 0);
  count(
    await trx
      .deleteFrom("letters")
      .where("school_id", "=", schoolId)
      .where((eb) =>
        eb.or([
          eb("case_id", "in", cases),
          eb.and([eb("case_id", "is", null), eb("issued_on", "<", before)]),
        ]),
      )
      .executeTakeFirst(),
  );
  count(
    await trx
      .deleteFrom("proposed_actions")
      .where("school_id", "=", schoolId)
      .where((eb) =>
        eb.or([
          eb("case_id", "in", cases),
          eb.and([
            eb("case_id", "is", null),
            eb("status", "=", "dismissed"),
            eb("proposed_on", "<", before),
          ]),
        ]),
      )
      .executeTakeFirst(),
  );
  if (closed.length === 0) return removed;
  count(
    await trx
      .deleteFrom("contract_reviews")
      .where("school_id", "=", schoolId)
      .where("contract_id", "in", (eb) =>
        eb
          .selectFrom("contracts")
          .select("id")
          .where("school_id", "=", schoolId)
          .where("case_id", "in", closed),
      )
      .executeTakeFirst(),
  );
  for (const table of ["case_events", "interventions", "contracts", "meetings"] as const)
    count(
      await trx
        .deleteFrom(table)
        .where("school_id", "=", schoolId)
        .where("case_id", "in", closed)
        .executeTakeFirst(),
    );
  await trx
    .updateTable("attendance_cases")
    .set({ reopened_from: null })
    .where("school_id", "=", schoolId)
    .where("reopened_from", "in", closed)
    .execute();
  count(
    await trx
      .deleteFrom("attendance_cases")
      .where("school_id", "=", schoolId)
      .where("id", "in", closed)
      .executeTakeFirst(),
  );
  return removed;
}

/** The school's retention rules, for those who may read the access log. */
export async function showRetention(ctx: UseCaseContext) {
  ctx.access.require("audit.view");
  return { kinds: [...RETENTION_KINDS], rules: await retentionRules(ctx.db, ctx.access.schoolId) };
}

/** Sets one rule, then says what the next purge would remove under the rules now in force. */
export async function changeRetention(
  ctx: UseCaseContext,
  rule: { kind: RetentionKind; keepYears: number },
) {
  await setRetention(ctx, rule);
  const { db, access } = ctx;
  return {
    rules: await retentionRules(db, access.schoolId),
    // Counted without removing anything.
    wouldPurge: await purgeExpired(db, access.schoolId, londonToday(ctx.clock()), { dryRun: true }),
  };
}
