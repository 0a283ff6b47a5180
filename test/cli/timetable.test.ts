import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeTimetable } from "../../src/cli/import.ts";
import { openDatabase } from "../../src/db/database.ts";
import { createUser } from "../../src/db/repositories/users.ts";
import { makeUpn } from "../../src/domain/pupil.ts";
import { rollbook } from "../support/cli.ts";

/** `rollbook import timetable`: the same use case as the web app's and the API's import. */
let dir: string;
const cli = (...args: string[]) => rollbook(["--data-dir", join(dir, "db"), ...args]);

const AVA = makeUpn("383", "4999", 24, 1);
const BEN = makeUpn("383", "4999", 24, 2);
const HEADER = "class,subject,day,period,starts,ends,teacher_email,upn";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rollbook-timetable-"));
  const init = await cli(
    "init",
    "--school",
    "Hillside Academy",
    "--phase",
    "secondary",
    "--urn",
    "123457",
    "--estab",
    "4001",
  );
  expect(init.stderr).toBe("");
  await writeFile(
    join(dir, "pupils.csv"),
    [
      "upn,legal_forename,legal_surname,date_of_birth,sex,year_group,registration_group,admission_date",
      `${AVA},Ava,Jones,2013-05-02,F,Year 8,8C,2024-09-01`,
      `${BEN},Ben,Khan,2013-07-12,M,Year 8,8C,2024-09-01`,
    ].join("\n"),
  );
  const pupils = await cli("import", "pupils", join(dir, "pupils.csv"), "--yes");
  expect(pupils.stdout).toContain("Pupils: 2 admitted, 0 updated");
  // A member of staff at the school (the CLI has no command for staff: the web app adds them).
  const database = await openDatabase({ dataDir: join(dir, "db") });
  try {
    const school = await database.db.selectFrom("schools").select("id").executeTakeFirstOrThrow();
    await createUser(database.db, {
      email: "k.tutor@school.example",
      name: "Kim Tutor",
      passwordHash: "not-used",
      grants: [{ role: "teacher", schoolId: school.id }],
    });
  } finally {
    await database.close();
  }
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("rollbook import timetable", () => {
  it("refuses a file with bad rows, line by line, with exit code 2, importing nothing", async () => {
    await writeFile(
      join(dir, "bad.csv"),
      [
        HEADER,
        `8C-Ma,Maths,Sat,P1,09:15,10:15,k.tutor@school.example,${AVA}`,
        `8C-Ma,Maths,Wed,P2,10:15,10:00,nobody@school.example,${BEN}`,
        "8C-Ma,Maths,Wed,P3,11:15,12:15,k.tutor@school.example,X000000000000",
      ].join("\n"),
    );
    const bad = await cli("import", "timetable", join(dir, "bad.csv"));
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("Nothing was imported: 4 problems in the timetable file");
    expect(bad.stderr).toContain('line 2: "Sat" is not a school day (Mon to Fri)');
    expect(bad.stderr).toContain("line 3: the period must end after it starts");
    expect(bad.stderr).toContain(
      "line 3: no member of staff here has the email nobody@school.example",
    );
    expect(bad.stderr).toContain("line 4: no pupil here has the UPN X000000000000");
    expect(bad.stderr).not.toMatch(/\bat .*\.ts:\d+/);

    const missingColumn = await cli("import", "timetable", join(dir, "pupils.csv"));
    expect(missingColumn.code).toBe(2);
    expect(missingColumn.stderr).toMatch(/timetable/);
    expect(missingColumn.stderr).toMatch(/teacher_email/);

    const noFile = await cli("import", "timetable", join(dir, "absent.csv"));
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain("no such file");
  }, 120_000);

  it("imports periods, classes, teachers and pupils, printing a summary in words", async () => {
    await writeFile(
      join(dir, "timetable.csv"),
      [
        HEADER,
        `8C-Ma,Maths,Wed,P2,10:15,11:15,k.tutor@school.example,${AVA}`,
        `8C-Ma,Maths,Wed,P2,10:15,11:15,K.Tutor@school.example,${BEN}`,
        `8C-Ma,Maths,Thu,P1,09:15,10:15,k.tutor@school.example,${AVA}`,
      ].join("\n"),
    );
    const one = await cli("import", "timetable", join(dir, "timetable.csv"), "--school", "123457");
    expect(one.stderr).toBe("");
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(
      "Timetable for Hillside Academy: 1 class, 2 periods, 2 lessons a week, 2 places in classes\n",
    );

    await writeFile(
      join(dir, "timetable2.csv"),
      [
        HEADER,
        `8C-Ma,Maths,Wed,P2,10:15,11:15,k.tutor@school.example,${AVA}`,
        `8C-Sc,Science,Fri,P1,09:15,10:15,k.tutor@school.example,${BEN}`,
      ].join("\n"),
    );
    const two = await cli("import", "timetable", join(dir, "timetable2.csv"));
    expect(two.stdout).toBe(
      "Timetable for Hillside Academy: 2 classes, 2 periods, 2 lessons a week, 2 places in classes\n",
    );
    // The class's rows replaced its pupils and times: stored as the second file says.
    const database = await openDatabase({ dataDir: join(dir, "db") });
    try {
      const places = await database.db
        .selectFrom("lesson_class_pupils as p")
        .innerJoin("lesson_classes as c", "c.id", "p.class_id")
        .innerJoin("pupils as u", "u.id", "p.pupil_id")
        .select(["c.name", "u.upn"])
        .orderBy("c.name")
        .execute();
      expect(places).toEqual([
        { name: "8C-Ma", upn: AVA },
        { name: "8C-Sc", upn: BEN },
      ]);
      const times = await database.db.selectFrom("lesson_times").select("weekday").execute();
      expect(times.map((t) => t.weekday).sort()).toEqual([3, 5]);
    } finally {
      await database.close();
    }
  }, 120_000);

  it("words the summary for one of anything", () => {
    expect(describeTimetable({ periods: 1, classes: 1, lessons: 1, places: 1 }, "X")).toBe(
      "Timetable for X: 1 class, 1 period, 1 lesson a week, 1 place in classes",
    );
  });
});
