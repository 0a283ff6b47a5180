import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importContacts } from "../../src/app/import/import-contacts.ts";
import { importMarks } from "../../src/app/import/import-marks.ts";
import { importPupils } from "../../src/app/import/import-pupils.ts";
import type { Database } from "../../src/db/database.ts";
import { saveAcademicYear } from "../../src/db/repositories/calendar.ts";
import { markHistory } from "../../src/db/repositories/marks.ts";
import { contactsOf, pupilsByUpn } from "../../src/db/repositories/pupils.ts";
import { createSchool } from "../../src/db/repositories/schools.ts";
import type { School } from "../../src/db/schema.ts";
import { RollbookError } from "../../src/domain/errors.ts";
import { makeUpn } from "../../src/domain/pupil.ts";
import { year2025 } from "../support/builders.ts";
import { testDatabase } from "../support/database.ts";

let database: Database;
let school: School;
const UPN_1 = makeUpn("383", "4999", 24, 1);
const UPN_2 = makeUpn("383", "4999", 24, 2);

const PUPILS = `upn,legal_forename,legal_surname,preferred_forename,date_of_birth,sex,year_group,registration_group,admission_date,sen,fsm,social_worker
${UPN_1},Amelia,Khan,Millie,2012-10-01,F,Year 8,8C,2024-09-01,K,Y,N
${UPN_2},Noah,Smith,,2013-01-15,M,Year 8,8C,2024-09-01,N,N,Y
`;

beforeAll(async () => {
  database = await testDatabase();
  school = await createSchool(database.db, { name: "Import School", phase: "secondary" });
  await saveAcademicYear(database.db, school.id, year2025());
});
afterAll(async () => {
  await database?.close();
});

async function rejection(promise: Promise<unknown>): Promise<RollbookError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RollbookError) return error;
    throw error;
  }
  throw new Error("expected the import to be refused");
}

describe("pupil import", () => {
  it("refuses a file with bad rows, naming each line and writing nothing", async () => {
    const bad = `upn,legal_forename,legal_surname,date_of_birth,sex,admission_date,fsm
${UPN_1},Amelia,Khan,2012-10-01,F,2024-09-01,Y
A123,Noah,Smith,2013-02-30,Q,2024-09-01,maybe
${UPN_1},Amy,Khan,2012-10-01,F,2024-09-01,N
`;
    const error = await rejection(importPupils(database.db, school.id, bad));
    expect(error.code).toBe("import_rejected");
    expect(error.message).toContain('line 3: a UPN has 13 characters, "A123" has 4');
    expect(error.message).toContain('line 3: date_of_birth "2013-02-30" is not a date');
    expect(error.message).toContain('line 3: sex "Q" must be F, M or X');
    expect(error.message).toContain('line 3: fsm "maybe" must be Y or N');
    expect(error.message).toContain(`line 4: UPN ${UPN_1} is also on line 2`);
    expect((await pupilsByUpn(database.db, school.id)).size).toBe(0);
  });

  it("refuses a header with unknown or missing columns before reading rows", async () => {
    const error = await rejection(
      importPupils(database.db, school.id, "upn,first_name,dob\nX,Y,Z\n"),
    );
    expect(error.message).toMatch(
      /missing column\(s\): legal_forename, legal_surname, date_of_birth, sex, admission_date; unknown column\(s\): first_name, dob/,
    );
  });

  it("admits pupils with their groups and flags, and updates them on re-import", async () => {
    expect(await importPupils(database.db, school.id, PUPILS)).toMatchObject({
      created: 2,
      updated: 0,
    });
    const pupils = await pupilsByUpn(database.db, school.id);
    expect(pupils.get(UPN_1)).toMatchObject({
      preferred_forename: "Millie",
      sen_support: true,
      ehcp: false,
      fsm: true,
    });
    expect(pupils.get(UPN_2)).toMatchObject({
      has_social_worker: true,
      registration_group_id: pupils.get(UPN_1)?.registration_group_id,
    });
    // Only the pupil whose details differ is written.
    expect(await importPupils(database.db, school.id, PUPILS.replace("Noah", "Noa"))).toMatchObject(
      {
        created: 0,
        updated: 1,
      },
    );
    expect((await pupilsByUpn(database.db, school.id)).get(UPN_2)?.legal_forename).toBe("Noa");
  });
});

describe("contact import", () => {
  it("saves several contacts per pupil in priority order and checks emails", async () => {
    const bad = `upn,priority,name,relationship,email\n${UPN_1},1,Sara Khan,Mother,not-an-email\n`;
    expect((await rejection(importContacts(database.db, school.id, bad))).message).toContain(
      'line 2: email "not-an-email" is not an email address',
    );
    const good = `upn,priority,name,relationship,phone,email,parental_responsibility
${UPN_1},2,Imran Khan,Father,07700 900123,,Y
${UPN_1},1,Sara Khan,Mother,07700 900456,sara@example.com,Y
`;
    expect(await importContacts(database.db, school.id, good)).toEqual({ saved: 2 });
    const pupil = (await pupilsByUpn(database.db, school.id)).get(UPN_1);
    const contacts = await contactsOf(database.db, school.id, pupil?.id as number);
    expect(contacts.map((c) => c.name)).toEqual(["Sara Khan", "Imran Khan"]);
  });
});

describe("marks import", () => {
  const header = "upn,date,session,code,minutes_late";

  it("names the code, pupil and date of an unknown code, and every other bad row", async () => {
    const csv = `${header}
${UPN_1},2025-09-03,AM,/,
${UPN_1},2025-09-03,PM,Q9,
${UPN_1},2025-09-06,AM,/,
${UPN_2},2025-09-04,AM,H,
${UPN_2},2025-09-04,PM,I,12
${UPN_2},2025-09-05,XX,/,
A999999999999,2025-09-05,AM,/,
`;
    const error = await rejection(importMarks(database.db, school.id, csv, { by: "test" }));
    expect(error.message).toContain(
      `line 3: "Q9" is not an attendance code (pupil ${UPN_1}, 2025-09-03 PM)`,
    );
    expect(error.message).toContain(
      "line 4: 2025-09-06 AM is not a school session in this school's calendar",
    );
    expect(error.message).toContain(
      `line 5: Code "H" cannot be recorded on 2025-09-04: it is valid until 2024-08-18 (pupil ${UPN_2}, 2025-09-04 AM)`,
    );
    expect(error.message).toContain("line 6: minutes_late is given for code I");
    expect(error.message).toContain('line 7: session "XX" must be AM or PM');
    expect(error.message).toContain('line 8: no pupil with UPN "A999999999999"');
    expect(
      await markHistory(
        database.db,
        school.id,
        (await pupilsByUpn(database.db, school.id)).get(UPN_1)?.id as number,
      ),
    ).toEqual([]);
  });

  it("refuses marks for a day the pupil is not on roll", async () => {
    const csv = `${header}\n${UPN_1},2024-07-01,AM,/,\n`;
    const late = `${header}\n${UPN_1},2025-09-03,AM,/,\n${UPN_1},2025-09-03,AM,L,5\n`;
    expect(
      (await rejection(importMarks(database.db, school.id, csv, { by: "test" }))).message,
    ).toMatch(/line 2: 2024-07-01 AM is not a school session/);
    expect(
      (await rejection(importMarks(database.db, school.id, late, { by: "test" }))).message,
    ).toContain(`line 3: ${UPN_1} 2025-09-03 AM is also on line 2`);
  });

  it("records good marks, normalising the present mark to the session, and is idempotent", async () => {
    const csv = `${header}\n${UPN_1},2025-09-03,AM,/,\n${UPN_1},2025-09-03,PM,/,\n${UPN_2},2025-09-03,AM,L,9\n${UPN_2},2025-09-03,PM,N,\n`;
    expect(await importMarks(database.db, school.id, csv, { by: "import of marks.csv" })).toEqual({
      created: 4,
      amended: 0,
      unchanged: 0,
    });
    expect(await importMarks(database.db, school.id, csv, { by: "import of marks.csv" })).toEqual({
      created: 0,
      amended: 0,
      unchanged: 4,
    });
    const pupil = (await pupilsByUpn(database.db, school.id)).get(UPN_1);
    const history = await markHistory(database.db, school.id, pupil?.id as number);
    expect(history.map((h) => h.code)).toEqual(["/", "\\"]);
  });

  it("changes a recorded mark only as an amendment with a reason", async () => {
    const csv = `${header}\n${UPN_2},2025-09-03,PM,I,\n`;
    const error = await rejection(importMarks(database.db, school.id, csv, { by: "test" }));
    expect(error.message).toContain(
      "line 2: 2025-09-03 PM is already recorded as N; give an amendment reason",
    );
    const result = await importMarks(database.db, school.id, csv, {
      by: "office import",
      amendReason: "Reasons from the parent letters",
    });
    expect(result).toEqual({ created: 0, amended: 1, unchanged: 0 });
    const pupil = (await pupilsByUpn(database.db, school.id)).get(UPN_2);
    const history = await markHistory(database.db, school.id, pupil?.id as number, {
      from: "2025-09-03",
      to: "2025-09-03",
    });
    expect(history.at(-1)).toMatchObject({
      previousCode: "N",
      code: "I",
      reason: "Reasons from the parent letters",
      changedBy: "office import",
    });
  });
});
