import { loadCalendar } from "../../db/repositories/calendar.ts";
import type { MarkToRecord, RecordResult } from "../../db/repositories/marks.ts";
import {
  type RegisterSaveOutcome,
  saveRegisterMarks,
} from "../../db/repositories/register-saves.ts";
import type { SessionName } from "../../domain/calendar.ts";
import { codeOn, normaliseSymbol, presentSymbolFor } from "../../domain/codes.ts";
import { isRollbookError, RollbookError } from "../../domain/errors.ts";
import { lateMark, minutesOfDay, type RegisterTimes } from "../../domain/register-times.ts";
import type { UseCaseContext } from "../context.ts";
import {
  assertSchoolSession,
  loadRegister,
  type Moment,
  momentOf,
  type Register,
} from "./register.ts";

export interface RegisterEntry {
  pupilId: number;
  /** A register code; for L and U give minutesLate or arrivedAt. */
  code?: string | undefined;
  /** Arrival time (HH:MM): the server decides L (before the register closed) or U (after). */
  arrivedAt?: string | undefined;
  minutesLate?: number | null | undefined;
  /** The version of the pupil's mark the sender last saw (0 when there was none). */
  baseVersion: number;
}

export interface SaveRegisterInput {
  groupId: number;
  date: string;
  session: SessionName;
  marks: RegisterEntry[];
  /** Marks everyone not given a mark and not yet marked present, or with their planned absence; never a pupil with refused leave that day. */
  allPresent?: boolean | undefined;
  /** Required to change marks once the register has closed. */
  reason?: string | undefined;
}

export interface SaveRegisterResult extends Omit<RecordResult, "versions"> {
  register: Register;
}

/**
 * Saves a register. Teachers mark their own groups while the register is open; once it closes
 * only office roles change marks, and every change needs a reason. A save based on marks someone
 * else has changed meanwhile is refused whole (409) rather than overwriting them; saving the same
 * marks again changes nothing.
 */
export async function saveRegister(
  ctx: UseCaseContext,
  input: SaveRegisterInput,
): Promise<SaveRegisterResult> {
  const { db, access } = ctx;
  const { schoolId } = access;
  const instant = ctx.clock();
  const now = momentOf(instant);
  if (!access.canTakeRegister(input.groupId)) {
    throw new RollbookError(
      "forbidden",
      "You can only take the registers of your own registration groups",
    );
  }
  const calendar = await loadCalendar(db, schoolId);
  assertSchoolSession(calendar, input.date, input.session);
  const before = await loadRegister(db, schoolId, input.groupId, input.date, input.session, now);
  const office = access.can("marks.amend");
  if (before.state === "not_open_yet") {
    const opens = input.session === "AM" ? before.times.amOpens : before.times.pmOpens;
    throw new RollbookError(
      "invalid_input",
      input.date > now.date
        ? "A register cannot be taken for a future session; record a planned absence instead"
        : `The ${input.session} register opens at ${opens}`,
    );
  }
  if (before.state === "closed" && !office) {
    const closes = input.session === "AM" ? before.times.amCloses : before.times.pmCloses;
    throw new RollbookError(
      "forbidden",
      `The ${input.session} register closed at ${closes}; ask the attendance office to amend it`,
    );
  }

  const members = new Map(before.pupils.map((p) => [p.pupilId, p]));
  const problems: string[] = [];
  const marks: (MarkToRecord & { baseVersion: number })[] = [];
  const seen = new Set<number>();
  for (const entry of input.marks) {
    const pupil = members.get(entry.pupilId);
    if (!pupil) {
      problems.push(
        `pupil ${entry.pupilId} is not on roll in ${before.group.name} on ${input.date}`,
      );
      continue;
    }
    if (seen.has(entry.pupilId)) {
      problems.push(`${pupil.name} is given two marks`);
      continue;
    }
    seen.add(entry.pupilId);
    try {
      const { code, minutesLate } = resolveEntry(entry, before.times, input, now, pupil.upn);
      marks.push({
        pupilId: entry.pupilId,
        date: input.date,
        session: input.session,
        code,
        minutesLate,
        baseVersion: entry.baseVersion,
      });
    } catch (error) {
      if (!isRollbookError(error)) throw error;
      problems.push(`${pupil.name}: ${error.message}`);
    }
  }
  if (problems.length > 0)
    throw new RollbookError("invalid_input", `The register was not saved: ${problems.join("; ")}`, {
      problems,
    });
  if (input.allPresent) {
    for (const pupil of before.pupils) {
      if (seen.has(pupil.pupilId) || pupil.mark) continue;
      // Refused leave: the pupil may be away on it, so the tutor marks them (G is suggested).
      if (pupil.suggestion) continue;
      marks.push({
        pupilId: pupil.pupilId,
        date: input.date,
        session: input.session,
        code: pupil.planned?.code ?? presentSymbolFor(input.session),
        minutesLate: null,
        baseVersion: 0,
      });
    }
  }

  const closed = before.state === "closed";
  const reason = input.reason?.trim() || null;
  const signature = access.signature();
  // The log names every pupil the save gave a mark, in the save's own transaction.
  ctx.audit.listed(
    schoolId,
    marks.map((m) => m.pupilId),
  );
  // Inside another use case's change, that change writes the one log row for both.
  const logHere = !db.isTransaction;
  const outcome = await saveRegisterMarks(db, {
    schoolId,
    groupId: input.groupId,
    date: input.date,
    session: input.session,
    marks,
    recording: {
      by: signature,
      at: instant,
      source: closed ? "amendment" : "register",
      reason,
      userId: access.accountId,
    },
    reasonRequired: closed && !reason,
    log: logHere
      ? {
          at: ctx.clock(),
          actor: access.actor.name,
          pupilId: ctx.audit.subjectId,
          pupilIds: ctx.audit.listedIn(schoolId),
          what: ctx.audit.what ?? "save register",
        }
      : null,
  });
  if (outcome.kind !== "saved") refuseStale(outcome, before);
  if (logHere) ctx.audit.changeLogged = true;
  const recorded = outcome;
  const taken = {
    first_taken_by: outcome.taken.firstTakenBy,
    first_taken_at: outcome.taken.firstTakenAt,
    saves: outcome.taken.saves,
  };
  // The register after the save, from what the transaction saw and wrote: no second read.
  const saved = new Map(marks.map((m) => [m.pupilId, m]));
  const register: Register = {
    ...before,
    taken: {
      firstTakenBy: taken.first_taken_by,
      firstTakenAt: taken.first_taken_at,
      lastSavedBy: signature,
      lastSavedAt: instant,
      saves: taken.saves,
    },
    pupils: before.pupils.map((pupil) => {
      const mark = saved.get(pupil.pupilId);
      if (!mark) return pupil;
      const version = recorded.versions.get(mark.pupilId) ?? 1;
      return { ...pupil, mark: { code: mark.code, minutesLate: mark.minutesLate, version } };
    }),
  };
  return {
    created: recorded.created,
    amended: recorded.amended,
    unchanged: recorded.unchanged,
    register,
  };
}

function resolveEntry(
  entry: RegisterEntry,
  times: RegisterTimes,
  input: SaveRegisterInput,
  now: Moment,
  upn: string,
): { code: string; minutesLate: number | null } {
  if (entry.arrivedAt) return lateMark(times, input.session, entry.arrivedAt);
  if (!entry.code) throw new RollbookError("invalid_input", "give a code or an arrival time");
  const code = codeOn(normaliseSymbol(entry.code, input.session), input.date, {
    pupil: upn,
    session: input.session,
  }).symbol;
  if (code !== "L" && code !== "U") {
    if (entry.minutesLate != null)
      throw new RollbookError("invalid_input", `only L and U take minutes late, not ${code}`);
    return { code, minutesLate: null };
  }
  const opens = minutesOfDay(input.session === "AM" ? times.amOpens : times.pmOpens);
  const closes = minutesOfDay(input.session === "AM" ? times.amCloses : times.pmCloses);
  let minutesLate = entry.minutesLate ?? null;
  if (minutesLate === null && input.date === now.date)
    minutesLate = Math.max(1, minutesOfDay(now.clock) - opens);
  if (minutesLate === null)
    throw new RollbookError("invalid_input", `${code} needs minutes late or an arrival time`);
  if (code === "L" && opens + minutesLate > closes) {
    throw new RollbookError(
      "invalid_input",
      `${minutesLate} minutes late is after the register closed: that is U, not L`,
    );
  }
  if (code === "U" && opens + minutesLate <= closes) {
    throw new RollbookError(
      "invalid_input",
      `${minutesLate} minutes late is before the register closed: that is L, not U`,
    );
  }
  return { code, minutesLate };
}

/** Refuses a save built on marks that changed since the sender loaded the register; nothing was written. */
function refuseStale(
  outcome: Exclude<RegisterSaveOutcome, { kind: "saved" }>,
  before: Register,
): never {
  const names = new Map(before.pupils.map((p) => [p.pupilId, p.name]));
  const nameOf = (pupilId: number) => names.get(pupilId) ?? String(pupilId);
  if (outcome.kind === "conflict") {
    const conflicts = outcome.current.map((c) => ({
      pupilId: c.pupilId,
      name: nameOf(c.pupilId),
      current: c.code,
      version: c.version,
    }));
    throw new RollbookError(
      "conflict",
      `Someone else changed ${conflicts.length} mark(s) since you opened this register (${conflicts
        .map((c) => `${c.name} is now ${c.current}`)
        .join(", ")}); nothing was saved. Reload the register and try again.`,
      { conflicts },
    );
  }
  throw new RollbookError(
    "invalid_input",
    `The register has closed: give a reason to change the marks of ${outcome.pupilIds.map(nameOf).join(", ")}`,
  );
}
