import type { Kysely } from "kysely";
import { pupilsByUpn } from "../../db/repositories/pupils.ts";
import type { DB } from "../../db/schema.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import { londonToday } from "../../domain/dates.ts";
import { isRollbookError, RollbookError } from "../../domain/errors.ts";
import type { UseCaseContext } from "../context.ts";
import type { CsvRow } from "../import/csv.ts";
import { saveContactRows } from "../import/import-contacts.ts";
import { importPupilRows, parsePupilRows } from "../import/import-pupils.ts";
import {
  type MisConnection,
  type ProviderFactory,
  providerFor,
  requireConnection,
} from "./connection.ts";
import type { MisDeletion, MisMark, MisPupil } from "./provider.ts";
import { takeMisMarks } from "./sync-marks.ts";

export interface SyncCounts {
  read: number;
  added: number;
  changed: number;
  unchanged: number;
  left: number;
  contacts: number;
  marksRead: number;
  marksRecorded: number;
  conflicts: number;
}

export interface SyncOutcome {
  runId: number;
  kind: "initial" | "delta";
  state: "done" | "failed";
  counts: SyncCounts;
  errors: string[];
}

export interface SyncProgressReport {
  step: string;
  done: number;
  total: number;
}

export interface SyncOptions {
  trigger: string;
  clock?: () => Date;
  providers?: ProviderFactory;
  onProgress?: (progress: SyncProgressReport) => void;
  /** Pupils written per transaction (default 500). */
  batchSize?: number;
}

/** Columns an MIS always gives; flags only where the MIS shares them for every pupil. */
const BASE_COLUMNS = [
  "upn",
  "legal_forename",
  "legal_surname",
  "preferred_forename",
  "preferred_surname",
  "date_of_birth",
  "sex",
  "admission_date",
  "leaving_date",
  "year_group",
  "registration_group",
];
const STALE_RUN_MS = 30 * 60_000;

/** The head, an administrator (or the operator) syncs the school from its MIS now. */
export async function syncMis(
  ctx: UseCaseContext,
  options: Omit<SyncOptions, "clock">,
): Promise<SyncOutcome> {
  ctx.access.require("school.setup");
  return runMisSync(ctx.db, ctx.access.schoolId, { ...options, clock: ctx.clock });
}

/** Starts a sync and answers at once with its run, which the screen follows. */
export async function startMisSync(
  ctx: UseCaseContext,
  options: Omit<SyncOptions, "clock">,
): Promise<{ runId: number; finished: Promise<SyncOutcome> }> {
  ctx.access.require("school.setup");
  const { db } = ctx;
  const schoolId = ctx.access.schoolId;
  const connection = await requireConnection(db, schoolId);
  const runId = await openRun(db, schoolId, connection, options.trigger, ctx.clock());
  const finished = runMisSync(db, schoolId, { ...options, clock: ctx.clock }, runId);
  finished.catch(() => {});
  return { runId, finished };
}

/**
 * Brings the school up to date from its MIS (docs/mis.md): the first run loads everyone, later
 * runs only what changed since the last one finished reading (`updated_after`) and the MIS's
 * deletions, which become leaving dates (history is never deleted). Pupils go through the pupils
 * import (a field the MIS does not share is left as it is), contacts through the contacts import,
 * marks through the one write path, disagreements to the conflicts list. Each batch commits on
 * its own; the cursor moves only when the whole run has succeeded, so a failed run is repeated.
 */
export async function runMisSync(
  db: Kysely<DB>,
  schoolId: number,
  options: SyncOptions,
  existingRun?: number,
): Promise<SyncOutcome> {
  const clock = options.clock ?? (() => new Date());
  const connection = await requireConnection(db, schoolId);
  const startedAt = clock();
  const runId =
    existingRun ?? (await openRun(db, schoolId, connection, options.trigger, startedAt));
  const kind = connection.synced_until ? "delta" : "initial";
  const since = connection.synced_until ?? undefined;
  const counts: SyncCounts = {
    read: 0,
    added: 0,
    changed: 0,
    unchanged: 0,
    left: 0,
    contacts: 0,
    marksRead: 0,
    marksRecorded: 0,
    conflicts: 0,
  };
  const errors: string[] = [];
  let lastShown = 0;
  const progress = async (step: string, done: number, total: number, force = false) => {
    options.onProgress?.({ step, done, total });
    const now = Date.now();
    if (!force && now - lastShown < 500) return;
    lastShown = now;
    await db
      .updateTable("mis_sync_runs")
      .set({ step, done, total, counts: JSON.stringify(counts) })
      .where("school_id", "=", schoolId)
      .where("id", "=", runId)
      .execute();
  };
  try {
    const provider = (options.providers ?? providerFor)(connection);
    const pupils: MisPupil[] = [];
    for await (const page of provider.pupils({ updatedAfter: since })) {
      pupils.push(...page);
      await progress(`Reading pupils from ${provider.name}`, pupils.length, pupils.length);
    }
    counts.read = pupils.length;
    await writePupils(db, schoolId, pupils, counts, errors, progress, options.batchSize ?? 500);
    if (since) {
      const deletions: MisDeletion[] = [];
      for await (const page of provider.deletions({ updatedAfter: since })) deletions.push(...page);
      counts.left += await leaveRoll(db, schoolId, deletions, londonToday(startedAt), errors);
    }
    if (connection.sync_marks) {
      const today = londonToday(startedAt);
      const from = academicYearBounds(academicYearOf(today)).from;
      let batch: MisMark[] = [];
      const take = async () => {
        const taken = await takeMisMarks(db, schoolId, batch, {
          today,
          at: startedAt,
          by: `MIS sync (${provider.name})`,
        });
        counts.marksRecorded += taken.recorded;
        counts.conflicts += taken.conflicts;
        errors.push(...taken.problems);
        batch = [];
      };
      for await (const page of provider.marks({ from, to: today, updatedAfter: since })) {
        counts.marksRead += page.length;
        batch.push(...page);
        if (batch.length >= 20_000) await take();
        await progress(`Reading marks from ${provider.name}`, counts.marksRead, counts.marksRead);
      }
      await take();
    }
    await db
      .updateTable("mis_connections")
      .set({ synced_until: startedAt, state: "active" })
      .where("school_id", "=", schoolId)
      .execute();
    await closeRun(db, schoolId, runId, "done", counts, errors, clock());
    return { runId, kind, state: "done", counts, errors };
  } catch (error) {
    if (!isRollbookError(error)) {
      await closeRun(
        db,
        schoolId,
        runId,
        "failed",
        counts,
        [...errors, "An unexpected error stopped the sync; the server's log has it"],
        clock(),
      );
      throw error;
    }
    errors.push(error.message);
    if ((error.details as { status?: number } | undefined)?.status === 401)
      await db
        .updateTable("mis_connections")
        .set({ state: "token_refused" })
        .where("school_id", "=", schoolId)
        .execute();
    await closeRun(db, schoolId, runId, "failed", counts, errors, clock());
    return { runId, kind, state: "failed", counts, errors };
  }
}

async function openRun(
  db: Kysely<DB>,
  schoolId: number,
  connection: MisConnection,
  trigger: string,
  at: Date,
): Promise<number> {
  const running = await db
    .selectFrom("mis_sync_runs")
    .select("id")
    .where("school_id", "=", schoolId)
    .where("state", "=", "running")
    .where("started_at", ">", new Date(at.getTime() - STALE_RUN_MS))
    .executeTakeFirst();
  if (running)
    throw new RollbookError(
      "conflict",
      "A sync from the MIS is already running; its progress is shown in Settings > MIS",
    );
  const run = await db
    .insertInto("mis_sync_runs")
    .values({
      school_id: schoolId,
      kind: connection.synced_until ? "delta" : "initial",
      trigger,
      started_at: at,
      step: "Starting",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return run.id;
}

async function closeRun(
  db: Kysely<DB>,
  schoolId: number,
  runId: number,
  state: "done" | "failed",
  counts: SyncCounts,
  errors: string[],
  at: Date,
): Promise<void> {
  await db
    .updateTable("mis_sync_runs")
    .set({
      state,
      finished_at: at,
      step: state === "done" ? "Finished" : "Stopped",
      counts: JSON.stringify(counts),
      // The first 200 are enough to act on; the count says how many there were.
      errors: JSON.stringify(
        errors.length > 200
          ? [...errors.slice(0, 200), `...and ${errors.length - 200} more`]
          : errors,
      ),
    })
    .where("school_id", "=", schoolId)
    .where("id", "=", runId)
    .execute();
}

const flag = (value: boolean | null) => (value === null ? "" : value ? "Y" : "N");
const describe = (p: MisPupil) => `${p.legalForename} ${p.legalSurname} (MIS id ${p.misId})`;

function rowOf(p: MisPupil, line: number): CsvRow {
  return {
    line,
    values: {
      upn: p.upn ?? "",
      legal_forename: p.legalForename,
      legal_surname: p.legalSurname,
      preferred_forename: p.preferredForename ?? "",
      preferred_surname: p.preferredSurname ?? "",
      date_of_birth: p.dateOfBirth ?? "",
      sex: p.sex ?? "",
      admission_date: p.admissionDate ?? "",
      leaving_date: p.leavingDate ?? "",
      year_group: p.yearGroup ?? "",
      registration_group: p.registrationGroup ?? "",
      fsm: flag(p.fsm),
      sen: p.sen ?? "",
      looked_after: flag(p.lookedAfter),
    },
  };
}

async function writePupils(
  db: Kysely<DB>,
  schoolId: number,
  pupils: MisPupil[],
  counts: SyncCounts,
  errors: string[],
  progress: (step: string, done: number, total: number, force?: boolean) => Promise<void>,
  batchSize: number,
): Promise<void> {
  if (pupils.length === 0) return;
  // A flag the MIS leaves out for anyone is not shared: the field stays as Rollbook has it.
  const columns = [...BASE_COLUMNS];
  if (pupils.every((p) => p.fsm !== null)) columns.push("fsm");
  if (pupils.every((p) => p.sen !== null)) columns.push("sen");
  if (pupils.every((p) => p.lookedAfter !== null)) columns.push("looked_after");
  // Rows with problems are named in the run's errors and left out; the others go in.
  const rows = pupils.map((p, i) => rowOf(p, i + 1));
  const { problems } = parsePupilRows(rows);
  const bad = new Map<number, string[]>();
  for (const problem of problems)
    bad.set(problem.line, [...(bad.get(problem.line) ?? []), problem.message]);
  for (const [line, messages] of bad) {
    const pupil = pupils[line - 1] as MisPupil;
    errors.push(`${describe(pupil)} was not imported: ${messages.join("; ")}`);
  }
  const good = rows.filter((r) => !bad.has(r.line));
  for (let i = 0; i < good.length; i += batchSize) {
    const chunk = good.slice(i, i + batchSize);
    const result = await importPupilRows(db, schoolId, chunk, columns);
    counts.added += result.created;
    counts.changed += result.updated;
    counts.unchanged += result.summary.unchanged;
    counts.left += result.summary.left.length;
    await progress("Writing pupils", Math.min(i + batchSize, good.length), good.length, true);
  }
  // Which MIS record is which pupil: what marks, deletions and writeback refer to.
  const byUpn = await pupilsByUpn(db, schoolId);
  const links = good
    .map((r) => {
      const pupil = pupils[r.line - 1] as MisPupil;
      const stored = byUpn.get((pupil.upn ?? "").toUpperCase());
      return stored ? { school_id: schoolId, mis_id: pupil.misId, pupil_id: stored.id } : null;
    })
    .filter((l): l is NonNullable<typeof l> => l !== null);
  for (let i = 0; i < links.length; i += 1000) {
    await db
      .insertInto("mis_pupils")
      .values(links.slice(i, i + 1000))
      .onConflict((oc) =>
        oc
          .columns(["school_id", "pupil_id"])
          .doUpdateSet((eb) => ({ mis_id: eb.ref("excluded.mis_id") })),
      )
      .execute();
  }
  const contactRows: CsvRow[] = [];
  for (const r of good) {
    const pupil = pupils[r.line - 1] as MisPupil;
    for (const c of pupil.contacts ?? [])
      contactRows.push({
        line: contactRows.length + 1,
        values: {
          upn: (pupil.upn ?? "").toUpperCase(),
          priority: String(c.priority),
          name: c.name,
          relationship: c.relationship,
          phone: c.phone ?? "",
          email: c.email ?? "",
          address: "",
          parental_responsibility: flag(c.parentalResponsibility),
          lives_with_pupil: flag(c.livesWithPupil),
        },
      });
  }
  if (contactRows.length > 0) {
    await progress("Writing contacts", 0, contactRows.length, true);
    const saved = await saveContactRows(db, schoolId, contactRows, { skipBad: true });
    counts.contacts += saved.saved;
    for (const p of saved.problems) {
      const row = contactRows[p.line - 1];
      errors.push(`A contact of ${row?.values.upn} was not imported: ${p.message}`);
    }
  }
}

/** Pupils the MIS deleted leave the roll on that day; their history stays. */
async function leaveRoll(
  db: Kysely<DB>,
  schoolId: number,
  deletions: MisDeletion[],
  today: string,
  errors: string[],
): Promise<number> {
  const wanted = deletions.filter((d) => d.kind === "pupil");
  if (wanted.length === 0) return 0;
  const linked = await db
    .selectFrom("mis_pupils as m")
    .innerJoin("pupils as p", (join) =>
      join.onRef("p.school_id", "=", "m.school_id").onRef("p.id", "=", "m.pupil_id"),
    )
    .selectAll("p")
    .select("m.mis_id")
    .where("m.school_id", "=", schoolId)
    .where(
      "m.mis_id",
      "in",
      wanted.map((d) => d.misId),
    )
    .execute();
  const byMisId = new Map(linked.map((p) => [p.mis_id, p]));
  const rows: CsvRow[] = [];
  for (const deletion of wanted) {
    const pupil = byMisId.get(deletion.misId);
    if (!pupil || pupil.leaving_date !== null) continue;
    const day = deletion.deletedAt ? londonToday(new Date(deletion.deletedAt)) : today;
    // Never before the pupil was admitted.
    const leaving = [day, pupil.admission_date].sort()[1] as string;
    rows.push({
      line: rows.length + 1,
      values: {
        upn: pupil.upn,
        legal_forename: pupil.legal_forename,
        legal_surname: pupil.legal_surname,
        date_of_birth: pupil.date_of_birth,
        sex: pupil.sex,
        admission_date: pupil.admission_date,
        leaving_date: leaving,
      },
    });
  }
  if (rows.length === 0) return 0;
  try {
    const result = await importPupilRows(db, schoolId, rows, ["upn", "leaving_date"]);
    return result.summary.left.length;
  } catch (error) {
    if (!isRollbookError(error)) throw error;
    errors.push(`Pupils deleted in the MIS were not taken off the roll: ${error.message}`);
    return 0;
  }
}
