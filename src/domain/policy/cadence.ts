import { addDays, type IsoDate } from "../dates.ts";
import type { Stage } from "./types.ts";

export interface CadenceDue {
  what: "contact" | "review";
  everyWeeks: number;
  /** The day it falls due: a cadence after the last one done, or after the stage began. */
  due: IsoDate;
  lastDone: IsoDate | null;
}

/**
 * The regular contact and reviews a stage asks for, each due `everyWeeks` after it was last done
 * (or after the stage began): "the Attendance Leader contacts parents weekly".
 */
export function cadenceDue(
  stage: Stage,
  startedOn: IsoDate,
  lastDone: { contact: IsoDate | null; review: IsoDate | null },
): CadenceDue[] {
  return (stage.cadence ?? []).map((c) => {
    const last = lastDone[c.what];
    const from = last && last >= startedOn ? last : startedOn;
    return { ...c, due: addDays(from, c.everyWeeks * 7), lastDone: last };
  });
}

export function cadenceName(c: { what: "contact" | "review"; everyWeeks: number }): string {
  const every =
    c.everyWeeks === 1
      ? "Weekly"
      : c.everyWeeks === 2
        ? "Fortnightly"
        : `Every ${c.everyWeeks} weeks:`;
  return `${every} ${c.what === "contact" ? "contact with the family" : "review"}`;
}
