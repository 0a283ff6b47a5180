import { z } from "zod";
import { id, schoolParams } from "../params.ts";

const session = z.enum(["AM", "PM"]);

export const misConnectBody = z.object({
  provider: z.literal("wonde"),
  providerSchoolId: z.string().trim().min(1, "give the school's id in Wonde").max(50),
  baseUrl: z.string().trim().min(1).max(200),
  tokenRef: z.string().trim().min(1).max(110),
  syncMarks: z.boolean().optional(),
  writeback: z.boolean().optional(),
});

const connection = z.object({
  provider: z.enum(["wonde", "xporter"]),
  providerSchoolId: z.string(),
  baseUrl: z.string(),
  tokenRef: z.string(),
  state: z.enum(["active", "paused", "token_refused"]),
  syncMarks: z.boolean(),
  writeback: z.boolean(),
  syncedUntil: z.date().nullable(),
});

const run = z.object({
  id: z.number(),
  kind: z.enum(["initial", "delta"]),
  trigger: z.string(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  state: z.enum(["running", "done", "failed"]),
  step: z.string().nullable(),
  done: z.number(),
  total: z.number(),
  counts: z.record(z.string(), z.number()),
  errors: z.array(z.string()),
});

export const misStatusResponse = z.object({
  connection: connection.nullable(),
  runs: z.array(run),
  writeback: z.array(z.object({ state: z.string(), marks: z.number() })),
  refused: z.array(
    z.object({
      id: z.number(),
      pupil: z.string(),
      date: z.string(),
      session,
      code: z.string(),
      state: z.string(),
      reason: z.string(),
      attempts: z.number(),
    }),
  ),
  openConflicts: z.number(),
});
export const misConnected = z.object({ connected: z.literal(true) });
export const misSyncStarted = z.object({ runId: z.number() });

export const misConflictList = z.object({
  conflicts: z.array(
    z.object({
      id: z.number(),
      pupilId: z.number(),
      pupil: z.string(),
      date: z.string(),
      session,
      ours: z.string(),
      oursMinutesLate: z.number().nullable(),
      oursAt: z.date().nullable(),
      theirs: z.string(),
      theirsMinutesLate: z.number().nullable(),
      theirsAt: z.date().nullable(),
      foundAt: z.date(),
    }),
  ),
});
export const misConflictParams = schoolParams.extend({ conflictId: id });
export const misDecisionBody = z.object({
  decision: z.enum(["keep_ours", "take_theirs"]),
  reason: z.string().trim().min(1, "say why, for the register's history").max(500),
});
export const misDecided = z.object({ decision: z.enum(["keep_ours", "take_theirs"]) });

/** What the web app receives (dates as JSON sends them). */
type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;
export type MisStatusView = Json<z.infer<typeof misStatusResponse>>;
export type MisConflictView = Json<z.infer<typeof misConflictList>>["conflicts"][number];
export type MisConnectBody = z.input<typeof misConnectBody>;
export type MisDecisionBody = z.input<typeof misDecisionBody>;
