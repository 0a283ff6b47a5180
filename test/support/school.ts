import type { Kysely } from "kysely";
import { saveAcademicYear } from "../../src/db/repositories/calendar.ts";
import { ensureGroups, insertPupils } from "../../src/db/repositories/pupils.ts";
import { createSchool } from "../../src/db/repositories/schools.ts";
import type { DB, Pupil, School } from "../../src/db/schema.ts";
import { makeUpn } from "../../src/domain/pupil.ts";
import { year2025 } from "./builders.ts";

/** A school with the 2025/26 calendar and `count` pupils in registration group 8C. */
export async function aSchoolWithPupils(
  db: Kysely<DB>,
  count = 3,
  name = "Test School",
): Promise<{ school: School; pupils: Pupil[] }> {
  const school = await createSchool(db, { name, phase: "secondary", urn: null });
  await saveAcademicYear(db, school.id, year2025());
  const groups = await ensureGroups(db, school.id, [
    { yearGroup: "Year 8", registrationGroup: "8C" },
  ]);
  const pupils = await insertPupils(
    db,
    Array.from({ length: count }, (_, i) => ({
      school_id: school.id,
      upn: makeUpn("383", "4999", 24, school.id * 100 + i + 1),
      legal_forename: `Pupil${i + 1}`,
      legal_surname: "Example",
      preferred_forename: null,
      preferred_surname: null,
      date_of_birth: "2012-10-01",
      sex: "F" as const,
      year_group_id: groups.yearGroups.get("Year 8") ?? null,
      registration_group_id: groups.registrationGroups.get("8C") ?? null,
      admission_date: "2024-09-01",
      leaving_date: null,
    })),
  );
  return { school, pupils };
}
