import { expect, it } from "vitest";
import { soak } from "../../bench/soak.ts";

/**
 * The soak of bench/soak at a small size (the full size is `npx tsx bench/soak.ts`): register saves
 * at a steady rate for half a minute against a real server process, on PostgreSQL when
 * TEST_DATABASE_URL is set. Every save must succeed, and the server's memory must settle.
 */
it("keeps saving registers for half a minute without a failure or runaway memory", async () => {
  const url = process.env.TEST_DATABASE_URL;
  const result = await soak({
    kind: url ? "postgres" : "pglite",
    pgUrl: url ?? "",
    schools: 2,
    rate: 25,
    seconds: 30,
    sliceSeconds: 10,
  });
  expect(result.slices).toHaveLength(3);
  expect(result.slices.every((s) => s.saves >= 200)).toBe(true);
  expect(result.failures).toBe(0);
  expect(result.growthMb).toBeLessThan(100);
}, 180_000);
