import { type Kysely, sql } from "kysely";
import type { SessionName } from "../../domain/calendar.ts";
import { codeOn } from "../../domain/codes.ts";
import { slotOf } from "../../domain/marks.ts";
import type { DB } from "../schema.ts";
import type { Recording } from "./marks.ts";

export interface RegisterMark {
  pupilId: number;
  /** A register symbol already checked against the code registry for the register's date. */
  code: string;
  minutesLate: number | null;
  /** The version of the mark the sender last saw (0 when there was none). */
  baseVersion: number;
}

export interface RegisterSave {
  schoolId: number;
  groupId: number;
  date: string;
  session: SessionName;
  /** One per pupil at most (callers validate). */
  marks: RegisterMark[];
  recording: Recording;
  /** The register has closed and no reason was given: a change to an existing mark is refused. */
  reasonRequired: boolean;
  /** The access-log row of the change, written in the save's transaction (null: the caller's). */
  log: {
    at: Date;
    actor: string;
    pupilId: number | null;
    pupilIds: number[] | null;
    what: string;
  } | null;
}

export type RegisterSaveOutcome =
  | {
      kind: "saved";
      created: number;
      amended: number;
      unchanged: number;
      /** Each given pupil's mark version after the save. */
      versions: Map<number, number>;
      taken: { firstTakenBy: string; firstTakenAt: Date; saves: number };
    }
  /** Nothing written: these marks changed since the sender saw them. */
  | { kind: "conflict"; current: { pupilId: number; code: string; version: number }[] }
  /** Nothing written: the register has closed and these pupils' marks would change without a reason. */
  | { kind: "reason"; pupilIds: number[] };

/**
 * A register save in one statement (the save_register SQL function): lock, stale and reason
 * checks, marks, history, compact form, the register's taken row and the access log, all or
 * nothing. recordMarks stays the write path for everything else (amendments, imports).
 */
export async function saveRegisterMarks(
  db: Kysely<DB>,
  save: RegisterSave,
): Promise<RegisterSaveOutcome> {
  const { startYear, slot } = slotOf(save.date, save.session);
  const { marks, recording, log } = save;
  const { rows } = await sql<{
    kind: "conflict" | "reason" | "mark" | "taken";
    pupil_id: number | null;
    code: string | null;
    version: number | null;
    changed: boolean | null;
    created: boolean | null;
    first_taken_by: string | null;
    first_taken_at: Date | null;
    saves: number | null;
  }>`
    select * from save_register(
      ${save.schoolId}::int, ${save.groupId}::int, ${save.date}::date, ${save.session}::text,
      ${marks.map((m) => m.pupilId)}::int[], ${marks.map((m) => m.code)}::text[],
      ${marks.map((m) => m.minutesLate)}::int[], ${marks.map((m) => m.baseVersion)}::int[],
      ${marks.map((m) => codeOn(m.code, save.date).index)}::int[], ${startYear}::int, ${slot}::int,
      ${recording.by}::text, ${recording.at}::timestamptz, ${recording.source}::text,
      ${recording.reason}::text, ${recording.userId ?? null}::int, ${save.reasonRequired}::boolean,
      ${log !== null}::boolean, ${log?.at ?? null}::timestamptz, ${log?.actor ?? null}::text,
      ${log?.pupilId ?? null}::int, ${log?.pupilIds && log.pupilIds.length > 0 ? log.pupilIds : null}::int[],
      ${log?.what ?? null}::text)`.execute(db);
  // Refusals name the pupils in the order the save gave them.
  const order = new Map(marks.map((m, i) => [m.pupilId, i]));
  const inOrder = (kind: string) =>
    rows
      .filter((r) => r.kind === kind)
      .sort((a, b) => (order.get(a.pupil_id ?? 0) ?? 0) - (order.get(b.pupil_id ?? 0) ?? 0));
  const conflicts = inOrder("conflict");
  if (conflicts.length > 0)
    return {
      kind: "conflict",
      current: conflicts.map((r) => ({
        pupilId: r.pupil_id as number,
        code: r.code as string,
        version: r.version as number,
      })),
    };
  const reasons = inOrder("reason");
  if (reasons.length > 0)
    return { kind: "reason", pupilIds: reasons.map((r) => r.pupil_id as number) };
  let created = 0;
  let amended = 0;
  let unchanged = 0;
  const versions = new Map<number, number>();
  let taken: { firstTakenBy: string; firstTakenAt: Date; saves: number } | null = null;
  for (const r of rows) {
    if (r.kind === "taken") {
      taken = {
        firstTakenBy: r.first_taken_by as string,
        firstTakenAt: r.first_taken_at as Date,
        saves: r.saves as number,
      };
      continue;
    }
    versions.set(r.pupil_id as number, r.version as number);
    if (!r.changed) unchanged++;
    else if (r.created) created++;
    else amended++;
  }
  if (!taken) throw new Error("save_register returned no taken row");
  return { kind: "saved", created, amended, unchanged, versions, taken };
}
