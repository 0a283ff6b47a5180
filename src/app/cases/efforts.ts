import { londonToday } from "../../domain/dates.ts";
import type { UseCaseContext } from "../context.ts";
import { effortLines } from "../letters/efforts-made.ts";
import { caseToWork } from "./case-access.ts";

/**
 * Everything the school has done for the case's pupil so far, dated, oldest first: the account a
 * notice to improve sets out ({efforts_made}), drawn from the whole chronology, contract or not.
 */
export async function showEffortsMade(
  ctx: UseCaseContext,
  caseId: number,
): Promise<{ efforts: { on: string; text: string }[] }> {
  const { db, access } = ctx;
  const { caseRecord } = await caseToWork(db, access, caseId, { mustBeOpen: false });
  const efforts = await effortLines(
    db,
    access.schoolId,
    caseRecord.pupilId,
    londonToday(ctx.clock()),
  );
  return { efforts };
}
