import type { Command } from "commander";
import {
  groupReport,
  pupilReport,
  type RangeRequest,
  resolveRange,
  schoolReport,
} from "../app/attendance-statistics.ts";
import { loadCalendar } from "../db/repositories/calendar.ts";
import { findPupil } from "../db/repositories/pupils.ts";
import { resolveSchool } from "../db/repositories/schools.ts";
import type { DateRange, Period } from "../domain/calendar.ts";
import { parseIsoDate } from "../domain/dates.ts";
import { RollbookError } from "../domain/errors.ts";
import { formatPercent, type GroupStatistics, type PupilStatistics } from "../domain/statistics.ts";
import { type DatabaseFlags, withDatabase } from "./context.ts";
import { table } from "./output.ts";

interface StatsFlags extends DatabaseFlags {
  school?: string;
  pupil?: string;
  group?: string;
  yearGroup?: string;
  period?: string;
  date?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

export function registerStats(program: Command): void {
  program
    .command("stats")
    .description(
      "attendance statistics for the school, a year group, a registration group or a pupil",
    )
    .option("--school <id|urn|name>", "school (needed when several are stored)")
    .option("--pupil <upn>", "one pupil, by UPN")
    .option("--group <name>", "a registration group, e.g. 8C")
    .option("--year-group <name>", 'a year group, e.g. "Year 8"')
    .option("--period <period>", "year, term or half_term (the one around --date)")
    .option("--date <date>", "the day the period or year to date is taken at (default today)")
    .option("--from <date>", "custom range start (YYYY-MM-DD)")
    .option("--to <date>", "custom range end (YYYY-MM-DD)")
    .option("--json", "print JSON instead of tables")
    .action(async (flags: StatsFlags, command: Command) => {
      const global = command.optsWithGlobals<DatabaseFlags>();
      await withDatabase(global, async ({ db }) => {
        const school = await resolveSchool(db, flags.school);
        const calendar = await loadCalendar(db, school.id);
        const range = resolveRange(calendar, rangeRequest(flags));
        if (flags.pupil) {
          const pupil = await findPupil(db, school.id, flags.pupil);
          const report = await pupilReport(db, school.id, pupil.id, range);
          const name = `${pupil.preferred_forename ?? pupil.legal_forename} ${pupil.legal_surname}`;
          print(flags, { school: school.name, pupil: { upn: pupil.upn, name }, ...report }, () =>
            [
              heading(`${name} (UPN ${pupil.upn})`, range),
              headline(report.statistics),
              codes(report.statistics),
            ].join("\n\n"),
          );
        } else if (flags.group || flags.yearGroup) {
          const report = await groupReport(
            db,
            school.id,
            {
              ...(flags.group ? { registrationGroup: flags.group } : {}),
              ...(flags.yearGroup ? { yearGroup: flags.yearGroup } : {}),
            },
            range,
          );
          print(flags, { school: school.name, ...report }, () =>
            [
              heading(`${school.name}, ${flags.group ?? flags.yearGroup}`, range),
              headline(report.overall),
              table(
                [
                  "Pupil",
                  "UPN",
                  "Possible",
                  "Attendance %",
                  "Authorised %",
                  "Unauthorised %",
                  "Late",
                  "PA",
                  "SA",
                ],
                report.pupils.map((p) => [
                  p.name,
                  p.upn,
                  p.statistics.possible,
                  formatPercent(p.statistics.attendanceRate),
                  formatPercent(p.statistics.authorisedAbsenceRate),
                  formatPercent(p.statistics.unauthorisedAbsenceRate),
                  p.statistics.late,
                  p.statistics.persistentlyAbsent ? "PA" : "",
                  p.statistics.severelyAbsent ? "SA" : "",
                ]),
              ),
            ].join("\n\n"),
          );
        } else {
          const report = await schoolReport(db, school.id, range);
          const rows = (list: typeof report.byYearGroup) =>
            list.map(({ label, statistics: s }) => [
              label,
              s.enrolments,
              formatPercent(s.attendanceRate),
              formatPercent(s.authorisedAbsenceRate),
              formatPercent(s.unauthorisedAbsenceRate),
              s.persistentAbsentees,
              formatPercent(s.persistentAbsenceRate),
              s.severeAbsentees,
            ]);
          const headers = ["Attendance %", "Authorised %", "Unauthorised %", "PA", "PA %", "SA"];
          print(flags, { school: school.name, ...report }, () =>
            [
              heading(school.name, range),
              headline(report.overall),
              table(["Year group", "Pupils", ...headers], rows(report.byYearGroup)),
              table(["Registration group", "Pupils", ...headers], rows(report.byRegistrationGroup)),
            ].join("\n\n"),
          );
        }
      });
    });
}

function rangeRequest(flags: StatsFlags): RangeRequest {
  const date = flags.date ? parseIsoDate(flags.date, "--date") : undefined;
  if (flags.from || flags.to) {
    if (!flags.from || !flags.to)
      throw new RollbookError("invalid_input", "Give both --from and --to for a custom range");
    return {
      kind: "custom",
      from: parseIsoDate(flags.from, "--from"),
      to: parseIsoDate(flags.to, "--to"),
    };
  }
  if (flags.period) {
    if (!["year", "term", "half_term"].includes(flags.period)) {
      throw new RollbookError(
        "invalid_input",
        `--period must be year, term or half_term, not "${flags.period}"`,
      );
    }
    return { kind: "period", period: flags.period as Period, date };
  }
  return { kind: "year_to_date", date };
}

function print(flags: StatsFlags, data: unknown, text: () => string): void {
  process.stdout.write(`${flags.json ? JSON.stringify(data, null, 2) : text()}\n`);
}

function heading(title: string, range: DateRange): string {
  return `${title}: ${range.from} to ${range.to}`;
}

function headline(s: PupilStatistics | GroupStatistics): string {
  const parts = [
    `Attendance ${formatPercent(s.attendanceRate)}%`,
    `authorised absence ${formatPercent(s.authorisedAbsenceRate)}%`,
    `unauthorised absence ${formatPercent(s.unauthorisedAbsenceRate)}%`,
  ];
  if ("enrolments" in s) {
    parts.push(
      `persistent absence ${formatPercent(s.persistentAbsenceRate)}% (${s.persistentAbsentees} of ${s.enrolments})`,
      `severe absence ${formatPercent(s.severeAbsenceRate)}% (${s.severeAbsentees})`,
    );
  } else if (s.severelyAbsent) {
    parts.push("SEVERELY ABSENT (missed 50% or more)");
  } else if (s.persistentlyAbsent) {
    parts.push("PERSISTENTLY ABSENT (missed 10% or more)");
  }
  const sessions = `Sessions: ${s.possible} possible, ${s.present} present, ${s.aea} approved educational activity, ${s.authorised} authorised and ${s.unauthorised} unauthorised absence, ${s.late} late, ${s.notPossible} not counted`;
  return `${parts.join(", ")}\n${sessions}`;
}

function codes(s: PupilStatistics): string {
  const rows = Object.entries(s.byCode)
    .sort(([, a], [, b]) => b - a)
    .map(([code, n]) => [code, n]);
  return table(["Code", "Sessions"], rows);
}
