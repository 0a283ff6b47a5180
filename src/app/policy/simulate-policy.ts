import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { bandOf } from "../../domain/policy/bands.ts";
import type { PupilContext } from "../../domain/policy/conditions/index.ts";
import { evaluatePupil, type PreviousProposal } from "../../domain/policy/evaluate.ts";
import { attendanceOver } from "../../domain/policy/evaluation.ts";
import type { SessionIndex } from "../../domain/policy/timeline.ts";
import type { Action, Policy } from "../../domain/policy/types.ts";
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
    const previous: PreviousProposal[] = [];
    let context: PupilContext = {
      flags: pupil.flags,
      dateOfBirth: pupil.dateOfBirth,
      history: histories.get(pupil.id) ?? { parents: [], events: [] },
    };
    for (const day of days) {
      for (const proposal of evaluatePupil(policy, index, day, {
        codes: pupil.codes,
        context,
        previous,
      })) {
        previous.push({
          triggerId: proposal.triggerId,
          dedupeKey: proposal.dedupeKey,
          evidenceEnd: proposal.evidence.at(-1)?.date ?? null,
        });
        proposals.push({
          date: day,
          pupilId: pupil.id,
          upn: pupil.upn,
          name: pupil.name,
          ...proposal,
        });
        context = afterAccepting(policy, context, proposal, day, pupil.codes, index);
      }
    }
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

/** The pupil's context once a proposal's stage actions are carried out on `day`. */
function afterAccepting(
  policy: Policy,
  context: PupilContext,
  proposal: { actions: Action[]; evidence: { date: IsoDate }[] },
  day: IsoDate,
  codes: Uint8Array,
  index: SessionIndex,
): PupilContext {
  let next = context;
  for (const action of proposal.actions) {
    if (action.type === "start_stage") {
      const baseline = attendanceOver(
        codes,
        index.firstOnOrAfter(academicYearBounds(academicYearOf(day)).from),
        index.endOf(day),
      );
      const band = bandOf(policy.bands, baseline);
      next = {
        ...next,
        stage: {
          id: action.stage,
          startedOn: day,
          baseline,
          reviewDue: null,
          evidenceEnd: proposal.evidence.at(-1)?.date ?? null,
        },
        ...(band ? { lastReview: { on: day, band: band.id } } : {}),
      };
    } else if (action.type === "close_stage" && next.stage) {
      const { stage: _closed, ...rest } = next;
      next = rest;
    }
  }
  return next;
}
