import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { SessionName } from "../../domain/calendar.ts";
import { type CodePicker, codePicker } from "../../domain/code-picker.ts";
import { addDays } from "../../domain/dates.ts";

/** Four weeks is long enough to know a school's habits and short enough to follow a bout of illness. */
const USAGE_DAYS = 28;

/** The register's code picker for a school and session: its most-used codes over the last four weeks first. */
export async function registerCodePicker(
  db: Kysely<DB>,
  schoolId: number,
  date: string,
  session: SessionName,
): Promise<CodePicker> {
  const rows = await db
    .selectFrom("session_marks")
    .select(["code", (eb) => eb.fn.countAll<string>().as("uses")])
    .where("school_id", "=", schoolId)
    .where("date", ">=", addDays(date, -USAGE_DAYS))
    .where("date", "<=", date)
    .groupBy("code")
    .execute();
  return codePicker(date, session, new Map(rows.map((r) => [r.code, Number(r.uses)])));
}
