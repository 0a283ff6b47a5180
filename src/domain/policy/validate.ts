import { checkCondition, usesStage } from "./conditions/index.ts";
import type { Action, Policy } from "./types.ts";

/**
 * Checks a policy hangs together: bands from best to worst ending at 0%, unique ids, every stage,
 * band and code a trigger names exists. Returns every problem, each with where it is.
 */
export function policyProblems(policy: Policy): string[] {
  const problems: string[] = [];
  const bandIds = new Set<string>();
  policy.bands.forEach((band, i) => {
    if (bandIds.has(band.id)) problems.push(`bands[${i}]: the id "${band.id}" is used twice`);
    bandIds.add(band.id);
    const previous = policy.bands[i - 1];
    if (previous && band.min >= previous.min) {
      problems.push(
        `bands[${i}]: "${band.name}" starts at ${band.min}%, not below "${previous.name}" (${previous.min}%): list bands from best to worst`,
      );
    }
  });
  if (policy.bands.length === 0) problems.push("bands: at least one band is needed");
  else if (policy.bands.at(-1)?.min !== 0)
    problems.push("bands: the last (worst) band must start at 0% so every pupil has a band");
  for (const bandId of Object.keys(policy.bandLetters ?? {}))
    if (!bandIds.has(bandId))
      problems.push(`bandLetters.${bandId}: there is no band "${bandId}" in the policy`);
  const stageIds = new Set<string>();
  policy.stages.forEach((stage, i) => {
    if (stageIds.has(stage.id)) problems.push(`stages[${i}]: the id "${stage.id}" is used twice`);
    stageIds.add(stage.id);
    const review = stage.review;
    if (
      review?.byStartingAttendance?.some(
        (r, j, rows) => j > 0 && r.below <= (rows[j - 1]?.below ?? 0),
      )
    ) {
      problems.push(
        `stages[${i}].review.byStartingAttendance: list rows from the lowest attendance up`,
      );
    }
  });
  const statuses = new Set(policy.stages.flatMap((s) => (s.status ? [s.status] : [])));
  const references = { bands: bandIds, stages: stageIds, statuses };
  const triggerIds = new Set<string>();
  policy.triggers.forEach((trigger, i) => {
    const at = `triggers[${i}] ("${trigger.id}")`;
    if (triggerIds.has(trigger.id)) problems.push(`${at}: the id is used twice`);
    triggerIds.add(trigger.id);
    if (trigger.inStage && trigger.inStage !== "none" && !stageIds.has(trigger.inStage)) {
      problems.push(`${at}.inStage: there is no stage "${trigger.inStage}"`);
    }
    if (trigger.repeat === "once_per_stage" && !trigger.inStage && !usesStage(trigger.when)) {
      problems.push(`${at}.repeat: "once_per_stage" needs the trigger to apply within a stage`);
    }
    if (trigger.actions.length === 0)
      problems.push(`${at}.actions: a trigger needs at least one action`);
    trigger.actions.forEach((action, j) => {
      checkAction(action, `${at}.actions[${j}]`, stageIds, problems);
    });
    checkCondition(trigger.when, `${at}.when`, references, problems);
  });
  const noticeToImproveStage = policy.casework?.noticeToImproveStage;
  if (noticeToImproveStage !== undefined && !stageIds.has(noticeToImproveStage))
    problems.push(`casework.noticeToImproveStage: there is no stage "${noticeToImproveStage}"`);
  return problems;
}

function checkAction(action: Action, at: string, stages: Set<string>, problems: string[]): void {
  if (action.type === "start_stage" && !stages.has(action.stage))
    problems.push(`${at}: there is no stage "${action.stage}"`);
}
