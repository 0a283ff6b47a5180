import { type AttendanceCode, codeOn, isKnownSymbol, REGULATIONS_2024_IN_FORCE } from "./codes.ts";

/**
 * DfE's published attendance files give sessions per reason in columns named after the code,
 * `reason_<code>_<words>` (`reason_c1_authorised_regulated_performance`, `reason_n_no_reason_yet`),
 * with the present marks as `reason_present_am` / `reason_present_pm` and planned closures as
 * `reason_not_attending_planned_closed`. This maps such a column to the code it counts, so imported
 * benchmarks are totalled by Rollbook's own categories. Other columns (totals) map to null.
 */
const SPECIAL_COLUMNS: Record<string, string> = {
  reason_present_am: "/",
  reason_present_pm: "\\",
  reason_not_attending_planned_closed: "#",
};

export function codeOfReasonColumn(column: string): AttendanceCode | null {
  const special = SPECIAL_COLUMNS[column];
  if (special) return codeOn(special, REGULATIONS_2024_IN_FORCE);
  const match = /^reason_([a-z0-9]+)_/.exec(column);
  const symbol = match?.[1]?.toUpperCase();
  if (!symbol || !isKnownSymbol(symbol)) return null;
  // Legacy columns (H, J, Y, F) still appear in current files; read them as the 2006 codes.
  try {
    return codeOn(symbol, REGULATIONS_2024_IN_FORCE);
  } catch {
    return codeOn(symbol, symbol === "F" ? "2013-08-31" : "2024-08-18");
  }
}
