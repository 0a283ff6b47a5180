import type { GroupBenchmarksView } from "../../../src/server/benchmarks/benchmarks.schema.ts";
import { ErrorNotice, Loading } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";
import { ComparisonFigures } from "./Benchmarks.tsx";

const yearOf = (timePeriod: string) => `${timePeriod.slice(0, 4)}/${timePeriod.slice(4, 6)}`;

/** The schools overseen, summed phase by phase, against DfE's local authority and England rows. */
export function GroupBenchmarkComparison() {
  const { data, error } = useApi<GroupBenchmarksView>("/api/oversight/benchmarks");
  if (error) return <ErrorNotice error={error} />;
  if (!data) return <Loading what="the benchmarks" />;
  return (
    <section aria-labelledby="group-benchmarks-heading">
      <h2 id="group-benchmarks-heading">Against DfE's published statistics</h2>
      <p>
        Each phase apart, as DfE publishes them: your schools' sessions summed (pupils aged 5 to 15,
        year to date), never an average of the schools' rates.
      </p>
      {data.comparisons.length === 0 ? (
        <p className="muted">
          No comparison yet: DfE's attendance statistics have not been imported for your schools'
          phases (an administrator runs "rollbook benchmarks import FILE.csv").
        </p>
      ) : (
        data.comparisons.map((c) => (
          <section key={c.educationPhase} aria-label={`${c.educationPhase} schools`}>
            <h3>
              {c.educationPhase} schools, {yearOf(c.timePeriod)} year to date
            </h3>
            <p className="muted">Summed: {c.schools.join(", ")}.</p>
            <ComparisonFigures
              rows={c.rows}
              caption={`${c.educationPhase} schools against DfE's figures`}
              chartLabel={`Absence of your ${c.educationPhase.toLowerCase()} schools against DfE's figures`}
            />
          </section>
        ))
      )}
      {data.notCompared.length > 0 ? (
        <p className="muted">Not compared: {data.notCompared.join("; ")}.</p>
      ) : null}
    </section>
  );
}
