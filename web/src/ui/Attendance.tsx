import { formatPercent, type Ratio } from "../../../src/domain/percent.ts";
import type { PupilCalendarView } from "../../../src/server/pupils/pupils.schema.ts";
import { Chart } from "./Chart.tsx";
import { useApi } from "./useApi.ts";

/** A day of a pupil's year as the calendar endpoint sends it: codes and the category each counts in. */
export type CalendarDay = PupilCalendarView["days"][number];

export type { Ratio };

/** The server's own rounding (2514 of 12000 is 21.0 here as in a letter), "–" with nothing possible. */
export function percent(r: Ratio): string {
  return formatPercent(r);
}

const ABSENT = new Set(["authorised", "unauthorised"]);

/** 0 both sessions attended, 1 half a day missed, 2 a whole day; -1 not counted (no possible session). */
export function dayScore(day: CalendarDay): number {
  const categories = [day.amCategory, day.pmCategory];
  if (categories.every((c) => c === null || c === "not_possible")) return -1;
  return categories.filter((c) => c !== null && ABSENT.has(c)).length;
}

/** Attendance so far after each day: the running rate for the trend line. */
export function runningAttendance(days: CalendarDay[]): [string, number][] {
  let attended = 0;
  let possible = 0;
  const trend: [string, number][] = [];
  for (const day of days) {
    for (const c of [day.amCategory, day.pmCategory]) {
      if (!c || c === "not_possible") continue;
      possible++;
      if (c === "present" || c === "aea") attended++;
    }
    if (possible > 0) trend.push([day.date, Math.round((attended * 1000) / possible) / 10]);
  }
  return trend;
}

const SCORE_LABELS = ["attended", "half day missed", "whole day missed"];

/** The year as a calendar heat map, with a text summary for screen readers. */
export function YearHeatmap({
  days,
  range,
  who,
}: {
  days: CalendarDay[];
  range: { from: string; to: string };
  who: string;
}) {
  return (
    <Chart
      label={`Calendar of ${who}'s attendance: ${days.filter((d) => dayScore(d) > 0).length} days with absence out of ${days.length}`}
      height={200}
      option={{
        tooltip: {
          formatter: (x: { value: [string, number] }) =>
            `${x.value[0]}: ${SCORE_LABELS[x.value[1]] ?? "not counted"}`,
        },
        visualMap: {
          type: "piecewise",
          orient: "horizontal",
          left: "center",
          bottom: 0,
          // Compact enough for the four keys to fit a phone's width.
          itemWidth: 12,
          itemGap: 8,
          textGap: 3,
          textStyle: { fontSize: 11 },
          pieces: [
            { value: 0, label: "Attended", color: "#2e7d32" },
            { value: 1, label: "Half day missed", color: "#f9a825" },
            { value: 2, label: "Day missed", color: "#c62828" },
            { value: -1, label: "Not counted", color: "#bdbdbd" },
          ],
        },
        calendar: {
          range: [range.from, range.to],
          cellSize: ["auto", 14],
          top: 20,
          left: 40,
          right: 10,
          yearLabel: { show: false },
          dayLabel: { firstDay: 1, nameMap: "en" },
        },
        series: [
          {
            type: "heatmap",
            coordinateSystem: "calendar",
            data: days.map((d) => [d.date, dayScore(d)]),
          },
        ],
      }}
    />
  );
}

/** What each code means, in words a family understands ("Present", "Illness ..."). */
export function useCodeMeanings(): (symbol: string | null) => string {
  const codes = useApi<{ codes: { symbol: string; meaning: string }[] }>("/api/codes");
  return (symbol) => {
    if (!symbol) return "not recorded yet";
    const meaning = codes.data?.codes.find((c) => c.symbol === symbol)?.meaning ?? symbol;
    return meaning.replace(/ \((AM|PM)\)$/, "");
  };
}

/**
 * A pupil's absence in the DfE's terms, severe first: a pupil who missed half their sessions is
 * severely absent, never merely "persistently absent". Null when neither applies.
 */
export function absenceConcern(s: {
  persistentlyAbsent: boolean | null;
  severelyAbsent: boolean | null;
}): string | null {
  if (s.severelyAbsent) return "severely absent (50% or more of possible sessions missed)";
  if (s.persistentlyAbsent) return "persistently absent (10% or more of possible sessions missed)";
  return null;
}
