/**
 * bench/evaluate: the trust policy preset over every pupil of a large school population (default
 * 100,000 pupils with a full year of marks), evaluated as of the last week of the summer term.
 * A tenth of the pupils are mid-way through a stage, so stage reviews are exercised too. Prints
 * pupils per second, proposals and peak memory. Target: all 100,000 in under 5 seconds.
 *
 *   npx tsx bench/evaluate.ts [--pupils 100000]
 */
import { parseArgs } from "node:util";
import { TYPICAL_TERM_DATES } from "../src/app/demo/term-dates.ts";
import { SchoolCalendar } from "../src/domain/calendar.ts";
import { evaluatePupil } from "../src/domain/policy/evaluate.ts";
import { attendanceOver } from "../src/domain/policy/evaluation.ts";
import { TRUST_POLICY } from "../src/domain/policy/presets/trust-policy.ts";
import { evaluationSpan, SessionIndex } from "../src/domain/policy/timeline.ts";
import { syntheticYear } from "./support/synthetic-year.ts";

const { values: args } = parseArgs({ options: { pupils: { type: "string", default: "100000" } } });
const PUPILS = Number(args.pupils);
const AS_OF = "2026-07-15";

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const calendar = new SchoolCalendar([...TYPICAL_TERM_DATES]);
const span = evaluationSpan(AS_OF);
const index = new SessionIndex(calendar, span.from, AS_OF);
process.stdout.write(
  `bench/evaluate: "${TRUST_POLICY.name}" (${TRUST_POLICY.triggers.length} triggers) over ${PUPILS.toLocaleString()} pupils as of ${AS_OF}\n`,
);

let started = performance.now();
const { marks } = syntheticYear(calendar, 2025, PUPILS);
const codes = marks.map((year) => index.codesOf(new Map([[2025, year]])));
marks.length = 0;
process.stdout.write(
  `  generated a year of marks per pupil in ${((performance.now() - started) / 1000).toFixed(2)} s\n`,
);

started = performance.now();
let proposals = 0;
let manual = 0;
const byTrigger = new Map<string, number>();
for (let p = 0; p < PUPILS; p++) {
  const pupilCodes = codes[p] as Uint8Array;
  const inStage = p % 10 === 0;
  const context = inStage
    ? {
        flags: { medical_condition: p % 70 === 0 },
        stage: {
          id: "stage_1",
          startedOn: "2026-06-01",
          baseline: attendanceOver(pupilCodes, 0, index.endOf("2026-06-01")),
          reviewDue: null,
        },
      }
    : { flags: { medical_condition: p % 70 === 0, has_social_worker: p % 40 === 0 } };
  for (const proposal of evaluatePupil(TRUST_POLICY, index, AS_OF, {
    codes: pupilCodes,
    context,
    previous: [],
  })) {
    proposals++;
    if (proposal.manualReview) manual++;
    byTrigger.set(proposal.triggerId, (byTrigger.get(proposal.triggerId) ?? 0) + 1);
  }
}
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
process.stdout.write(
  `  evaluated ${PUPILS.toLocaleString()} pupils in ${seconds.toFixed(2)} s = ${Math.round(PUPILS / seconds).toLocaleString()} pupils/s; ` +
    `${proposals.toLocaleString()} proposals (${manual.toLocaleString()} for a person to decide)\n`,
);
for (const [trigger, n] of [...byTrigger].sort((a, b) => b[1] - a[1]))
  process.stdout.write(`    ${trigger}: ${n.toLocaleString()}\n`);
process.stdout.write(
  `  peak memory (RSS): ${Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1024 / 1024)} MB\n`,
);
process.stdout.write(`  target: all pupils in under 5 s: ${seconds < 5 ? "met" : "NOT met"}\n`);
