import { z } from "zod";

const stageId = z.string().min(1, "choose a stage").max(60);
const reason = z.string().trim().min(1, "give the reason").max(1000);

export const moveStageBody = z.object({ stageId, reason: reason.nullable().default(null) });
export const movedCase = z.object({ caseId: z.number(), stageId: z.string() });
export const closeCaseBody = z.object({ outcome: z.string().trim().min(1).max(200) });
export const closedCase = z.object({ closed: z.number() });
export const reopenCaseBody = z.object({ stageId, reason });
export const reopenedCase = z.object({ caseId: z.number(), reopenedFrom: z.number() });

export type MoveStageBody = z.input<typeof moveStageBody>;
export type CloseCaseBody = z.input<typeof closeCaseBody>;
export type ReopenCaseBody = z.input<typeof reopenCaseBody>;
export type ReopenedCase = z.infer<typeof reopenedCase>;
