import { visiblePupil } from "../access/visible-pupil.ts";
import type { UseCaseContext } from "../context.ts";
import { accessToPupil } from "./access-log.ts";

/** Who has viewed or changed a pupil's record, newest first: for those who may read the log. */
export async function showPupilAccessLog(ctx: UseCaseContext, input: { pupilId: number }) {
  ctx.access.require("audit.view");
  const pupil = await visiblePupil(ctx.db, ctx.access, input.pupilId);
  return { entries: await accessToPupil(ctx.db, ctx.access.schoolId, pupil.id) };
}
