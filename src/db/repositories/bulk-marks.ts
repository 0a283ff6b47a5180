import { type Kysely, sql } from "kysely";
import { codeOn } from "../../domain/codes.ts";
import { SLOTS_PER_YEAR, slotOf } from "../../domain/marks.ts";
import { copyRows, copyText } from "../copy.ts";
import type { DB } from "../schema.ts";
import type { MarkToRecord, Recording } from "./marks.ts";

export interface BulkResult {
  created: number;
  amended: number;
  unchanged: number;
}

/** A mark the caller would not have changed without a reason: the batch was not written. */
export interface RefusedChange {
  line: number;
  date: string;
  session: string;
  recorded: string;
  given: string;
}

const STAGED = [
  "line",
  "pupil_id",
  "date",
  "session",
  "code",
  "minutes_late",
  "changed_by",
  "changed_at",
  "reason",
] as const;

/** A slot of a pupil's year the load has not given (a code index is one byte, never 255). */
const UNTOUCHED = 0xff;

/**
 * The bulk write path beside `recordMarks` (imports, the demo loader, the MIS's initial load):
 * the same rules, set-based. Each batch is COPYed into a staging table of the transaction, then
 * one statement writes the new and changed marks and appends their history (original mark, new
 * mark, who, when, why), leaving identical marks alone; the compact form of every pupil-year
 * touched is kept in memory (one byte a session slot) and written once by `finish`. The pupils
 * are locked as they first appear, as `recordMarks` does, so no register save interleaves. Runs
 * inside the caller's transaction: all or nothing. Each session must be given once.
 */
export class BulkMarkWriter {
  private readonly locked = new Set<number>();
  private readonly years = new Map<number, Map<number, Uint8Array>>();
  private readonly codeIndex = new Map<string, number>();
  private readonly slots = new Map<string, { startYear: number; slot: number }>();
  private staged = false;

  constructor(
    private readonly tx: Kysely<DB>,
    private readonly schoolId: number,
    private readonly recording: Recording,
  ) {}

  /**
   * Writes a batch; with `refuseChanges`, a batch holding any mark that differs from one already
   * recorded is not written and the differing marks are returned (the first hundred, by line).
   */
  async write(
    marks: (MarkToRecord & { line?: number })[],
    options: { refuseChanges?: boolean } = {},
  ): Promise<BulkResult & { refused: RefusedChange[]; refusedTotal: number }> {
    const result = { created: 0, amended: 0, unchanged: 0, refused: [], refusedTotal: 0 };
    if (marks.length === 0) return result;
    await this.lockPupils(marks);
    await this.stage(marks);
    if (options.refuseChanges) {
      const { rows } = await sql<RefusedChange & { total: number }>`
        select s.line, s.date::text as date, s.session, m.code as recorded, s.code as given,
               count(*) over ()::int as total
        from bulk_marks s
        join session_marks m
          on m.school_id = ${this.schoolId} and m.pupil_id = s.pupil_id and m.date = s.date and m.session = s.session
        where m.code <> s.code or m.minutes_late is distinct from s.minutes_late
        order by s.line limit 100`.execute(this.tx);
      if (rows.length > 0) {
        const refused = rows.map(({ total: _, ...r }) => r);
        return { ...result, refused, refusedTotal: rows[0]?.total ?? 0 };
      }
    }
    const { rows } = await sql<{ created: number; amended: number }>`
      with changed as materialized (
        select s.*, m.code as previous_code
        from bulk_marks s
        left join session_marks m
          on m.school_id = ${this.schoolId} and m.pupil_id = s.pupil_id and m.date = s.date and m.session = s.session
        where m.code is null or m.code <> s.code or m.minutes_late is distinct from s.minutes_late
      ),
      current as (
        insert into session_marks (school_id, pupil_id, date, session, code, minutes_late, recorded_by,
                                   recorded_at, recorded_by_user_id)
        select ${this.schoolId}, pupil_id, date, session, code, minutes_late, changed_by, changed_at,
               ${this.recording.userId ?? null}::int
        from changed
        on conflict (school_id, pupil_id, date, session) do update
          set code = excluded.code, minutes_late = excluded.minutes_late, recorded_by = excluded.recorded_by,
              recorded_at = excluded.recorded_at, recorded_by_user_id = excluded.recorded_by_user_id,
              version = session_marks.version + 1
      ),
      history as (
        insert into mark_history (school_id, pupil_id, date, session, previous_code, code, minutes_late,
                                  changed_by, changed_at, reason, source, changed_by_user_id)
        select ${this.schoolId}, pupil_id, date, session, previous_code, code, minutes_late, changed_by,
               changed_at, reason, ${this.recording.source}, ${this.recording.userId ?? null}::int
        from changed
      )
      select count(*) filter (where previous_code is null)::int as created,
             count(*) filter (where previous_code is not null)::int as amended
      from changed`.execute(this.tx);
    const created = rows[0]?.created ?? 0;
    const amended = rows[0]?.amended ?? 0;
    // Identical marks leave the compact form as it is, so every mark of the batch may go in.
    for (const mark of marks) this.remember(mark);
    return { ...result, created, amended, unchanged: marks.length - created - amended };
  }

  /** Writes the compact form of every pupil-year the load touched, over what was stored. */
  async finish(): Promise<void> {
    for (const [startYear, pupils] of this.years) {
      const ids = [...pupils.keys()];
      for (let i = 0; i < ids.length; i += 5_000) {
        const chunk = ids.slice(i, i + 5_000);
        const stored = await this.tx
          .selectFrom("pupil_year_marks")
          .select(["pupil_id", "marks"])
          .where("school_id", "=", this.schoolId)
          .where("start_year", "=", startYear)
          .where("pupil_id", "in", chunk)
          .execute();
        const before = new Map(stored.map((r) => [r.pupil_id, new Uint8Array(r.marks)]));
        const lines: string[] = [];
        for (const pupilId of chunk) {
          const given = pupils.get(pupilId) as Uint8Array;
          const year = before.get(pupilId) ?? new Uint8Array(SLOTS_PER_YEAR);
          for (let s = 0; s < SLOTS_PER_YEAR; s++)
            if (given[s] !== UNTOUCHED) year[s] = given[s] as number;
          lines.push(`${pupilId}\t\\\\x${Buffer.from(year).toString("hex")}\n`);
        }
        await sql`create temporary table if not exists bulk_years (pupil_id int, marks bytea)
                  on commit drop`.execute(this.tx);
        await sql`truncate bulk_years`.execute(this.tx);
        await copyRows(this.tx, "bulk_years", ["pupil_id", "marks"], lines);
        await sql`
          insert into pupil_year_marks (school_id, pupil_id, start_year, marks)
          select ${this.schoolId}, pupil_id, ${startYear}::int, marks from bulk_years
          on conflict (school_id, pupil_id, start_year) do update set marks = excluded.marks`.execute(
          this.tx,
        );
      }
    }
    this.years.clear();
  }

  /** Serialises with register saves to the same pupils, as recordMarks does. */
  private async lockPupils(marks: MarkToRecord[]): Promise<void> {
    const fresh: number[] = [];
    for (const { pupilId } of marks) {
      if (this.locked.has(pupilId)) continue;
      this.locked.add(pupilId);
      fresh.push(pupilId);
    }
    if (fresh.length === 0) return;
    fresh.sort((a, b) => a - b);
    await sql`select id from pupils where school_id = ${this.schoolId} and id = any(${fresh}::int[])
              order by id for no key update`.execute(this.tx);
  }

  private async stage(marks: (MarkToRecord & { line?: number })[]): Promise<void> {
    if (!this.staged) {
      await sql`create temporary table if not exists bulk_marks (
                  line int, pupil_id int, date date, session text, code text, minutes_late int,
                  changed_by text, changed_at timestamptz, reason text) on commit drop`.execute(
        this.tx,
      );
      this.staged = true;
    }
    await sql`truncate bulk_marks`.execute(this.tx);
    const by = copyText(this.recording.by);
    const at = this.recording.at.toISOString();
    const reason = copyText(this.recording.reason);
    const rows = marks.map(
      (m, i) =>
        `${m.line ?? i + 1}\t${m.pupilId}\t${m.date}\t${m.session}\t${copyText(m.code)}\t${copyText(m.minutesLate)}\t${m.by === undefined ? by : copyText(m.by)}\t${m.at ? m.at.toISOString() : at}\t${m.reason === undefined ? reason : copyText(m.reason)}\n`,
    );
    await copyRows(this.tx, "bulk_marks", STAGED, rows);
  }

  private remember(mark: MarkToRecord): void {
    let day = this.slots.get(mark.date);
    if (!day) {
      day = slotOf(mark.date, "AM");
      this.slots.set(mark.date, day);
    }
    const { startYear } = day;
    const slot = day.slot + (mark.session === "PM" ? 1 : 0);
    let pupils = this.years.get(startYear);
    if (!pupils) {
      pupils = new Map();
      this.years.set(startYear, pupils);
    }
    let year = pupils.get(mark.pupilId);
    if (!year) {
      year = new Uint8Array(SLOTS_PER_YEAR).fill(UNTOUCHED);
      pupils.set(mark.pupilId, year);
    }
    const key = `${mark.code}|${mark.date}`;
    let index = this.codeIndex.get(key);
    if (index === undefined) {
      index = codeOn(mark.code, mark.date).index;
      this.codeIndex.set(key, index);
    }
    year[slot] = index;
  }
}
