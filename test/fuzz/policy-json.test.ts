import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/app/policy/policy-schema.ts";
import { findUnstorableText } from "../../src/app/unstorable-text.ts";
import { isRollbookError } from "../../src/domain/errors.ts";
import { PRESETS } from "../../src/domain/policy/presets/index.ts";
import type { Policy } from "../../src/domain/policy/types.ts";
import { policyProblems } from "../../src/domain/policy/validate.ts";
import { nasty, settings } from "./support.ts";

/**
 * A policy document from a file or a request, whatever it holds, is either a valid Policy or a
 * RollbookError listing every problem as `path: what is wrong`; never another exception.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

type Result = { ok: true; policy: Policy } | { ok: false; problems: string[]; message: string };

function parse(input: unknown): Result {
  try {
    return { ok: true, policy: parsePolicy(input) };
  } catch (error) {
    if (!isRollbookError(error)) {
      const e = error as Error;
      throw new Error(`parsePolicy threw ${e?.name}: ${e?.message}`, { cause: error });
    }
    expect(error.code).toBe("invalid_input");
    const problems = error.details.problems as string[];
    return { ok: false, problems, message: error.message };
  }
}

/** The path a problem names, written as zod writes it: `triggers.3.when.below`. */
function pathOf(problem: string): string {
  const [where = ""] = problem.split(": ");
  return where
    .replace(/ \("[^"]*"\)/g, "")
    .replace(/\[(\d+)\]/g, ".$1")
    .replace(/^\(document\)$/, "");
}

/** Every problem is `path: message`, plainly worded, and all of them are in the error's message. */
function expectClearProblems(result: Result & { ok: false }): void {
  expect(result.message).toMatch(/^The policy is not valid:\n/);
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(problem).toMatch(/^(\(document\)|[a-zA-Z][\w.[\]" ()]*): \S/);
    // "Invalid input" alone says neither what was expected nor what was found.
    expect(problem, result.message).not.toMatch(/: Invalid input$/);
    expect(result.message).toContain(problem);
  }
}

/** A valid policy survives JSON and a second parse unchanged. */
function expectStable(policy: Policy): void {
  expect(policyProblems(policy)).toEqual([]);
  // It can be stored: the database's JSON takes neither a NUL nor half a surrogate pair.
  expect(findUnstorableText(policy)).toBeNull();
  const again = parse(JSON.parse(JSON.stringify(policy)));
  expect(again.ok && again.policy).toEqual(policy);
}

function clone<T>(value: T): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** Every path in a JSON document, the root ([]) first. */
function pathsOf(value: Json, path: Path = []): Path[] {
  const here = [path];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...path, i]))];
  if (value && typeof value === "object")
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...path, k]))];
  return here;
}

function get(value: Json, path: Path): Json {
  return path.reduce<Json>(
    (node, key) => (node as Record<string | number, Json>)[key] as Json,
    value,
  );
}

function set(value: Json, path: Path, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const parent = get(value, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path.at(-1) as string | number;
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = replacement;
  return value;
}

const presetNames = Object.keys(PRESETS);
const preset = fc.constantFrom(...presetNames).map((name) => clone(PRESETS[name]));

/** A preset with one change, and the path a refusal must name (null: it may be accepted). */
interface Mutation {
  name: string;
  document: Json;
  /** When set, the document must be refused with a problem at (or around) this path. */
  mustName: string | null;
}

const outOfRange = fc.constantFrom(-1, 101, 1e9, -1e9, 0.5, 1001, 1e308, -0.000001, 61, 53);
const arbitraryJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4, stringUnit: "binary" }),
  nasty,
) as fc.Arbitrary<Json>;

function mutate(
  name: string,
  choose: (document: Json) => Path[],
  change: fc.Arbitrary<(document: Json, path: Path) => { mustName: string | null }>,
): fc.Arbitrary<Mutation> {
  return preset
    .filter((document) => choose(document).length > 0)
    .chain((document) =>
      fc.tuple(fc.constantFrom(...choose(document)), change).map(([path, apply]) => {
        const copy = clone(document);
        const { mustName } = apply(copy, path);
        return { name: `${name} at ${path.join(".")}`, document: copy, mustName };
      }),
    );
}

const isCondition = (document: Json) => (path: Path) => {
  const node = get(document, path);
  return (
    node !== null &&
    typeof node === "object" &&
    !Array.isArray(node) &&
    typeof node.kind === "string" &&
    path.includes("when")
  );
};

const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  mutate(
    "any value replaced",
    (d) => pathsOf(d),
    arbitraryJson.map((value) => (d, path) => {
      set(d, path, value);
      return { mustName: null };
    }),
  ),
  mutate(
    "key or element removed",
    (d) => pathsOf(d).filter((p) => p.length > 0),
    fc.constant((d, path) => {
      set(d, path, undefined);
      return { mustName: null };
    }),
  ),
  mutate(
    "number out of range",
    (d) => pathsOf(d).filter((p) => typeof get(d, p) === "number"),
    outOfRange.map((n) => (d, path) => {
      set(d, path, n);
      return { mustName: null };
    }),
  ),
  mutate(
    "percentage out of range",
    (d) =>
      pathsOf(d).filter((p) =>
        ["below", "atOrBelow", "atOrAbove", "target", "min", "socialCareBelowPercent"].includes(
          String(p.at(-1)),
        ),
      ),
    fc.constantFrom(-1, 100.5, 1e9, -1e-9).map((n) => (d, path) => {
      set(d, path, n);
      return { mustName: path.join(".") };
    }),
  ),
  mutate(
    "wrong type",
    (d) => pathsOf(d).filter((p) => p.length > 0),
    fc.constantFrom<Json>("", "x", 7, true, [], {}).map((value) => (d, path) => {
      set(d, path, value);
      return { mustName: null };
    }),
  ),
  mutate(
    "unknown condition kind",
    (d) => pathsOf(d).filter(isCondition(d)),
    fc.constantFrom("zzz", "", "ATTENDANCE", "__proto__").map((kind) => (d, path) => {
      (get(d, path) as Record<string, Json>).kind = kind;
      return { mustName: path.join(".") };
    }),
  ),
  mutate(
    "trigger in a missing stage",
    (d) => pathsOf(d).filter((p) => p[0] === "triggers" && p.length === 2),
    fc.constantFrom("nope", "stage_99").map((stage) => (d, path) => {
      (get(d, path) as Record<string, Json>).inStage = stage;
      return { mustName: `${path.join(".")}.inStage` };
    }),
  ),
  mutate(
    "action starting a missing stage",
    (d) => pathsOf(d).filter((p) => p[0] === "triggers" && p[2] === "actions" && p.length === 4),
    fc.constant((d, path) => {
      set(d, path, { type: "start_stage", stage: "no_such_stage" });
      return { mustName: path.join(".") };
    }),
  ),
  mutate(
    "notice to improve moving cases to a missing stage",
    (d) => pathsOf(d).filter((p) => p.length === 1 && p[0] === "stages"),
    fc.constantFrom("no_such_stage", "notice_to_improve_2").map((stage) => (d) => {
      const document = d as Record<string, Json>;
      const casework = (document.casework ?? {}) as Record<string, Json>;
      document.casework = { ...casework, noticeToImproveStage: stage };
      return { mustName: "casework.noticeToImproveStage" };
    }),
  ),
  mutate(
    "condition naming a missing band",
    (d) => pathsOf(d).filter(isCondition(d)),
    fc.constant((d, path) => {
      set(d, path, { kind: "band", in: ["no_such_band"] });
      return { mustName: `${path.join(".")}.in` };
    }),
  ),
  mutate(
    "condition counting an unknown code",
    (d) => pathsOf(d).filter(isCondition(d)),
    fc.constantFrom("ZZ", "H9", "n").map((code) => (d, path) => {
      set(d, path, {
        kind: "code_count",
        codes: ["N", code],
        atLeast: 3,
        window: { unit: "school_weeks", length: 4 },
      });
      return { mustName: `${path.join(".")}.codes` };
    }),
  ),
  mutate(
    "repeated id",
    (d) =>
      pathsOf(d).filter(
        (p) =>
          (p[0] === "triggers" || p[0] === "bands" || p[0] === "stages") &&
          p.length === 2 &&
          (p[1] as number) > 0,
      ),
    fc.constant((d, path) => {
      const first = get(d, [path[0] as string, 0, "id"]);
      (get(d, path) as Record<string, Json>).id = first;
      return { mustName: path[0] as string };
    }),
  ),
  mutate(
    "bands out of order",
    (d) => ((get(d, ["bands"]) as Json[]).length > 1 ? [["bands"]] : []),
    fc.constant((d) => {
      (get(d, ["bands"]) as Json[]).reverse();
      return { mustName: "bands" };
    }),
  ),
  mutate(
    "conditions nested deep",
    (d) => pathsOf(d).filter((p) => p.at(-1) === "when"),
    fc
      .tuple(
        fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 40, max: 20_000 })),
        fc.constantFrom("all", "any", "not"),
      )
      .map(([depth, kind]) => (d, path) => {
        let condition = get(d, path);
        for (let i = 0; i < depth; i++)
          condition = kind === "not" ? { kind, condition } : { kind, of: [condition] };
        set(d, path, condition);
        return { mustName: depth > 200 ? path.join(".") : null };
      }),
  ),
);

describe("policy JSON", () => {
  it("round-trips every preset through JSON unchanged", () => {
    for (const name of presetNames) {
      const preset = PRESETS[name] as Policy;
      const result = parse(JSON.parse(JSON.stringify(preset)));
      if (!result.ok) expect.fail(`${name}: ${result.message}`);
      expect(result.policy, name).toEqual(preset);
      expectStable(result.policy);
    }
  });

  it("answers arbitrary JSON with a policy or problems naming their path", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 6, stringUnit: "binary" }),
          fc.anything({ maxDepth: 4 }),
          fc.record({
            name: fc.oneof(fc.string(), fc.jsonValue()),
            target: fc.oneof(fc.double(), fc.jsonValue()),
            bands: fc.jsonValue(),
            stages: fc.jsonValue(),
            triggers: fc.jsonValue(),
          }),
        ),
        (input) => {
          const result = parse(input);
          if (result.ok) expectStable(result.policy);
          else expectClearProblems(result);
        },
      ),
      settings(300),
    );
  });

  it("answers every mutated preset with a policy or problems naming the path changed", () => {
    fc.assert(
      fc.property(mutations, ({ name, document, mustName }) => {
        const result = parse(document);
        if (result.ok) {
          if (mustName !== null)
            expect.fail(`${name}: accepted, expected a problem at ${mustName}`);
          expectStable(result.policy);
          return;
        }
        expectClearProblems(result);
        if (mustName !== null) {
          const named = result.problems.some((p) => {
            const at = pathOf(p);
            return at.startsWith(mustName) || (at !== "" && mustName.startsWith(at));
          });
          expect(named, `${name}: expected a problem at ${mustName}:\n${result.message}`).toBe(
            true,
          );
        }
      }),
      settings(300),
    );
  });

  it("refuses conditions nested thousands deep with a problem, not a stack overflow", () => {
    for (const kind of ["all", "not"] as const) {
      const document = clone(PRESETS.trust_policy) as { triggers: { when: Json }[] };
      let condition: Json = { kind: "review_due" };
      for (let i = 0; i < 50_000; i++)
        condition = kind === "not" ? { kind, condition } : { kind, of: [condition] };
      (document.triggers[0] as { when: Json }).when = condition;
      const result = parse(document);
      if (result.ok) expect.fail("accepted a condition nested 50,000 deep");
      expectClearProblems(result);
      expect(result.message).toMatch(/triggers\.0\.when\.[\w.]*: nested more than \d+ levels deep/);
    }
  });

  it("refuses text its JSON column could not store, naming where", () => {
    for (const text of ["a\u0000b", "\ud800", "x\udc00"]) {
      const named = parse({ ...(clone(PRESETS.trust_policy) as object), description: text });
      if (named.ok) expect.fail(`accepted ${JSON.stringify(text)}`);
      expect(named.problems).toEqual([expect.stringMatching(/^description: contains /)]);
      const keyed = clone(PRESETS.trust_policy) as { bands: Record<string, Json>[] };
      (keyed.bands[0] as Record<string, Json>)[`x${text}`] = 1;
      const key = parse(keyed);
      if (key.ok) expect.fail(`accepted a key ${JSON.stringify(text)}`);
      expect(key.problems).toEqual([
        expect.stringMatching(/^bands\.0: a property's name contains /),
      ]);
    }
  });
});
