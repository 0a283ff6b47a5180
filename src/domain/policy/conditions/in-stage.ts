import { z } from "zod";
import { dayLabel } from "../../dates.ts";
import { describeDuration, endOfDuration } from "../durations.ts";
import { duration, id } from "../fields.ts";
import type { ConditionKind } from "./kind.ts";

/**
 * The pupil's case is in a stage, or has the status a stage sets ("on an attendance plan"), and
 * has been for at least a duration in the policy's units ("after 6 school weeks on the plan"):
 * the time counts from the day the stage began, skipping holidays and closures for school units.
 */
export const schema = z
  .object({
    kind: z.literal("in_stage"),
    /** The stage's id; any stage when only a status is given. */
    stage: id.optional(),
    /** A status one of the policy's stages sets, matched exactly. */
    status: z.string().trim().min(1).max(80).optional(),
    /** At least this long since the stage began; any time in it when not given. */
    forAtLeast: duration.optional(),
  })
  .refine((c) => c.stage !== undefined || c.status !== undefined, "give a stage or a status");
export type InStageCondition = z.infer<typeof schema>;

export const inStage: ConditionKind<InStageCondition> = {
  evaluate(c, e) {
    const wanted = c.stage ? `stage ${c.stage}` : `status "${c.status}"`;
    const current = e.context.stage;
    if (!current)
      return { met: false, reason: `not in a stage, so not in ${wanted}`, evidence: [] };
    const definition = e.policy.stages.find((s) => s.id === current.id);
    const name = definition?.name ?? current.id;
    if (c.stage !== undefined && current.id !== c.stage)
      return { met: false, reason: `in ${name}, not ${wanted}`, evidence: [] };
    if (c.status !== undefined && definition?.status !== c.status) {
      const has = definition?.status ? `"${definition.status}"` : "no status";
      return { met: false, reason: `in ${name} with ${has}, not ${wanted}`, evidence: [] };
    }
    const since = `in ${name}${definition?.status ? ` ("${definition.status}")` : ""} since ${dayLabel(current.startedOn)}`;
    if (!c.forAtLeast) return { met: true, reason: since, evidence: [] };
    const from = endOfDuration(e.index.calendar, current.startedOn, c.forAtLeast);
    const long = describeDuration(c.forAtLeast);
    return from <= e.asOf
      ? { met: true, reason: `${since}, ${long} or more (from ${dayLabel(from)})`, evidence: [] }
      : { met: false, reason: `${since}, not yet ${long} (${dayLabel(from)})`, evidence: [] };
  },
  check(c, at, references, problems) {
    if (c.stage !== undefined && !references.stages.has(c.stage))
      problems.push(`${at}.stage: there is no stage "${c.stage}"`);
    if (c.status !== undefined && !references.statuses.has(c.status))
      problems.push(`${at}.status: no stage of the policy sets the status "${c.status}"`);
  },
  usesStage: () => true,
  description: {
    title: "in stage {stage} {status}",
    summary:
      "The pupil's case is in a stage, or has the status a stage sets, for at least a time counted from the day the stage began (school days, school weeks or sessions skip holidays and closures).",
    fields: [
      { path: "stage", label: "stage", meaning: "the stage's id (any stage when empty)" },
      {
        path: "status",
        label: "status",
        meaning: 'a status a stage sets, such as "On an attendance plan" (any when empty)',
      },
      {
        path: "forAtLeast.length",
        label: "for at least",
        meaning: "how long since the stage began, in the unit below",
        adjustable: true,
      },
      {
        path: "forAtLeast",
        label: "time in the stage",
        meaning:
          "{ length, unit }: school_days, school_weeks, sessions, calendar_weeks or calendar_days; any time when empty",
      },
    ],
  },
};
