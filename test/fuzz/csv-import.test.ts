import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RowProblem } from "../../src/app/import/csv.ts";
import { CONTACTS_CSV, importContacts } from "../../src/app/import/import-contacts.ts";
import { importMarks, MARKS_CSV } from "../../src/app/import/import-marks.ts";
import { importPupils, PUPILS_CSV } from "../../src/app/import/import-pupils.ts";
import type { Database } from "../../src/db/database.ts";
import { saveAcademicYear } from "../../src/db/repositories/calendar.ts";
import { createSchool } from "../../src/db/repositories/schools.ts";
import type { School } from "../../src/db/schema.ts";
import { makeUpn, upnCheckLetter } from "../../src/domain/pupil.ts";
import { aCalendar, year2025 } from "../support/builders.ts";
import { testDatabase } from "../support/database.ts";
import { anyText, fingerprint, nasty, outcomeOf, settings } from "./support.ts";

/**
 * Every importer, fed arbitrary and near-valid files (a valid file with one thing wrong), either
 * imports or refuses with a RollbookError that names the line and the problem; a refused file
 * writes nothing at all.
 */

const TABLES = [
  "pupils",
  "contacts",
  "session_marks",
  "mark_history",
  "pupil_year_marks",
  "year_groups",
  "registration_groups",
] as const;

type Row = Record<string, string>;

/** A file before it is written out: its columns, rows and line ending. */
interface Draft {
  columns: string[];
  rows: Row[];
  eol: "\n" | "\r\n";
}

type Expectation =
  | { kind: "ok" }
  | { kind: "either" }
  | { kind: "row"; row: number; pattern: RegExp }
  | { kind: "file"; pattern: RegExp };

interface Mutation {
  name: string;
  draft: Draft;
  expect: Expectation;
  /** Re-encodes the written file (a BOM, the wrong character set...). */
  encode?: (text: string) => string;
  /** The encoding moves rows about: any line of the file may be named. */
  reshapes?: boolean;
}

interface Case {
  name: string;
  text: string;
  /** The line each row starts on (the header is line 1). */
  starts: number[];
  expect: Expectation;
}

function cell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function write(mutation: Mutation): Case {
  const { columns, rows, eol } = mutation.draft;
  const lines = [columns.map(cell).join(",")];
  const starts: number[] = [];
  let line = 2;
  for (const row of rows) {
    const text = columns.map((c) => cell(row[c] ?? "")).join(",");
    starts.push(line);
    line += 1 + (text.match(/\r\n|\r|\n/g)?.length ?? 0);
    lines.push(text);
  }
  const written = `${lines.join(eol)}${eol}`;
  const text = mutation.encode ? mutation.encode(written) : written;
  return {
    name: mutation.name,
    text,
    starts: mutation.reshapes
      ? Array.from({ length: text.split("\n").length }, (_, i) => i + 2)
      : starts,
    expect: mutation.expect,
  };
}

/**
 * Calls the import and checks the outcome: success, or a RollbookError naming each bad row's
 * line (or the header, or the file), with every table exactly as it was before.
 */
async function check(
  database: Database,
  file: Case,
  run: (csv: string) => Promise<unknown>,
): Promise<void> {
  const before = await fingerprint(database.db, TABLES);
  const result = await outcomeOf(() => run(file.text));
  const { expect: wanted } = file;
  if (result.ok) {
    if (wanted.kind === "row" || wanted.kind === "file")
      expect.fail(`${file.name}: the file was imported, expected it refused:\n${file.text}`);
    return;
  }
  const { error } = result;
  expect(await fingerprint(database.db, TABLES), `${file.name} wrote something`).toEqual(before);
  expect(error.code).toBe("import_rejected");
  expect(error.message.trim().length).toBeGreaterThan(0);
  const problems = error.details.problems as RowProblem[] | undefined;
  if (problems) {
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      // The line named is where a row starts, and the message says what is wrong with it.
      expect(file.starts, `${file.name}: ${error.message}`).toContain(problem.line);
      expect(problem.message.trim().length).toBeGreaterThan(0);
    }
    for (const problem of problems.slice(0, 50))
      expect(error.message).toContain(`line ${problem.line}: ${problem.message}`);
  } else {
    expect(error.message).toMatch(
      /file is empty|file is not valid CSV|file's header is wrong|file is not UTF-8 text: its header/,
    );
  }
  if (wanted.kind === "ok")
    expect.fail(`${file.name}: refused, expected imported: ${error.message}`);
  if (wanted.kind === "row") {
    const line = file.starts[wanted.row];
    const named = problems?.find((p) => p.line === line && wanted.pattern.test(p.message));
    expect(
      named,
      `${file.name}: expected line ${line} to match ${wanted.pattern}, got:\n${error.message}`,
    ).toBeDefined();
  }
  if (wanted.kind === "file") expect(error.message).toMatch(wanted.pattern);
}

const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);

/** Mutations every importer shares: the file's shape, encoding, header and rows. */
function commonMutations(
  draft: fc.Arbitrary<Draft>,
  format: { name: string; required: string[] },
  keyOf: RegExp,
): fc.MaybeWeightedArbitrary<Mutation>[] {
  const withRow = draft.chain((d) => fc.tuple(fc.constant(d), fc.nat({ max: d.rows.length - 1 })));
  return [
    draft.map((d) => ({ name: "valid", draft: d, expect: { kind: "ok" } })),
    draft.map((d) => ({
      name: "CRLF line endings",
      draft: { ...d, eol: "\r\n" },
      expect: { kind: "ok" },
    })),
    draft.map((d) => ({
      name: "UTF-8 BOM",
      draft: d,
      expect: { kind: "ok" },
      encode: (t) => `\uFEFF${t}`,
    })),
    draft.map((d) => ({
      name: "header in capitals with spaces",
      draft: d,
      expect: { kind: "ok" },
      encode: (t) => {
        const [header = "", ...rest] = t.split("\n");
        return [header.toUpperCase().replaceAll("_", " "), ...rest].join("\n");
      },
    })),
    draft.map((d) => ({
      name: "UTF-16 file",
      draft: d,
      expect: { kind: "file", pattern: /UTF-8/ },
      encode: (t) => Buffer.from(`\uFEFF${t}`, "utf16le").toString("utf8"),
    })),
    draft.map((d) => ({
      name: "Latin-1 file",
      draft: d,
      expect: { kind: "either" },
      encode: (t) => Buffer.from(t, "latin1").toString("utf8"),
    })),
    fc.constantFrom("", "\n", "\r\n\r\n", "\uFEFF", "   ").map((text) => ({
      name: `empty file ${JSON.stringify(text)}`,
      draft: { columns: [], rows: [], eol: "\n" },
      expect: { kind: "either" },
      encode: () => text,
    })),
    fc.tuple(draft, pick(format.required)).map(([d, column]) => ({
      name: `missing column ${column}`,
      draft: { ...d, columns: d.columns.filter((c) => c !== column) },
      expect: { kind: "file", pattern: new RegExp(`missing column\\(s\\): .*${column}`) },
    })),
    draft.map((d) => ({
      name: "unknown column",
      draft: {
        ...d,
        columns: [...d.columns, "favourite_colour"],
        rows: d.rows.map((r) => ({ ...r, favourite_colour: "blue" })),
      },
      expect: { kind: "file", pattern: /unknown column\(s\): favourite_colour/ },
    })),
    fc.tuple(draft, pick(format.required)).map(([d, column]) => ({
      name: `repeated column ${column}`,
      draft: { ...d, columns: [...d.columns, column] },
      expect: { kind: "file", pattern: new RegExp(`repeated column\\(s\\): ${column}`) },
    })),
    withRow.map(([d, i]) => ({
      name: "duplicated row",
      draft: { ...d, rows: [...d.rows, d.rows[i] as Row] },
      expect: { kind: "row", row: d.rows.length, pattern: keyOf },
    })),
    fc.tuple(withRow, fc.nat({ max: 6 })).map(([[d, i], cut]) => ({
      name: "short row",
      draft: d,
      expect: { kind: "either" },
      reshapes: true,
      encode: (t) => {
        const lines = t.split(d.eol);
        const at = i + 1;
        lines[at] = (lines[at] ?? "")
          .split(",")
          .slice(0, -cut - 1)
          .join(",");
        return lines.join(d.eol);
      },
    })),
    withRow.map(([d, i]) => ({
      name: "unclosed quote",
      draft: d,
      expect: { kind: "either" },
      reshapes: true,
      encode: (t) => {
        const lines = t.split(d.eol);
        lines[i + 1] = `"${lines[i + 1] ?? ""}`;
        return lines.join(d.eol);
      },
    })),
    {
      // One field set to anything at all: the heart of the fuzzing, so drawn most often.
      weight: 8,
      arbitrary: fc.tuple(withRow, fc.nat(), anyText).map(([[d, i], c, value]): Mutation => {
        const column = d.columns[c % d.columns.length] as string;
        return {
          name: `row ${i + 1} ${column} = ${JSON.stringify(value.slice(0, 60))}`,
          draft: { ...d, rows: d.rows.map((r, j) => (j === i ? { ...r, [column]: value } : r)) },
          expect: { kind: "either" },
        };
      }),
    },
    fc.tuple(withRow, fc.nat()).map(([[d, i], c]) => {
      const column = d.columns[c % d.columns.length] as string;
      return {
        name: `NUL character in row ${i + 1} ${column}`,
        draft: {
          ...d,
          rows: d.rows.map((r, j) => (j === i ? { ...r, [column]: `a\u0000b` } : r)),
        },
        expect: { kind: "row", row: i, pattern: /NUL/ },
      };
    }),
    fc
      .tuple(withRow, fc.nat(), fc.integer({ min: 10_000, max: 200_000 }))
      .map(([[d, i], c, size]) => {
        const column = d.columns[c % d.columns.length] as string;
        return {
          name: `huge ${column} (${size} characters) in row ${i + 1}`,
          draft: {
            ...d,
            rows: d.rows.map((r, j) => (j === i ? { ...r, [column]: "x".repeat(size) } : r)),
          },
          expect: { kind: "either" },
        };
      }),
  ];
}

/** A row-level mutation that must be refused, naming the row's line and the problem. */
function rowMutation(
  draft: fc.Arbitrary<Draft>,
  name: string,
  change: fc.Arbitrary<{ values: Row; pattern: RegExp }>,
): fc.Arbitrary<Mutation> {
  return draft.chain((d) =>
    fc.tuple(fc.nat({ max: d.rows.length - 1 }), change).map(([i, { values, pattern }]) => ({
      name: `${name} in row ${i + 1}: ${JSON.stringify(values)}`,
      draft: { ...d, rows: d.rows.map((r, j) => (j === i ? { ...r, ...values } : r)) },
      expect: { kind: "row" as const, row: i, pattern },
    })),
  );
}

function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

let database: Database;
let school: School;
const UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ";
/** The pupils the contact and marks files refer to: three on roll all year, one from October. */
const ROLL = [1, 2, 3, 4].map((n) => makeUpn("383", "4999", 24, n));
const LATE_JOINER = ROLL[3] as string;
const NOBODY = makeUpn("383", "4999", 24, 999);

beforeAll(async () => {
  database = await testDatabase();
  school = await createSchool(database.db, { name: "Fuzz School", phase: "secondary" });
  await saveAcademicYear(database.db, school.id, year2025());
  await importPupils(
    database.db,
    school.id,
    `upn,legal_forename,legal_surname,date_of_birth,sex,admission_date,registration_group
${ROLL.map((upn, i) => `${upn},Pupil${i + 1},Example,2012-10-01,F,${i === 3 ? "2025-10-01" : "2024-09-01"},8C`).join("\n")}
`,
  );
});
afterAll(async () => {
  await database?.close();
});

describe("pupils CSV", () => {
  const columns = [...PUPILS_CSV.required, ...PUPILS_CSV.optional];
  const yesNo = pick(["", "Y", "N", "yes", "no", "TRUE", "false", "1", "0"]);
  const row = (serial: number): fc.Arbitrary<Row> =>
    fc
      .record({
        legal_forename: pick(["Amelia", "Noah", "Zoë", "O'Brien", "Anne-Marie", "Li, Wei"]),
        legal_surname: pick(["Khan", "Smith", "Nowak", "de la Cruz", 'Jones "JJ"']),
        preferred_forename: pick(["", "Millie"]),
        preferred_surname: pick(["", "Jones"]),
        date_of_birth: pick(["2012-10-01", "2013-02-28", "2011-09-01"]),
        sex: pick(["F", "M", "X", "f", "m"]),
        year_group: pick(["", "Year 7", "Year 8", "Reception"]),
        registration_group: pick(["", "7A", "8C"]),
        admission_date: pick(["2024-09-01", "2025-09-03"]),
        leaving_date: pick(["", "2026-07-22"]),
        sen: pick(["", "N", "K", "E", "k"]),
        fsm: yesNo,
        pupil_premium: yesNo,
        looked_after: yesNo,
        social_worker: yesNo,
        medical_condition: yesNo,
      })
      .map((r) => ({ upn: makeUpn("383", "4999", 25, serial), ...r }));
  const draft: fc.Arbitrary<Draft> = fc
    .uniqueArray(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 6 })
    .chain((serials) => fc.tuple(...serials.map(row)))
    .map((rows) => ({ columns, rows, eol: "\n" as const }));

  const mutations = fc.oneof(
    ...commonMutations(draft, PUPILS_CSV, /UPN .* is also on line \d+/),
    rowMutation(
      draft,
      "wrong check letter",
      fc.tuple(fc.integer({ min: 1, max: 400 }), fc.nat({ max: 21 })).map(([serial, k]) => {
        const upn = makeUpn("383", "4999", 26, serial);
        const wrong = UPN_ALPHABET.replace(upnCheckLetter(upn.slice(1)), "")[k] as string;
        return { values: { upn: wrong + upn.slice(1) }, pattern: /has check letter .*, expected/ };
      }),
    ),
    rowMutation(
      draft,
      "malformed UPN",
      pick(["", "A123", "I383499924001", "A38349992400!", "a383 49992 4001"]).map((upn) => ({
        values: { upn },
        pattern: /UPN|shaped like a UPN/,
      })),
    ),
    rowMutation(
      draft,
      "bad date",
      fc
        .tuple(
          pick(["date_of_birth", "admission_date"]),
          pick([
            "2013-02-30",
            "01/09/2024",
            "2024-9-1",
            "",
            "yesterday",
            "0000-01-01",
            "2024-13-01",
          ]),
        )
        .map(([field, value]) => ({
          values: { [field]: value },
          pattern: new RegExp(`${field} "${literally(value)}" is not a date`),
        })),
    ),
    rowMutation(
      draft,
      "left before admitted",
      fc.constant({ values: { leaving_date: "2020-01-01" }, pattern: /leaving_date .* is before/ }),
    ),
    rowMutation(
      draft,
      "born after admission",
      fc.constant({
        values: { date_of_birth: "2026-01-01" },
        pattern: /date_of_birth 2026-01-01 is not before admission_date/,
      }),
    ),
    rowMutation(
      draft,
      "unknown sex",
      // "Female" and "Male" are read (MIS exports write them); "femal" is not.
      pick(["Q", "", "femal", "0"]).map((sex) => ({
        values: { sex },
        pattern: /sex ".*" must be F, M or X/,
      })),
    ),
    rowMutation(
      draft,
      "unknown SEN code",
      pick(["Z", "S", "yes", "EHCP"]).map((sen) => ({
        values: { sen },
        pattern: /sen ".*" must be N/,
      })),
    ),
    rowMutation(
      draft,
      "bad yes/no",
      fc
        .tuple(pick(["fsm", "looked_after", "social_worker"]), pick(["maybe", "2", "x"]))
        .map(([field, value]) => ({
          values: { [field]: value },
          pattern: new RegExp(`${field} "${value}" must be Y or N`),
        })),
    ),
    rowMutation(
      draft,
      "empty name",
      pick(["legal_forename", "legal_surname"]).map((field) => ({
        values: { [field]: "" },
        pattern: new RegExp(`${field} is empty`),
      })),
    ),
  );

  it("imports or refuses every near-valid file, naming the line; a refusal writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(mutations, async (mutation) => {
        await check(database, write(mutation), (csv) => importPupils(database.db, school.id, csv));
      }),
      settings(200),
    );
  });

  it("never crashes on arbitrary text", async () => {
    const header = `${columns.join(",")}\n`;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), nasty),
        fc.boolean(),
        async (text, withHeader) => {
          const csv = withHeader ? header + text : text;
          const before = await fingerprint(database.db, TABLES);
          const result = await outcomeOf(() => importPupils(database.db, school.id, csv));
          if (!result.ok) {
            expect(result.error.code).toBe("import_rejected");
            expect(await fingerprint(database.db, TABLES)).toEqual(before);
          }
        },
      ),
      settings(150),
    );
  });
});

describe("contacts CSV", () => {
  const columns = [...CONTACTS_CSV.required, ...CONTACTS_CSV.optional];
  const yesNo = pick(["", "Y", "N", "yes", "0"]);
  const row = ([upn, priority]: [string, number]): fc.Arbitrary<Row> =>
    fc.record({
      upn: fc.constant(upn),
      priority: fc.constant(String(priority)),
      name: pick(["Sara Khan", "Imran Khan", "Ms O'Neill", "Dr. A, B"]),
      relationship: pick(["Mother", "Father", "Carer", "Grandparent"]),
      phone: pick(["", "07700 900123", "+44 (0)113 496 0000"]),
      email: pick(["", "sara@example.com", "a.b+c@school.example.org"]),
      address: pick(["", "1 High Street\nLeeds", "Flat 2, 3 Park Road"]),
      parental_responsibility: yesNo,
      lives_with_pupil: yesNo,
    });
  const draft: fc.Arbitrary<Draft> = fc
    .uniqueArray(fc.tuple(pick(ROLL), fc.integer({ min: 1, max: 20 })), {
      minLength: 1,
      maxLength: 6,
      selector: ([upn, priority]) => `${upn}|${priority}`,
    })
    .chain((keys) => fc.tuple(...keys.map(row)))
    .map((rows) => ({ columns, rows, eol: "\n" as const }));

  const mutations = fc.oneof(
    ...commonMutations(draft, CONTACTS_CSV, /priority \d+ is also on line \d+/),
    rowMutation(
      draft,
      "priority out of range",
      pick(["0", "21", "-1", "1.5", "x", "", "1e3"]).map((priority) => ({
        values: { priority },
        pattern: /priority ".*" must be 1 to 20/,
      })),
    ),
    rowMutation(
      draft,
      "unknown pupil",
      pick([NOBODY, "A123", ""]).map((upn) => ({
        values: { upn },
        pattern: /no pupil with UPN ".*" in this school/,
      })),
    ),
    rowMutation(
      draft,
      "bad email",
      pick(["not-an-email", "a@b", "@example.com", "a b@example.com"]).map((email) => ({
        values: { email },
        pattern: /email ".*" is not an email address/,
      })),
    ),
    rowMutation(
      draft,
      "bad phone",
      pick(["abc", "12", "0770090012300000000000000"]).map((phone) => ({
        values: { phone },
        pattern: /phone ".*" is not a phone number/,
      })),
    ),
    rowMutation(
      draft,
      "empty required field",
      pick(["name", "relationship"]).map((field) => ({
        values: { [field]: "" },
        pattern: new RegExp(`${field} is empty`),
      })),
    ),
    rowMutation(
      draft,
      "bad yes/no",
      pick(["parental_responsibility", "lives_with_pupil"]).map((field) => ({
        values: { [field]: "perhaps" },
        pattern: new RegExp(`${field} "perhaps" must be Y or N`),
      })),
    ),
  );

  it("imports or refuses every near-valid file, naming the line; a refusal writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(mutations, async (mutation) => {
        await check(database, write(mutation), (csv) =>
          importContacts(database.db, school.id, csv),
        );
      }),
      settings(150),
    );
  });
});

describe("marks CSV", () => {
  const columns = [...MARKS_CSV.required, ...MARKS_CSV.optional];
  const days = aCalendar().schoolDays("2025-09-03", "2025-12-19");
  const onRoll = ROLL.slice(0, 3);
  const codes = pick(["/", "\\", "L", "N", "I", "M", "C", "G", "O", "U", "B", "K", "Y4", "#"]);
  const row = ([upn, day, session]: [string, number, string]): fc.Arbitrary<Row> =>
    fc
      .tuple(codes, fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }))
      .map(([code, minutes]) => ({
        upn,
        date: days[day] as string,
        session,
        code,
        minutes_late:
          (code === "L" || code === "U") && minutes !== undefined ? String(minutes) : "",
      }));
  const draft: fc.Arbitrary<Draft> = fc
    .uniqueArray(
      fc.tuple(pick(onRoll), fc.nat({ max: days.length - 1 }), pick(["AM", "PM", "am"])),
      {
        minLength: 1,
        maxLength: 8,
        selector: ([upn, day, session]) => `${upn}|${day}|${session.toUpperCase()}`,
      },
    )
    .chain((keys) => fc.tuple(...keys.map(row)))
    .map((rows) => ({ columns, rows, eol: "\n" as const }));

  const mutations = fc.oneof(
    ...commonMutations(draft, MARKS_CSV, /is also on line \d+/),
    rowMutation(
      draft,
      "unknown code",
      pick(["A", "Q9", "HH", "", "//", "N!", "__proto__"]).map((code) => ({
        values: { code, minutes_late: "" },
        pattern: /is not an attendance code \(pupil .*, \d{4}-\d\d-\d\d (AM|PM)\)/,
      })),
    ),
    rowMutation(
      draft,
      "code no longer in force",
      pick(["H", "F", "J", "Y"]).map((code) => ({
        values: { code, minutes_late: "" },
        pattern: new RegExp(`Code "${code}" cannot be recorded on \\d{4}-\\d\\d-\\d\\d`),
      })),
    ),
    rowMutation(
      draft,
      "not a school session",
      pick(["2025-09-06", "2025-09-01", "2025-10-28", "2025-12-25", "2024-09-04"]).map((date) => ({
        values: { date },
        pattern: new RegExp(`${date} (AM|PM) is not a school session`),
      })),
    ),
    rowMutation(
      draft,
      "bad date",
      pick(["2025-09-31", "03/09/2025", "2025-9-3", "", "today"]).map((date) => ({
        values: { date },
        pattern: new RegExp(`date "${literally(date)}" is not a date`),
      })),
    ),
    rowMutation(
      draft,
      "bad session",
      pick(["XX", "", "AM PM", "morning"]).map((session) => ({
        values: { session },
        pattern: /session ".*" must be AM or PM/,
      })),
    ),
    rowMutation(
      draft,
      "bad minutes late",
      pick(["-1", "601", "2.5", "abc", "1e9"]).map((minutes) => ({
        values: { code: "L", minutes_late: minutes },
        pattern: /minutes_late ".*" must be a whole number of minutes from 0 to 600/,
      })),
    ),
    rowMutation(
      draft,
      "minutes late on a code that is not late",
      pick(["N", "I", "/"]).map((code) => ({
        values: { code, minutes_late: "5" },
        pattern: /only late marks \(L, U\) have minutes late/,
      })),
    ),
    rowMutation(
      draft,
      "unknown pupil",
      pick([NOBODY, "nobody"]).map((upn) => ({
        values: { upn },
        pattern: /no pupil with UPN ".*" in this school/,
      })),
    ),
    rowMutation(
      draft,
      "pupil not on roll",
      fc.constant({
        values: { upn: LATE_JOINER, date: "2025-09-10", code: "N", minutes_late: "" },
        pattern: new RegExp(`${LATE_JOINER} is not on roll on 2025-09-10`),
      }),
    ),
  );

  it("imports or refuses every near-valid file, naming the line; a refusal writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(mutations, fc.boolean(), async (mutation, amend) => {
        const file = write(mutation);
        // Without an amendment reason a valid file may still be refused: it changes marks already recorded.
        if (!amend && file.expect.kind === "ok") file.expect = { kind: "either" };
        await check(database, file, (csv) =>
          importMarks(database.db, school.id, csv, {
            by: "fuzz",
            amendReason: amend ? "fuzzing the import" : null,
          }),
        );
      }),
      settings(200),
    );
  });

  it("names the first 50 problems of a long bad file and counts the rest, writing nothing", async () => {
    const rows = Array.from(
      { length: 3000 },
      (_, i) => `${ROLL[0]},2025-09-0${3 + (i % 3)},AM,Q9,`,
    );
    const file: Case = {
      name: "3000 bad rows",
      text: `upn,date,session,code,minutes_late\n${rows.join("\n")}\n`,
      starts: rows.map((_, i) => i + 2),
      expect: { kind: "row", row: 0, pattern: /"Q9" is not an attendance code/ },
    };
    await check(database, file, (csv) => importMarks(database.db, school.id, csv, { by: "fuzz" }));
  });
});

describe("regressions", () => {
  const header = "upn,legal_forename,legal_surname,date_of_birth,sex,admission_date";
  const row = (n: number, surname = "Example") =>
    `${makeUpn("383", "4999", 27, n)},Pupil,${surname},2012-10-01,F,2024-09-01`;
  const refusal = async (csv: string) => {
    const result = await outcomeOf(() => importPupils(database.db, school.id, csv));
    if (result.ok) expect.fail("the file was imported");
    return result.error;
  };

  it("refuses a NUL character naming its row, instead of failing in the database", async () => {
    const before = await fingerprint(database.db, TABLES);
    const error = await refusal(`${header}\n${row(1)}\n${row(2, "Ex\u0000ample")}\n`);
    expect(error.message).toContain("line 3: has a NUL character");
    expect(await fingerprint(database.db, TABLES)).toEqual(before);
  });

  it("refuses a UTF-16 file as not UTF-8 text", async () => {
    const csv = Buffer.from(`\uFEFF${header}\n${row(1)}\n`, "utf16le").toString("utf8");
    expect((await refusal(csv)).message).toMatch(/file is not UTF-8 text: its header has NUL/);
  });

  it("names the line an editor shows after a quoted field holding a CRLF", async () => {
    const csv = `${header}\r\n${row(3, '"Two\r\nlines"')}\r\n${row(4)}\r\n${row(5).replace("F,", "Q,")}\r\n`;
    // Line 2 holds two physical lines, so the third row starts on line 5.
    expect((await refusal(csv)).message).toContain('line 5: sex "Q" must be F, M or X');
  });
});
