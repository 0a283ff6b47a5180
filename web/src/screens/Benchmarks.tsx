import { useMemo } from "react";
import type {
  ComparisonRowView,
  SchoolBenchmarksView,
} from "../../../src/server/benchmarks/benchmarks.schema.ts";
import { Chart } from "../ui/Chart.tsx";
import { ErrorNotice, Loading } from "../ui/Notice.tsx";
import { type Column, Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

export type ComparisonRow = ComparisonRowView;

const LEVEL: Record<ComparisonRow["level"], string> = {
  School: "this school",
  Schools: "summed",
  "Local authority": "local authority",
  Regional: "region",
  National: "national",
};

const areaOf = (r: ComparisonRow) =>
  r.level === "School" || r.level === "Schools" || r.level === "National"
    ? r.name
    : `${r.name} (${LEVEL[r.level]})`;
const oneDecimal = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const shown = (n: number | null) => (n === null ? "–" : `${(Math.round(n * 10) / 10).toFixed(1)}%`);

const MEASURES = [
  ["attendancePercent", "Attendance"],
  ["overallAbsencePercent", "Overall absence"],
  ["authorisedAbsencePercent", "Authorised absence"],
  ["unauthorisedAbsencePercent", "Unauthorised absence"],
  ["persistentAbsencePercent", "Persistently absent"],
] as const;
const ABSENCE = MEASURES.slice(1);

const columns: Column<ComparisonRow>[] = [
  { key: "area", label: "Area", value: areaOf },
  {
    key: "enrolments",
    label: "Pupils",
    value: (r) => (r.enrolments === null ? null : Math.round(r.enrolments)),
    render: (r) => (r.enrolments === null ? "–" : Math.round(r.enrolments).toLocaleString("en-GB")),
    numeric: true,
  },
  ...MEASURES.map(
    ([key, label]): Column<ComparisonRow> => ({
      key,
      label,
      value: (r) => oneDecimal(r[key]),
      render: (r) => shown(r[key]),
      numeric: true,
    }),
  ),
];

/**
 * The school's year to date against DfE's published figures for its phase: England, its region
 * and its local authority. The figures come from the API; this only shows them.
 */
export function BenchmarkComparison({ schoolId }: { schoolId: number }) {
  const { data, error } = useApi<SchoolBenchmarksView>(`/api/schools/${schoolId}/benchmarks`);
  return (
    <section aria-labelledby="benchmarks-heading">
      <h2 id="benchmarks-heading">Against England, the region and the local authority</h2>
      <ErrorNotice error={error} />
      {!data ? (
        error ? null : (
          <Loading what="the benchmarks" />
        )
      ) : !data.benchmark ? (
        <p className="muted">
          {data.educationPhase
            ? `No benchmark imported: DfE's attendance statistics for ${data.educationPhase.toLowerCase()} schools have not been imported yet (an administrator runs "rollbook benchmarks import FILE.csv").`
            : (data.note ?? "No benchmark for this school's phase.")}
        </p>
      ) : (
        <Comparison data={data} benchmark={data.benchmark} />
      )}
    </section>
  );
}

function Comparison({
  data,
  benchmark,
}: {
  data: SchoolBenchmarksView;
  benchmark: NonNullable<SchoolBenchmarksView["benchmark"]>;
}) {
  const phase = (data.educationPhase ?? "").toLowerCase();
  return (
    <>
      <p>
        DfE's published attendance statistics for {benchmark.academicYear} (year to date, pupils
        aged 5 to 15), imported {benchmark.importedAt.slice(0, 10)}.
        {data.schoolRange
          ? ` This school's figures are counted the same way, from ${data.schoolRange.from} to ${data.schoolRange.to}, whatever period is chosen above.`
          : ""}
      </p>
      {data.note ? <p className="muted">{data.note}.</p> : null}
      {data.missing.length > 0 ? (
        <p className="muted">Not in the imported statistics: {data.missing.join("; ")}.</p>
      ) : null}
      <ComparisonFigures
        rows={data.rows}
        caption={`${benchmark.academicYear} year to date: this school against DfE's figures for ${phase === "total" ? "all state-funded" : phase} schools`}
        chartLabel={`Absence against DfE's figures, ${benchmark.academicYear}`}
      />
    </>
  );
}

/** Rows of figures side by side: a table of every measure and a bar chart of the absence rates. */
export function ComparisonFigures({
  rows,
  caption,
  chartLabel,
}: {
  rows: ComparisonRow[];
  caption: string;
  chartLabel: string;
}) {
  const option = useMemo(
    () => ({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { top: 40 },
      xAxis: { type: "category", data: ABSENCE.map(([, label]) => label) },
      yAxis: { type: "value", name: "%" },
      series: rows.map((r) => ({
        type: "bar",
        name: areaOf(r),
        data: ABSENCE.map(([key]) => oneDecimal(r[key])),
      })),
    }),
    [rows],
  );
  const summary = rows
    .map(
      (r) =>
        `${areaOf(r)}: ${ABSENCE.map(([key, label]) => `${label.toLowerCase()} ${shown(r[key])}`).join(", ")}`,
    )
    .join("; ");
  return (
    <>
      <Table
        caption={caption}
        rowKey={(r) => `${r.level}-${r.areaCode ?? r.name}`}
        rows={rows}
        columns={columns}
      />
      <Chart label={`${chartLabel}: ${summary}`} option={option} />
    </>
  );
}
