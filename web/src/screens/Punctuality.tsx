import { Chart } from "../ui/Chart.tsx";
import { ErrorNotice, Loading } from "../ui/Notice.tsx";
import { pupilNameColumn } from "../ui/PupilColumn.tsx";
import { type Column, Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";
import { WeekdayButtons } from "../ui/WeekdayButtons.tsx";
import type { DrillPupil } from "./DashboardDrill.tsx";

interface LateArriver {
  pupilId: number;
  name: string;
  form: string | null;
  L: number;
  U: number;
  total: number;
  minutes: number;
  usualWeekday: string | null;
}

interface PunctualityData {
  lateThreshold: number;
  lates: { L: number; U: number; total: number };
  minutesLost: number;
  latesWithoutMinutes: number;
  medianMinutesLate: number | null;
  byWeekday: { weekday: string; lates: number }[];
  byMinutes: { band: string; lates: number }[];
  frequentLateArrivers: LateArriver[];
}

const arriverColumns: Column<LateArriver>[] = [
  pupilNameColumn(),
  { key: "form", label: "Form", value: (p) => p.form },
  { key: "L", label: "Late (L)", value: (p) => p.L, numeric: true },
  { key: "U", label: "After close (U)", value: (p) => p.U, numeric: true },
  { key: "minutes", label: "Minutes late", value: (p) => p.minutes, numeric: true },
  { key: "day", label: "Usual day", value: (p) => p.usualWeekday },
];

const count = (n: number) => n.toLocaleString("en-GB");
const bandName = (band: string) => (band === "unknown" ? "minutes unknown" : `${band} minutes`);

/** Lates over the dashboard's period: headline figures, two charts and the frequent late arrivers. */
export function PunctualitySection({
  schoolId,
  query,
  onDrill,
  onDrillWeekday,
}: {
  schoolId: number;
  query: string;
  /** Opens the dashboard's pupils behind a figure. */
  onDrill?: (title: string, keep: (p: DrillPupil) => boolean) => void;
  /** Opens the pupils behind one weekday's sessions (their lates that day are the bar). */
  onDrillWeekday?: (weekday: string) => void;
}) {
  const { data, error } = useApi<PunctualityData>(
    `/api/schools/${schoolId}/dashboard/punctuality?${query}`,
  );
  return (
    <section aria-labelledby="punctuality-heading">
      <h2 id="punctuality-heading">Punctuality</h2>
      <ErrorNotice error={error} />
      {!data ? (
        error ? null : (
          <Loading what="punctuality" />
        )
      ) : (
        <>
          <div className="tiles">
            <div className="tile">
              <span className="figure">{count(data.lates.total)}</span>
              <span>late sessions</span>
              {onDrill ? (
                <button
                  type="button"
                  className="link"
                  onClick={() => onDrill("late sessions", (p) => p.late > 0)}
                >
                  Pupils behind late sessions
                </button>
              ) : null}
            </div>
            <div className="tile">
              <span className="figure">{count(data.lates.U)}</span>
              <span>of which after the register closed (U)</span>
              {onDrill ? (
                <button
                  type="button"
                  className="link"
                  onClick={() =>
                    onDrill("lates after the register closed", (p) => p.lateAfterClose > 0)
                  }
                >
                  Pupils behind lates after the register closed
                </button>
              ) : null}
            </div>
            <div className="tile">
              <span className="figure">{count(data.minutesLost)}</span>
              <span>minutes of learning lost</span>
            </div>
            <div className="tile">
              <span className="figure">{data.medianMinutesLate ?? "–"}</span>
              <span>median minutes late (L)</span>
            </div>
          </div>
          {data.latesWithoutMinutes > 0 ? (
            <p className="muted">
              {count(data.latesWithoutMinutes)} of the lates have no minutes recorded, so are not in
              the minutes lost or the median.
            </p>
          ) : null}
          <div className="charts">
            <LateBars
              title="Lates by day of the week"
              label={`Lates by weekday: ${data.byWeekday.map((d) => `${d.weekday} ${d.lates}`).join(", ")}`}
              bars={data.byWeekday.map((d) => [d.weekday, d.lates])}
              onPick={
                onDrillWeekday
                  ? (i) => {
                      const day = data.byWeekday[i];
                      if (day) onDrillWeekday(day.weekday);
                    }
                  : undefined
              }
            />
            <LateBars
              title="Lates by minutes late"
              label={`Lates by minutes late: ${data.byMinutes.map((b) => `${bandName(b.band)}: ${b.lates}`).join("; ")}`}
              bars={data.byMinutes.map((b) => [b.band, b.lates])}
              axis="minutes"
            />
          </div>
          {onDrillWeekday ? (
            <WeekdayButtons
              weekdays={data.byWeekday.map((d) => d.weekday)}
              behind="lates"
              onOpen={onDrillWeekday}
            />
          ) : null}
          <p>
            Pupils late {data.lateThreshold} or more times in the period; the usual day is the one
            with more than half of a pupil's lates.
          </p>
          <Table
            caption="Frequent late arrivers"
            rowKey={(p) => p.pupilId}
            rows={data.frequentLateArrivers}
            columns={arriverColumns}
            empty={`No pupil was late ${data.lateThreshold} or more times in the period.`}
            firstRows={15}
          />
        </>
      )}
    </section>
  );
}

/** A bar chart of lates, one bar a category, under its heading. */
function LateBars({
  title,
  label,
  bars,
  axis,
  onPick,
}: {
  title: string;
  label: string;
  bars: [string, number][];
  axis?: string;
  onPick?: (index: number) => void;
}) {
  return (
    <div>
      <h3>{title}</h3>
      <Chart
        label={label}
        onPick={onPick}
        option={{
          tooltip: {},
          xAxis: { type: "category", name: axis, data: bars.map(([category]) => category) },
          yAxis: { type: "value", name: "lates", minInterval: 1 },
          series: [
            { type: "bar", data: bars.map(([, lates]) => lates), itemStyle: { color: "#b45309" } },
          ],
        }}
      />
    </div>
  );
}
