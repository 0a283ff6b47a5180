import { type Kysely, sql } from "kysely";
import type { SessionName } from "../../domain/calendar.ts";
import { codeOn } from "../../domain/codes.ts";
import { RollbookError } from "../../domain/errors.ts";
import { emptyYearMarks, SLOTS_PER_YEAR, slotOf, type YearMarks } from "../../domain/marks.ts";
import { type SchoolYearMarks, yearMarksByPupil } from "../../domain/school-year-marks.ts";
import { BINARY_COPY, type BinaryCopyRow, readBinaryCopy } from "../binary-copy.ts";
import type { DB, MarkSource } from "../schema.ts";

export interface MarkToRecord {
  pupilId: number;
  date: string;
  session: SessionName;
  /** A register symbol already checked against the code registry for its date. */
  code: string;
  minutesLate: number | null;
  /** Per-mark overrides of the batch's Recording (demo data and imports of dated history). */
  by?: string;
  at?: Date;
  reason?: string | null;
}

export interface Recording {
  /** Name and role of the person (or the import) making the entry, as the history should show it. */
  by: string;
  at: Date;
  source: MarkSource;
  /** Why an existing mark was changed; required by the history for amendments. */
  reason: string | null;
  /** The signed-in user, when there is one (imports from the command line have none). */
  userId?: number | null;
}

export interface ExistingMark {
  pupilId: number;
  date: string;
  session: SessionName;
  code: string;
  minutesLate: number | null;
  version: number;
}

export interface RecordResult {
  created: number;
  amended: number;
  unchanged: number;
  /** The version each given mark has after the write, keyed `pupil|date|session`. */
  versions: Map<string, number>;
}

const key = (pupilId: number, date: string, session: string) => `${pupilId}|${date}|${session}`;

/** Current marks for the given sessions, keyed `pupil|date|session`. */
export async function findMarks(
  db: Kysely<DB>,
  schoolId: number,
  sessions: Pick<MarkToRecord, "pupilId" | "date" | "session">[],
): Promise<Map<string, ExistingMark>> {
  const found = new Map<string, ExistingMark>();
  for (const chunk of chunks(sessions, 20_000)) {
    const { rows } = await sql<{
      pupil_id: number;
      date: string;
      session: SessionName;
      code: string;
      minutes_late: number | null;
      version: number;
    }>`
      select m.pupil_id, m.date, m.session, m.code, m.minutes_late, m.version
      from session_marks m
      join unnest(${chunk.map((s) => s.pupilId)}::int[], ${chunk.map((s) => s.date)}::date[],
                  ${chunk.map((s) => s.session)}::text[]) as wanted(pupil_id, date, session)
        on m.pupil_id = wanted.pupil_id and m.date = wanted.date and m.session = wanted.session
      where m.school_id = ${schoolId}`.execute(db);
    for (const r of rows) {
      found.set(key(r.pupil_id, r.date, r.session), {
        pupilId: r.pupil_id,
        date: r.date,
        session: r.session,
        code: r.code,
        minutesLate: r.minutes_late,
        version: r.version,
      });
    }
  }
  return found;
}

export function markKey(mark: Pick<MarkToRecord, "pupilId" | "date" | "session">): string {
  return key(mark.pupilId, mark.date, mark.session);
}

/**
 * The one write path for register marks. Inside the caller's transaction it locks the pupils,
 * skips marks that are already recorded as given (so saving twice changes nothing), writes the
 * rest, appends one history row per new or changed mark (original code, new code, who, when, why)
 * and refreshes the compact form. Must run inside a transaction.
 */
export async function recordMarks(
  tx: Kysely<DB>,
  schoolId: number,
  marks: MarkToRecord[],
  recording: Recording,
  /** Sees the current marks after the pupils are locked and may refuse the write (stale saves). */
  guard?: (existing: Map<string, ExistingMark>) => void,
): Promise<RecordResult> {
  if (marks.length === 0) return { created: 0, amended: 0, unchanged: 0, versions: new Map() };
  const pupilIds = [...new Set(marks.map((m) => m.pupilId))].sort((a, b) => a - b);
  // Serialises concurrent writers to the same pupils, so no save is based on a stale mark.
  await sql`select id from pupils where school_id = ${schoolId} and id = any(${pupilIds}::int[])
            order by id for no key update`.execute(tx);

  const existing = await findMarks(tx, schoolId, marks);
  guard?.(existing);
  const changes: (MarkToRecord & { previous: string | null })[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const mark of marks) {
    const k = markKey(mark);
    if (seen.has(k)) continue; // the last duplicate of a session is not allowed in: callers validate
    seen.add(k);
    const before = existing.get(k);
    if (before && before.code === mark.code && before.minutesLate === mark.minutesLate) {
      unchanged++;
      continue;
    }
    changes.push({ ...mark, previous: before?.code ?? null });
  }

  for (const chunk of chunks(changes, 20_000)) await writeChanges(tx, schoolId, chunk, recording);
  const amended = changes.filter((c) => c.previous !== null).length;
  const versions = new Map<string, number>();
  for (const mark of marks)
    versions.set(
      markKey(mark),
      (existing.get(markKey(mark))?.version ?? 0) + (changed(mark) ? 1 : 0),
    );
  return { created: changes.length - amended, amended, unchanged, versions };

  function changed(mark: MarkToRecord): boolean {
    const before = existing.get(markKey(mark));
    return !before || before.code !== mark.code || before.minutesLate !== mark.minutesLate;
  }
}

const EMPTY_YEAR_HEX = "00".repeat(SLOTS_PER_YEAR);

/**
 * One statement writes the current marks, appends their history and updates the compact form of
 * every pupil-year touched: one round trip, all or nothing.
 */
async function writeChanges(
  tx: Kysely<DB>,
  schoolId: number,
  chunk: (MarkToRecord & { previous: string | null })[],
  recording: Recording,
): Promise<void> {
  const at = slotsOf(chunk);
  await sql`
    with input as (
      select * from unnest(${chunk.map((c) => c.pupilId)}::int[], ${chunk.map((c) => c.date)}::date[],
                           ${chunk.map((c) => c.session)}::text[], ${chunk.map((c) => c.previous)}::text[],
                           ${chunk.map((c) => c.code)}::text[], ${chunk.map((c) => c.minutesLate)}::int[],
                           ${chunk.map((c) => c.by ?? recording.by)}::text[],
                           ${chunk.map((c) => (c.at ?? recording.at).toISOString())}::timestamptz[],
                           ${chunk.map((c) => (c.reason === undefined ? recording.reason : c.reason))}::text[],
                           ${at.map((a) => a.startYear)}::int[], ${at.map((a) => a.slot)}::int[],
                           ${at.map((a) => a.index)}::int[])
        as c(pupil_id, date, session, previous_code, code, minutes_late, changed_by, changed_at, reason,
             start_year, slot, code_index)
    ),
    current as (
      insert into session_marks (school_id, pupil_id, date, session, code, minutes_late, recorded_by, recorded_at,
                                 recorded_by_user_id)
      select ${schoolId}, pupil_id, date, session, code, minutes_late, changed_by, changed_at, ${recording.userId ?? null}::int
      from input
      on conflict (school_id, pupil_id, date, session) do update
        set code = excluded.code, minutes_late = excluded.minutes_late, recorded_by = excluded.recorded_by,
            recorded_at = excluded.recorded_at, recorded_by_user_id = excluded.recorded_by_user_id,
            version = session_marks.version + 1
    ),
    history as (
      insert into mark_history (school_id, pupil_id, date, session, previous_code, code, minutes_late,
                                changed_by, changed_at, reason, source, changed_by_user_id)
      select ${schoolId}, pupil_id, date, session, previous_code, code, minutes_late, changed_by, changed_at, reason,
             ${recording.source}, ${recording.userId ?? null}::int
      from input
    ),
    years as (
      select pupil_id, start_year, array_agg(slot) as slots, array_agg(code_index) as codes
      from input group by pupil_id, start_year
    )
    insert into pupil_year_marks (school_id, pupil_id, start_year, marks)
    select ${schoolId}, y.pupil_id, y.start_year,
           apply_marks(coalesce(stored.marks, decode(${EMPTY_YEAR_HEX}, 'hex')), y.slots, y.codes)
    from years y
    left join pupil_year_marks stored
      on stored.school_id = ${schoolId} and stored.pupil_id = y.pupil_id and stored.start_year = y.start_year
    on conflict (school_id, pupil_id, start_year) do update set marks = excluded.marks`.execute(tx);
}

function slotsOf(marks: MarkToRecord[]): { startYear: number; slot: number; index: number }[] {
  return marks.map((m) => ({ ...slotOf(m.date, m.session), index: codeOn(m.code, m.date).index }));
}

/** Every pupil's compact marks for an academic year, each a view into one buffer. */
export async function loadYearMarks(
  db: Kysely<DB>,
  schoolId: number,
  startYear: number,
  pupilIds?: number[],
): Promise<Map<number, YearMarks>> {
  return yearMarksByPupil(await loadSchoolYearMarks(db, schoolId, startYear, pupilIds));
}

/**
 * The fast path: every pupil's compact year (or only `pupilIds`') in one buffer, read from
 * PostgreSQL as binary COPY (raw bytes, no hex text, no object per pupil) and from the embedded
 * database as its rows. Pupils come in no particular order.
 */
export async function loadSchoolYearMarks(
  db: Kysely<DB>,
  schoolId: number,
  startYear: number,
  pupilIds?: readonly number[],
): Promise<SchoolYearMarks> {
  // COPY takes no parameters: the values are written into the statement, integers only.
  for (const n of [schoolId, startYear, ...(pupilIds ?? [])]) {
    if (!Number.isSafeInteger(n)) throw new RollbookError("invalid_input", `Not an id: ${n}`);
  }
  const only = pupilIds ? ` and pupil_id = any('{${pupilIds.join(",")}}'::int[])` : "";
  const { rows } = await sql
    .raw<BinaryCopyRow | { pupil_id: number; marks: Uint8Array }>(
      `${BINARY_COPY}select pupil_id, marks from pupil_year_marks
       where school_id = ${schoolId} and start_year = ${startYear}${only}`,
    )
    .execute(db);
  const first = rows[0];
  if (first && "binary_copy" in first) return fromBinaryCopy(startYear, first.binary_copy);
  const years = rows as { pupil_id: number; marks: Uint8Array }[];
  const school: SchoolYearMarks = {
    startYear,
    pupilIds: new Int32Array(years.length),
    marks: new Uint8Array(years.length * SLOTS_PER_YEAR),
  };
  years.forEach((r, i) => {
    school.pupilIds[i] = r.pupil_id;
    school.marks.set(r.marks.subarray(0, SLOTS_PER_YEAR), i * SLOTS_PER_YEAR);
  });
  return school;
}

function fromBinaryCopy(startYear: number, data: Uint8Array): SchoolYearMarks {
  const count = readBinaryCopy(data, () => {});
  const school: SchoolYearMarks = {
    startYear,
    pupilIds: new Int32Array(count),
    marks: new Uint8Array(count * SLOTS_PER_YEAR),
  };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let i = 0;
  readBinaryCopy(data, (bytes, offsets, lengths) => {
    school.pupilIds[i] = view.getInt32(offsets[0] as number);
    const at = offsets[1] as number;
    const length = Math.min(lengths[1] as number, SLOTS_PER_YEAR);
    if (length > 0) school.marks.set(bytes.subarray(at, at + length), i * SLOTS_PER_YEAR);
    i++;
  });
  return school;
}

/** Rebuilds a pupil's compact year from the register rows: the repair path, and a consistency check. */
export async function yearMarksFromRows(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  startYear: number,
): Promise<YearMarks> {
  const rows = await db
    .selectFrom("session_marks")
    .select(["date", "session", "code"])
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId)
    .where("date", ">=", `${startYear}-08-01`)
    .where("date", "<=", `${startYear + 1}-07-31`)
    .execute();
  const marks = emptyYearMarks();
  for (const row of rows)
    marks[slotOf(row.date, row.session).slot] = codeOn(row.code, row.date).index;
  return marks;
}

export interface HistoryEntry {
  date: string;
  session: SessionName;
  previousCode: string | null;
  code: string;
  minutesLate: number | null;
  changedBy: string;
  changedAt: Date;
  reason: string | null;
  source: MarkSource;
}

/** A pupil's register entries and every amendment, oldest first. */
export async function markHistory(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  range?: { from: string; to: string },
): Promise<HistoryEntry[]> {
  let query = db
    .selectFrom("mark_history")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId);
  if (range) query = query.where("date", ">=", range.from).where("date", "<=", range.to);
  const rows = await query.orderBy("date").orderBy("session").orderBy("id").execute();
  return rows.map((r) => ({
    date: r.date,
    session: r.session,
    previousCode: r.previous_code,
    code: r.code,
    minutesLate: r.minutes_late,
    changedBy: r.changed_by,
    changedAt: r.changed_at,
    reason: r.reason,
    source: r.source,
  }));
}

export function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
