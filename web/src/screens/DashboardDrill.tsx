import { useEffect, useRef } from "react";
import { formatPercent } from "../../../src/domain/percent.ts";
import { count } from "../../../src/domain/plural.ts";
import { pupilNameColumn } from "../ui/PupilColumn.tsx";
import { type Column, Table } from "../ui/Table.tsx";

/** A pupil as the dashboard lists them (GET /api/schools/:id/dashboard, `pupils`). */
export interface DrillPupil {
  pupilId: number;
  name: string;
  group: string | null;
  yearGroup: string | null;
  possible: number;
  attendance: string;
  absence: number;
  unauthorised: number;
  late: number;
  lateAfterClose: number;
  persistentlyAbsent: boolean | null;
  severelyAbsent: boolean | null;
  cohorts: string[];
}

/** What a figure was drilled into: its name, and which of the dashboard's pupils are behind it. */
export interface Drill {
  title: string;
  pupils: DrillPupil[];
}

interface Ratio {
  numerator: number;
  denominator: number;
}

const columns: Column<DrillPupil>[] = [
  pupilNameColumn(),
  { key: "group", label: "Form", value: (p) => p.group },
  { key: "year", label: "Year", value: (p) => p.yearGroup },
  { key: "possible", label: "Possible sessions", value: (p) => p.possible, numeric: true },
  { key: "absence", label: "Sessions missed", value: (p) => p.absence, numeric: true },
  { key: "unauthorised", label: "Unauthorised", value: (p) => p.unauthorised, numeric: true },
  { key: "late", label: "Late (L + U)", value: (p) => p.late, numeric: true },
  { key: "attendance", label: "Attendance %", value: (p) => Number(p.attendance), numeric: true },
];

/** The pupils behind a figure, lowest attendance first, with the sums that make the figure. */
export function DrillDown({ drill, onClose }: { drill: Drill; onClose: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const possible = drill.pupils.reduce((n, p) => n + p.possible, 0);
  const absence = drill.pupils.reduce((n, p) => n + p.absence, 0);
  const late = drill.pupils.reduce((n, p) => n + p.late, 0);
  const rows = [...drill.pupils].sort((a, b) => Number(a.attendance) - Number(b.attendance));
  return (
    <section className="drill" aria-labelledby="drill-heading">
      <h2 id="drill-heading" tabIndex={-1} ref={heading}>
        Pupils behind: {drill.title}
      </h2>
      <p>
        {count(drill.pupils.length, "pupil")}; {absence} of {count(possible, "possible session")}{" "}
        missed
        {possible > 0
          ? ` (attendance ${formatPercent({ numerator: possible - absence, denominator: possible })}%)`
          : ""}
        ; {count(late, "late session")}.{" "}
        <button type="button" className="secondary" onClick={onClose}>
          Close the list
        </button>
      </p>
      <Table
        caption={`Pupils behind ${drill.title}`}
        rowKey={(p) => p.pupilId}
        rows={rows}
        columns={columns}
        empty="No pupils."
      />
    </section>
  );
}

/** "94.1% last year at this date (+0.6 points)": last year's same dates beside this year's. */
export function LastYearNote({ now, then }: { now: Ratio | null; then: Ratio | null }) {
  if (!then?.denominator) return <span className="muted">No registers last year at this date</span>;
  const points =
    now?.denominator && then.denominator
      ? (now.numerator * 100) / now.denominator - (then.numerator * 100) / then.denominator
      : null;
  return (
    <span className="muted">
      {formatPercent(then)}% last year at this date
      {points === null ? "" : ` (${points >= 0 ? "+" : "−"}${Math.abs(points).toFixed(1)} points)`}
    </span>
  );
}
