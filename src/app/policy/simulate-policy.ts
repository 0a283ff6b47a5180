import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { PupilContext } from "../../domain/policy/conditions/index.ts";
import type { Action, Policy } from "../../domain/policy/types.ts";
import { walkPupil } from "../../domain/policy/walk.ts";
import { loadEvaluationData } from "./evaluation-data.ts";
import { loadHistories } from "./pupil-history.ts";

export interface SimulatedProposal {
  date: IsoDate;
  pupilId: number;
  upn: string;
  name: string;
  triggerId: string;
  triggerName: string;
  actions: Action[];
  explanation: string;
  manualReview: boolean;
}

export interface Simulation {
  from: IsoDate;
  to: IsoDate;
  schoolDays: number;
  pupils: number;
  proposals: SimulatedProposal[];
  byTrigger: { triggerId: string; name: string; proposals: number; pupils: number }[];
}

const MAX_SIMULATED_DAYS = 200;

/**
 * What a policy would have proposed over a past stretch, evaluated school day by school day as
 * if every proposal had been accepted (stages started and closed as proposed). Reads the registers;
 * writes nothing.
 */
export async function simulatePolicy(
  db: Kysely<DB>,
  schoolId: number,
  policy: Policy,
  from: IsoDate,
  to: IsoDate,
): Promise<Simulation> {
  if (to < from)
    throw new RollbookError(
      "invalid_input",
      `The simulation ends (${to}) before it starts (${from})`,
    );
  const [{ index, pupils }, histories] = await Promise.all([
    loadEvaluationData(db, schoolId, from, to),
    loadHistories(db, schoolId),
  ]);
  const days = index.calendar.schoolDays(from, to);
  if (days.length > MAX_SIMULATED_DAYS) {
    throw new RollbookError(
      "invalid_input",
      `Simulate at most ${MAX_SIMULATED_DAYS} school days at a time (${days.length} asked for)`,
    );
  }
  const proposals: SimulatedProposal[] = [];
  for (const pupil of pupils) {
    const context: PupilContext = {
      flags: pupil.flags,
      dateOfBirth: pupil.dateOfBirth,
      history: histories.get(pupil.id) ?? { parents: [], events: [] },
    };
    for (const { date, proposal } of walkPupil(policy, index, days, pupil.codes, context))
      proposals.push({ date, pupilId: pupil.id, upn: pupil.upn, name: pupil.name, ...proposal });
  }
  proposals.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.pupilId - b.pupilId));
  const byTrigger = policy.triggers
    .map((t) => {
      const mine = proposals.filter((p) => p.triggerId === t.id);
      return {
        triggerId: t.id,
        name: t.name,
        proposals: mine.length,
        pupils: new Set(mine.map((p) => p.pupilId)).size,
      };
    })
    .filter((t) => t.proposals > 0);
  return { from, to, schoolDays: days.length, pupils: pupils.length, proposals, byTrigger };
}
