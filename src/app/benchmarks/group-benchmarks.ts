import type { Kysely } from "kysely";
import {
  latestYearToDate,
  localAuthorityBenchmark,
  nationalBenchmark,
} from "../../db/repositories/benchmarks.ts";
import type { DB } from "../../db/schema.ts";
import { figuresOfGroup } from "../../domain/benchmarks/figures.ts";
import { benchmarkPhaseFor, type EducationPhase } from "../../domain/benchmarks/phases.ts";
import { academicYearBounds } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { type GroupStatistics, sumGroups } from "../../domain/statistics.ts";
import { type ComparisonRow, comparisonRow, schoolYearToDate } from "./school-benchmarks.ts";

export interface PhaseComparison {
  educationPhase: EducationPhase;
  timePeriod: string;
  /** The schools summed into the first row. */
  schools: string[];
  /** The schools' total first, then the local authority's DfE row (LA scope) and England. */
  rows: ComparisonRow[];
}

export interface GroupBenchmarks {
  comparisons: PhaseComparison[];
  /** Schools left out, each with why (all-through, special or no benchmark imported). */
  notCompared: string[];
}

/**
 * A trust's or local authority's schools against England, phase by phase (DfE publishes each
 * phase apart, so a primary and a secondary are never summed into one comparison). The schools'
 * counts are summed as DfE sums its own: pupils aged 5 to 15, every rate from the summed sessions,
 * persistent absence per enrolment.
 */
export async function groupBenchmarks(
  db: Kysely<DB>,
  schoolIds: readonly number[],
  today: IsoDate,
  laCode?: string,
): Promise<GroupBenchmarks> {
  const schools =
    schoolIds.length === 0
      ? []
      : await db
          .selectFrom("schools")
          .select(["id", "name", "phase"])
          .where("id", "in", [...schoolIds])
          .orderBy("name")
          .execute();
  const byPhase = new Map<EducationPhase, { id: number; name: string }[]>();
  const notCompared: string[] = [];
  for (const school of schools) {
    const { educationPhase } = benchmarkPhaseFor(school.phase);
    // An all-through school is compared with all phases together, on its own page only.
    if (!educationPhase || educationPhase === "Total")
      notCompared.push(`${school.name}: no single DfE phase (${school.phase})`);
    else if (byPhase.has(educationPhase)) byPhase.get(educationPhase)?.push(school);
    else byPhase.set(educationPhase, [school]);
  }
  const comparisons: PhaseComparison[] = [];
  for (const [educationPhase, members] of byPhase) {
    const latest = await latestYearToDate(db, educationPhase);
    const year = latest && academicYearBounds(Number(latest.timePeriod.slice(0, 4)));
    if (!latest || !year || today < year.from) {
      for (const s of members)
        notCompared.push(`${s.name}: no ${educationPhase.toLowerCase()} benchmark for this year`);
      continue;
    }
    const startYear = Number(latest.timePeriod.slice(0, 4));
    const range = { from: year.from, to: today < year.to ? today : year.to };
    const statistics: GroupStatistics[] = [];
    for (const s of members) statistics.push(await schoolYearToDate(db, s.id, startYear, range));
    const total = sumGroups(statistics);
    const q = { timePeriod: latest.timePeriod, phase: educationPhase };
    const la = laCode ? await localAuthorityBenchmark(db, q, laCode) : undefined;
    const national = await nationalBenchmark(db, q);
    comparisons.push({
      educationPhase,
      timePeriod: latest.timePeriod,
      schools: members.map((s) => s.name),
      rows: [
        {
          level: "Schools",
          name: `${members.length} ${educationPhase.toLowerCase()} school${members.length === 1 ? "" : "s"}`,
          areaCode: null,
          enrolments: total.enrolments,
          ...figuresOfGroup(total),
        },
        ...[la, national].filter((row) => row !== undefined).map(comparisonRow),
      ],
    });
  }
  return { comparisons, notCompared };
}
