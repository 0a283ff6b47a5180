import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUpn } from "../../src/domain/pupil.ts";
import { type CliResult, rollbook as run } from "../support/cli.ts";

let dir: string;

function rollbook(...args: string[]): Promise<CliResult> {
  return answering("", ...args);
}

/** Runs the CLI with these lines typed at its prompts. */
function answering(input: string, ...args: string[]): Promise<CliResult> {
  return run(["--data-dir", join(dir, "db"), ...args], { input });
}

const UPN = makeUpn("383", "4999", 24, 1);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rollbook-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("rollbook CLI", () => {
  it("initialises a school, imports pupils and marks, and prints statistics", async () => {
    const init = await rollbook(
      "init",
      "--school",
      "Hillside Primary",
      "--phase",
      "primary",
      "--urn",
      "123456",
      "--estab",
      "2001",
    );
    expect(init.stderr).toBe("");
    expect(init.stdout).toMatch(/Created Hillside Primary \(school 1\) with 2 academic year\(s\)/);

    await writeFile(
      join(dir, "pupils.csv"),
      `upn,legal_forename,legal_surname,date_of_birth,sex,year_group,registration_group,admission_date\n${UPN},Ava,Jones,2018-05-02,F,Year 2,Oak,2022-09-01\n`,
    );
    // The summary first; nothing is imported unless the answer is yes.
    const declined = await answering("n\n", "import", "pupils", join(dir, "pupils.csv"));
    expect(declined.stdout).toContain(`Added: 1\n  ${UPN} Ava Jones\n`);
    expect(declined.stdout).toContain("Import these changes? [y/N] Nothing was imported\n");
    const accepted = await answering("y\n", "import", "pupils", join(dir, "pupils.csv"));
    expect(accepted.stdout).toMatch(/Added: 1\n[\s\S]*Pupils: 1 admitted, 0 updated\n$/);
    // A SIMS export saved by Excel (Windows-1252, UK dates) with fewer columns, for a script.
    await writeFile(
      join(dir, "sims.csv"),
      Buffer.from(
        `UPN,Legal Surname,Legal Forename,Gender,Date of Birth,Date of Admission\r\n${UPN},Jonés,Ava,Female,02/05/2018,01/09/2022\r\n`,
        "latin1",
      ),
    );
    const sims = await rollbook("import", "pupils", join(dir, "sims.csv"), "--yes");
    expect(sims.stdout).toContain("Pupils file: SIMS export, read as Windows-1252");
    expect(sims.stdout).toContain("Not in the file, so left as they are: preferred_forename");
    expect(sims.stdout).toContain(`${UPN} Ava Jones: legal_surname Jones -> Jonés`);
    expect(sims.stdout).toContain("Pupils: 0 admitted, 1 updated\n");

    const marks = ["upn,date,session,code,minutes_late"];
    for (const date of ["2025-09-03", "2025-09-04", "2025-09-05", "2025-09-08", "2025-09-09"]) {
      marks.push(`${UPN},${date},AM,/,`, `${UPN},${date},PM,${date === "2025-09-05" ? "I" : "/"},`);
    }
    await writeFile(join(dir, "marks.csv"), `${marks.join("\n")}\n`);
    const imported = await rollbook("import", "marks", join(dir, "marks.csv"));
    expect(imported.stdout).toContain("Marks: 10 recorded, 0 amended, 0 already recorded as given");

    const stats = await rollbook(
      "stats",
      "--pupil",
      UPN,
      "--from",
      "2025-09-01",
      "--to",
      "2025-09-30",
      "--json",
    );
    const report = JSON.parse(stats.stdout);
    expect(report.statistics).toMatchObject({
      possible: 10,
      attendance: 9,
      authorised: 1,
      persistentlyAbsent: true,
    });
    const table = await rollbook("stats", "--from", "2025-09-01", "--to", "2025-09-30");
    expect(table.stdout).toContain("Attendance 90.0%");
    expect(table.stdout).toMatch(/Oak\s+1\s+90\.0/);
  }, 300_000);

  it("refuses a bad file with the line and reason, exit code 2 and no stack trace", async () => {
    await writeFile(join(dir, "bad.csv"), `upn,date,session,code\n${UPN},2025-09-10,AM,Q9\n`);
    const result = await rollbook("import", "marks", join(dir, "bad.csv"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `line 2: "Q9" is not an attendance code (pupil ${UPN}, 2025-09-10 AM)`,
    );
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  }, 30_000);

  it("explains a missing file and a bad option", async () => {
    expect((await rollbook("import", "marks", join(dir, "nope.csv"))).stderr).toContain(
      "no such file",
    );
    const period = await rollbook("stats", "--period", "fortnight");
    expect(period.code).toBe(2);
    expect(period.stderr).toContain("--period must be year, term or half_term");
  }, 60_000);
});
