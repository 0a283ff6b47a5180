import { useState } from "react";
import { formatPercent } from "../../../src/domain/percent.ts";
import type { DashboardPupilsView } from "../../../src/server/statistics.schema.ts";
import { api, londonToday } from "../api.ts";
import { useSession } from "../session.tsx";
import { Chart } from "../ui/Chart.tsx";
import { ErrorNotice, Loading } from "../ui/Notice.tsx";
import { pupilNameColumn } from "../ui/PupilColumn.tsx";
import { type Column, Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";
import { WeekdayButtons } from "../ui/WeekdayButtons.tsx";
import { BenchmarkComparison } from "./Benchmarks.tsx";
import { type Drill, DrillDown, type DrillPupil, LastYearNote } from "./DashboardDrill.tsx";
import { PunctualitySection } from "./Punctuality.tsx";

interface Ratio {
  numerator: number;
  denominator: number;
}

interface Group {
  possible: number;
  enrolments: number;
  attendanceRate: Ratio;
  authorisedAbsenceRate: Ratio;
  unauthorisedAbsenceRate: Ratio;
  /** Null over a period too short for persistent and severe absence to mean anything. */
  persistentAbsentees: number | null;
  severeAbsentees: number | null;
  persistentAbsenceRate: Ratio | null;
}

type PupilRow = DrillPupil;

interface DashboardData {
  range: { from: string; to: string };
  target: number | null;
  overall: Group;
  byYearGroup: { label: string; statistics: Group }[];
  byRegistrationGroup: { label: string; statistics: Group }[];
  cohorts: { cohort: string; statistics: Group; others: Group }[];
  weekdays: { weekday: string; percent: number | null }[];
  weeks: { weekStart: string; percent: number | null }[];
  pupils: PupilRow[];
  /** The cohorts whose pupils this account may see named. */
  listedCohorts: string[];
  absenceMeasures: { counted: boolean; sessions: number; label: string };
}

interface LastYear {
  range: { from: string; to: string };
  overall: Group | null;
  /** Each pupil counted in the year group they were in then: like set against like. */
  byYearGroup: { label: string; statistics: Group }[];
}

/** Columns of persistent and severe absence, left out when the period cannot count them. */
const MEASURE_COLUMNS = ["pa", "parate", "sa", "paothers"];

const pct = (r: Ratio | null) =>
  r?.denominator ? Math.round((r.numerator * 1000) / r.denominator) / 10 : null;
const show = (r: Ratio | null) => (r?.denominator ? `${formatPercent(r)}%` : "–");

/** A group's columns; its name opens the list of the pupils behind its figures. */
const groupColumns = (
  drill: (label: string) => void,
): Column<{ label: string; statistics: Group }>[] => [
  {
    key: "label",
    label: "Group",
    value: (g) => g.label,
    render: (g) => (
      <button type="button" className="link" onClick={() => drill(g.label)}>
        {g.label}
      </button>
    ),
  },
  { key: "pupils", label: "Pupils", value: (g) => g.statistics.enrolments, numeric: true },
  {
    key: "attendance",
    label: "Attendance",
    value: (g) => pct(g.statistics.attendanceRate),
    render: (g) => show(g.statistics.attendanceRate),
    numeric: true,
  },
  {
    key: "authorised",
    label: "Authorised absence",
    value: (g) => pct(g.statistics.authorisedAbsenceRate),
    render: (g) => show(g.statistics.authorisedAbsenceRate),
    numeric: true,
  },
  {
    key: "unauthorised",
    label: "Unauthorised absence",
    value: (g) => pct(g.statistics.unauthorisedAbsenceRate),
    render: (g) => show(g.statistics.unauthorisedAbsenceRate),
    numeric: true,
  },
  {
    key: "pa",
    label: "Persistently absent",
    value: (g) => g.statistics.persistentAbsentees,
    numeric: true,
  },
  {
    key: "parate",
    label: "PA rate",
    value: (g) => pct(g.statistics.persistentAbsenceRate),
    render: (g) => show(g.statistics.persistentAbsenceRate),
    numeric: true,
  },
  {
    key: "sa",
    label: "Severely absent",
    value: (g) => g.statistics.severeAbsentees,
    numeric: true,
  },
];

/**
 * The year group's attendance at this date last year (that year's pupils of the same year group)
 * and the change in points: the exact counts come from the server, rounded only here.
 */
const lastYearColumns = (lastYear: LastYear): Column<{ label: string; statistics: Group }>[] => {
  const then = (label: string) =>
    lastYear.byYearGroup.find((g) => g.label === label)?.statistics.attendanceRate ?? null;
  const change = (g: { label: string; statistics: Group }) => {
    const was = then(g.label);
    const now = g.statistics.attendanceRate;
    if (!was?.denominator || !now.denominator) return null;
    return (now.numerator * 100) / now.denominator - (was.numerator * 100) / was.denominator;
  };
  return [
    {
      key: "lastyear",
      label: "Attendance last year at this date",
      value: (g) => pct(then(g.label)),
      render: (g) => show(then(g.label)),
      numeric: true,
    },
    {
      key: "change",
      label: "Change (points)",
      value: (g) => {
        const points = change(g);
        return points === null ? null : Math.round(points * 10) / 10;
      },
      render: (g) => {
        const points = change(g);
        if (points === null) return "–";
        return `${points >= 0 ? "+" : "−"}${Math.abs(points).toFixed(1)}`;
      },
      numeric: true,
    },
  ];
};

const pupilColumns: Column<PupilRow>[] = [
  pupilNameColumn(),
  { key: "group", label: "Group", value: (p) => p.group },
  { key: "attendance", label: "Attendance %", value: (p) => Number(p.attendance), numeric: true },
  { key: "absence", label: "Sessions missed", value: (p) => p.absence, numeric: true },
  { key: "unauthorised", label: "Unauthorised", value: (p) => p.unauthorised, numeric: true },
];

/** The query for a period: today and this week are date ranges; the rest are the calendar's periods. */
function rangeQuery(period: string): string {
  const today = londonToday();
  if (period === "today") return `from=${today}&to=${today}`;
  if (period === "week") {
    const d = new Date(`${today}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    return `from=${d.toISOString().slice(0, 10)}&to=${today}`;
  }
  return `period=${period}`;
}

const PERIOD_NAMES: Record<string, string> = {
  today: "today",
  week: "this week",
  year_to_date: "this year to date",
  term: "this term",
  half_term: "this half term",
};

export function Dashboard() {
  const { schoolId } = useSession();
  const [period, setPeriod] = useState("year_to_date");
  const { data, error } = useApi<DashboardData>(
    schoolId ? `/api/schools/${schoolId}/dashboard?${rangeQuery(period)}` : null,
  );
  const lastYear = useApi<LastYear>(
    schoolId ? `/api/schools/${schoolId}/dashboard/last-year?${rangeQuery(period)}` : null,
  ).data;
  const [drill, setDrill] = useState<Drill | null>(null);
  const pupils = data?.pupils ?? [];
  const drillInto = (title: string, keep: (p: PupilRow) => boolean) =>
    setDrill({ title: `${title}, ${PERIOD_NAMES[period] ?? ""}`, pupils: pupils.filter(keep) });
  const [drillError, setDrillError] = useState<Error | null>(null);
  /** The pupils behind a chart's point, counted by the server over that week or weekday. */
  const drillFrom = (title: string, query: string) => {
    setDrillError(null);
    api
      .get<DashboardPupilsView>(`/api/schools/${schoolId}/dashboard/pupils?${query}`)
      .then((answer) => setDrill({ title, pupils: answer.pupils }))
      .catch((e: Error) => setDrillError(e));
  };
  const drillWeek = (weekStart: string) => {
    if (!data) return;
    const sunday = new Date(`${weekStart}T12:00:00Z`);
    sunday.setUTCDate(sunday.getUTCDate() + 6);
    // The week's dates within the period: ISO dates sort as text.
    const from = [weekStart, data.range.from].sort()[1];
    const to = [sunday.toISOString().slice(0, 10), data.range.to].sort()[0];
    setDrill(null);
    drillFrom(`the week of ${weekStart}`, `from=${from}&to=${to}`);
  };
  const drillWeekday = (weekday: string, what = "absence") => {
    setDrill(null);
    drillFrom(
      `${what} on ${weekday}s, ${PERIOD_NAMES[period] ?? ""}`,
      `${rangeQuery(period)}&weekday=${weekday}`,
    );
  };
  const drillButton = (title: string, keep: (p: PupilRow) => boolean) => (
    <button type="button" className="link" onClick={() => drillInto(title, keep)}>
      Pupils behind {title}
    </button>
  );
  const counted = data?.absenceMeasures.counted ?? false;
  const periodName = PERIOD_NAMES[period] ?? "";
  const columnsFor = <T,>(columns: Column<T>[]) =>
    counted ? columns : columns.filter((c) => !MEASURE_COLUMNS.includes(c.key));
  return (
    <section>
      <h1>Attendance dashboard</h1>
      <label className="inline">
        Period
        <select
          value={period}
          onChange={(e) => {
            setPeriod(e.target.value);
            setDrill(null);
          }}
        >
          <option value="today">Today</option>
          <option value="week">This week</option>
          <option value="year_to_date">This year to date</option>
          <option value="term">This term</option>
          <option value="half_term">This half term</option>
        </select>
      </label>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading what="the dashboard" />
      ) : (
        <>
          <div className="tiles">
            <div className="tile">
              <span className="figure">{show(data.overall.attendanceRate)}</span>
              <span>attendance{data.target ? ` (target ${data.target}%)` : ""}</span>
              {lastYear ? (
                <LastYearNote
                  now={data.overall.attendanceRate}
                  then={lastYear.overall?.attendanceRate ?? null}
                />
              ) : null}
              {drillButton("attendance", () => true)}
            </div>
            <div className="tile">
              <span className="figure">{show(data.overall.unauthorisedAbsenceRate)}</span>
              <span>unauthorised absence</span>
              {lastYear ? (
                <LastYearNote
                  now={data.overall.unauthorisedAbsenceRate}
                  then={lastYear.overall?.unauthorisedAbsenceRate ?? null}
                />
              ) : null}
              {drillButton("unauthorised absence", (p) => p.unauthorised > 0)}
            </div>
            {counted && (
              <>
                <div className="tile">
                  <span className="figure">{show(data.overall.persistentAbsenceRate)}</span>
                  <span>
                    persistently absent ({data.overall.persistentAbsentees} of{" "}
                    {data.overall.enrolments}), {periodName}
                  </span>
                  {lastYear?.overall?.persistentAbsenceRate ? (
                    <LastYearNote
                      now={data.overall.persistentAbsenceRate}
                      then={lastYear.overall.persistentAbsenceRate}
                    />
                  ) : null}
                  {drillButton("persistent absence", (p) => p.persistentlyAbsent === true)}
                </div>
                <div className="tile">
                  <span className="figure">{data.overall.severeAbsentees}</span>
                  <span>severely absent, {periodName}</span>
                  {drillButton("severe absence", (p) => p.severelyAbsent === true)}
                </div>
              </>
            )}
          </div>
          <p className="muted">
            {data.absenceMeasures.label}
            {lastYear
              ? ` Last year at this date: ${lastYear.range.from} to ${lastYear.range.to}.`
              : ""}
          </p>
          <ErrorNotice error={drillError} />
          {drill ? (
            <DrillDown key={drill.title} drill={drill} onClose={() => setDrill(null)} />
          ) : null}
          <div className="charts">
            <div>
              <h2>Week by week</h2>
              <Chart
                label={`Attendance each week from ${data.range.from} to ${data.range.to}; latest week ${data.weeks.at(-1)?.percent?.toFixed(1) ?? "–"}%`}
                onPick={(i) => {
                  const week = data.weeks[i];
                  if (week) drillWeek(week.weekStart);
                }}
                option={{
                  tooltip: { trigger: "axis" },
                  xAxis: { type: "category", data: data.weeks.map((w) => w.weekStart) },
                  yAxis: { type: "value", min: 80, max: 100, name: "%" },
                  series: [
                    {
                      type: "line",
                      data: data.weeks.map((w) =>
                        w.percent === null ? null : Math.round(w.percent * 10) / 10,
                      ),
                      markLine: data.target
                        ? {
                            symbol: "none",
                            data: [{ yAxis: data.target }],
                            label: { formatter: "Target {c}%" },
                          }
                        : undefined,
                    },
                  ],
                }}
              />
              <label className="inline">
                Pupils behind the week of
                <select value="" onChange={(e) => e.target.value && drillWeek(e.target.value)}>
                  <option value="">Choose a week</option>
                  {data.weeks.map((w) => (
                    <option key={w.weekStart} value={w.weekStart}>
                      {w.weekStart} ({w.percent === null ? "–" : `${w.percent.toFixed(1)}%`})
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <div>
              <h2>Absence by day of the week</h2>
              <Chart
                label={`Absence by weekday: ${data.weekdays.map((d) => `${d.weekday} ${d.percent?.toFixed(1) ?? "–"}%`).join(", ")}`}
                onPick={(i) => {
                  const day = data.weekdays[i];
                  if (day) drillWeekday(day.weekday);
                }}
                option={{
                  tooltip: {},
                  xAxis: { type: "category", data: data.weekdays.map((d) => d.weekday) },
                  yAxis: { type: "value", name: "% absent" },
                  series: [
                    {
                      type: "bar",
                      data: data.weekdays.map((d) =>
                        d.percent === null ? 0 : Math.round(d.percent * 10) / 10,
                      ),
                      itemStyle: { color: "#c62828" },
                    },
                  ],
                }}
              />
              <WeekdayButtons
                weekdays={data.weekdays.map((d) => d.weekday)}
                behind="absence"
                onOpen={(weekday) => drillWeekday(weekday)}
              />
            </div>
          </div>
          <Table
            caption="By year group"
            rowKey={(g) => g.label}
            rows={data.byYearGroup}
            columns={[
              ...columnsFor(
                groupColumns((label) =>
                  drillInto(label, (p) => (p.yearGroup ?? "No year group") === label),
                ),
              ),
              ...(lastYear ? lastYearColumns(lastYear) : []),
            ]}
          />
          <Table
            caption="By registration group"
            rowKey={(g) => g.label}
            rows={data.byRegistrationGroup}
            columns={columnsFor(
              groupColumns((label) =>
                drillInto(label, (p) => (p.group ?? "No registration group") === label),
              ),
            )}
          />
          <Table
            caption="Cohorts, against everyone else"
            rowKey={(c) => c.cohort}
            rows={data.cohorts}
            columns={columnsFor<DashboardData["cohorts"][number]>([
              {
                key: "cohort",
                label: "Cohort",
                value: (c) => c.cohort,
                render: (c) =>
                  data.listedCohorts.includes(c.cohort) ? (
                    <button
                      type="button"
                      className="link"
                      onClick={() => drillInto(c.cohort, (p) => p.cohorts.includes(c.cohort))}
                    >
                      {c.cohort}
                    </button>
                  ) : (
                    c.cohort
                  ),
              },
              { key: "n", label: "Pupils", value: (c) => c.statistics.enrolments, numeric: true },
              {
                key: "att",
                label: "Attendance",
                value: (c) => pct(c.statistics.attendanceRate),
                render: (c) => show(c.statistics.attendanceRate),
                numeric: true,
              },
              {
                key: "others",
                label: "Everyone else",
                value: (c) => pct(c.others.attendanceRate),
                render: (c) => show(c.others.attendanceRate),
                numeric: true,
              },
              {
                key: "pa",
                label: "PA rate",
                value: (c) => pct(c.statistics.persistentAbsenceRate),
                render: (c) => show(c.statistics.persistentAbsenceRate),
                numeric: true,
              },
              {
                key: "paothers",
                label: "PA rate, everyone else",
                value: (c) => pct(c.others.persistentAbsenceRate),
                render: (c) => show(c.others.persistentAbsenceRate),
                numeric: true,
              },
            ])}
          />
          {counted && (
            <>
              <Table
                caption={`Severely absent pupils: missed 50% or more of their possible sessions, ${periodName}`}
                rowKey={(p) => p.pupilId}
                rows={data.pupils.filter((p) => p.severelyAbsent)}
                columns={pupilColumns}
              />
              <Table
                caption={`Persistently absent pupils: missed 10% or more (severely absent ones included), ${periodName}`}
                rowKey={(p) => p.pupilId}
                rows={data.pupils.filter((p) => p.persistentlyAbsent)}
                columns={pupilColumns}
              />
            </>
          )}
          {schoolId ? (
            <>
              <PunctualitySection
                schoolId={schoolId}
                query={rangeQuery(period)}
                onDrill={drillInto}
                onDrillWeekday={(weekday) => drillWeekday(weekday, "lates")}
              />
              <BenchmarkComparison schoolId={schoolId} />
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
