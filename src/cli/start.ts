import type { Command } from "commander";
import { resolveRange, schoolReport } from "../app/attendance-statistics.ts";
import { createDemoSchool } from "../app/demo/create-demo-school.ts";
import { loadCalendar } from "../db/repositories/calendar.ts";
import { listSchools } from "../db/repositories/schools.ts";
import { londonToday } from "../domain/dates.ts";
import { formatPercent } from "../domain/statistics.ts";
import { type DatabaseFlags, withDatabase } from "./context.ts";
import { progress } from "./output.ts";

export function registerStart(program: Command): void {
  program
    .command("start")
    .description(
      "start Rollbook on the configured database, loading the demo school into an empty one",
    )
    .action(async (_flags: unknown, command: Command) => {
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db, location }) => {
        let schools = await listSchools(db);
        if (schools.length === 0) {
          process.stdout.write(
            `The database at ${location} is empty: loading the demo school (once only)...\n`,
          );
          const bar = progress();
          await createDemoSchool(db, { seed: 2024, today: londonToday(), onProgress: bar.update });
          bar.stop();
          schools = await listSchools(db);
        }
        for (const school of schools) {
          const calendar = await loadCalendar(db, school.id);
          const range = resolveRange(calendar, { kind: "year_to_date" });
          const { overall } = await schoolReport(db, school.id, range);
          process.stdout.write(
            `${school.name}: attendance ${formatPercent(overall.attendanceRate)}% this year to date, ` +
              `${overall.persistentAbsentees} of ${overall.enrolments} pupils persistently absent\n`,
          );
        }
        process.stdout.write(
          "Try: npm run rollbook -- stats --group 9C   (or --pupil <UPN>, --period term, --json)\n",
        );
      });
    });
}
