import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { PRESETS } from "../../src/domain/policy/presets/index.ts";
import { makeUpn } from "../../src/domain/pupil.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * Every change a person makes to pupils' records writes its access-log row in the change's own
 * transaction: with the log unable to take a row, the change is refused and nothing of it stays;
 * with the log back, the change and exactly one row naming its pupil are there together.
 */
let server: TestServer;
let office: Client;
let head: Client;
let parent: Client;
let amelia: Pupil;
let bilal: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

const count = async (
  table:
    | "planned_absences"
    | "absence_reports"
    | "leave_requests"
    | "letters"
    | "pupils"
    | "contacts"
    | "policies"
    | "contact_log",
  where?: [string, unknown],
) => {
  let query = server.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("school_id", "=", server.school.id);
  if (where) query = query.where(sql.ref(where[0]), "=", where[1]);
  return Number((await query.executeTakeFirstOrThrow()).n);
};
const state = async (
  table: "absence_reports" | "leave_requests" | "proposed_actions" | "planned_absences",
  id: number,
) =>
  JSON.stringify(
    await server.database.db
      .selectFrom(table)
      .selectAll()
      .where("school_id", "=", server.school.id)
      .where("id", "=", id)
      .executeTakeFirst(),
  );
const changeRows = async () =>
  server.database.db
    .selectFrom("access_log")
    .select(["id", "pupil_id", "pupil_ids", "what"])
    .where("school_id", "=", server.school.id)
    .where("action", "=", "change")
    .orderBy("id")
    .execute();

async function proposal(pupilId: number, key: string): Promise<number> {
  const { id } = await server.database.db
    .insertInto("proposed_actions")
    .values({
      school_id: server.school.id,
      pupil_id: pupilId,
      policy_version: 1,
      trigger_id: "test",
      trigger_name: "Test trigger",
      actions: "[]",
      explanation: "for the test",
      evidence: "[]",
      evidence_end: null,
      dedupe_key: key,
      manual_review: false,
      proposed_on: "2025-09-03",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

let ids: {
  report: number;
  otherReport: number;
  leave: number;
  accept: number;
  dismiss: number;
  planned: number;
};

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  [office, head, parent] = await Promise.all([
    server.as("office"),
    server.as("head"),
    server.as("parent"),
  ]);
  const teacher = await server.as("teacher");
  await teacher.send("PUT", url(`/registers/${server.groups.g8C}/2025-09-03/AM`), {
    marks: [{ pupilId: bilal.id, code: "N" }],
    allPresent: true,
  });
  const report = (reason: string) =>
    parent.send("POST", url(`/pupils/${amelia.id}/absence-reports`), {
      fromDate: "2025-09-04",
      fromSession: "AM",
      toDate: "2025-09-04",
      toSession: "PM",
      reason,
    });
  const leave = await parent.send("POST", url(`/pupils/${amelia.id}/leave-requests`), {
    fromDate: "2025-09-15",
    fromSession: "AM",
    toDate: "2025-09-16",
    toSession: "PM",
    reason: "Her grandfather's funeral in Lahore",
  });
  const planned = await office.send("POST", url("/planned-absences"), {
    pupilId: bilal.id,
    startDate: "2025-09-22",
    endDate: "2025-09-22",
    code: "M",
    reason: "Orthodontist",
  });
  ids = {
    report: (await report("Dentist in the morning")).json().id,
    otherReport: (await report("Feeling unwell")).json().id,
    leave: leave.json().id,
    accept: await proposal(amelia.id, "a"),
    dismiss: await proposal(bilal.id, "b"),
    planned: planned.json().id,
  };
  expect(Object.values(ids).every((id) => Number.isInteger(id))).toBe(true);
});
afterAll(async () => {
  await server?.close();
});

interface Change {
  name: string;
  send: () => Promise<LightMyRequestResponse>;
  /** What the change alters, read before and after. */
  look: () => Promise<unknown>;
  /** The pupil the log row names, or the pupils it lists. */
  pupil: () => number;
}

const pupilBody = () => ({
  upn: makeUpn("383", "4999", 24, 777),
  legalForename: "Farah",
  legalSurname: "New",
  dateOfBirth: "2012-05-01",
  sex: "F",
  registrationGroupId: server.groups.g8C,
  admissionDate: "2025-09-03",
});

const CHANGES: Change[] = [
  {
    name: "plan an absence",
    send: () =>
      office.send("POST", url("/planned-absences"), {
        pupilId: amelia.id,
        startDate: "2025-09-10",
        endDate: "2025-09-10",
        code: "M",
        reason: "Hospital appointment",
      }),
    look: () => count("planned_absences"),
    pupil: () => amelia.id,
  },
  {
    name: "cancel a planned absence",
    send: () => office.send("POST", url(`/planned-absences/${ids.planned}/cancel`)),
    look: () => state("planned_absences", ids.planned),
    pupil: () => bilal.id,
  },
  {
    name: "file an absence report",
    send: () =>
      parent.send("POST", url(`/pupils/${amelia.id}/absence-reports`), {
        fromDate: "2025-09-05",
        fromSession: "AM",
        toDate: "2025-09-05",
        toSession: "AM",
        reason: "Eye test",
      }),
    look: () => count("absence_reports"),
    pupil: () => amelia.id,
  },
  {
    name: "accept an absence report",
    send: () => office.send("POST", url(`/absence-reports/${ids.report}/accept`), { code: "M" }),
    look: async () => [await state("absence_reports", ids.report), await count("planned_absences")],
    pupil: () => amelia.id,
  },
  {
    name: "reject an absence report",
    send: () =>
      office.send("POST", url(`/absence-reports/${ids.otherReport}/reject`), {
        reason: "Seen in town by the office",
      }),
    look: () => state("absence_reports", ids.otherReport),
    pupil: () => amelia.id,
  },
  {
    name: "ask for leave",
    send: () =>
      parent.send("POST", url(`/pupils/${amelia.id}/leave-requests`), {
        fromDate: "2025-10-06",
        fromSession: "AM",
        toDate: "2025-10-06",
        toSession: "PM",
        reason: "Her sister's graduation ceremony abroad",
      }),
    look: () => count("leave_requests"),
    pupil: () => amelia.id,
  },
  {
    name: "decide on leave",
    send: () =>
      head.send("POST", url(`/leave-requests/${ids.leave}/decide`), {
        authorise: true,
        reason: "Exceptional: a funeral",
      }),
    look: async () => [await state("leave_requests", ids.leave), await count("planned_absences")],
    pupil: () => amelia.id,
  },
  {
    name: "adopt a policy preset",
    send: () => head.send("POST", url("/policy/adopt"), { preset: "trust_policy" }),
    look: () => count("policies"),
    pupil: () => 0,
  },
  {
    name: "save a policy",
    send: () => head.send("PUT", url("/policy"), PRESETS.trust_policy),
    look: () => count("policies"),
    pupil: () => 0,
  },
  {
    name: "accept a proposal",
    send: () => office.send("POST", url(`/proposed-actions/${ids.accept}/accept`)),
    look: () => state("proposed_actions", ids.accept),
    pupil: () => amelia.id,
  },
  {
    name: "dismiss a proposal",
    send: () =>
      office.send("POST", url(`/proposed-actions/${ids.dismiss}/dismiss`), {
        reason: "Already in hand with the family",
      }),
    look: () => state("proposed_actions", ids.dismiss),
    pupil: () => bilal.id,
  },
  {
    name: "admit a pupil",
    send: () => office.send("POST", url("/pupils"), pupilBody()),
    look: () => count("pupils"),
    pupil: () => 0,
  },
  {
    name: "change a pupil's details",
    send: () =>
      office.send("PUT", url(`/pupils/${bilal.id}`), {
        ...pupilBody(),
        upn: bilal.upn,
        legalForename: "Bilal",
        legalSurname: "Renamed",
      }),
    look: async () =>
      (
        await server.database.db
          .selectFrom("pupils")
          .select("legal_surname")
          .where("id", "=", bilal.id)
          .executeTakeFirstOrThrow()
      ).legal_surname,
    pupil: () => bilal.id,
  },
  {
    name: "save a contact",
    send: () =>
      office.send("POST", url(`/pupils/${amelia.id}/contacts`), {
        priority: 1,
        name: "Mrs P. Parent",
        relationship: "Mother",
        phone: "07700 900123",
        address: "1 High Street\nLeeds\nLS1 1AA",
      }),
    look: () => count("contacts"),
    pupil: () => amelia.id,
  },
  {
    name: "set how long a kind of record is kept",
    send: () => head.send("PUT", url("/retention/messages"), { keepYears: 2 }),
    look: async () =>
      JSON.stringify(
        await server.database.db
          .selectFrom("retention_rules")
          .select(["kind", "keep_years"])
          .where("school_id", "=", server.school.id)
          .execute(),
      ),
    pupil: () => 0,
  },
  {
    name: "import pupils from a file",
    send: () =>
      office.send(
        "POST",
        url("/imports/pupils"),
        `upn,legal_forename,legal_surname,date_of_birth,sex,registration_group,admission_date\n${makeUpn("383", "4999", 24, 778)},Gita,Imported,2012-02-02,F,8C,2025-09-03\n`,
        { "content-type": "text/csv" },
      ),
    look: () => count("pupils"),
    pupil: () => 0,
  },
  {
    name: "import contacts from a file",
    send: () =>
      office.send(
        "POST",
        url("/imports/contacts"),
        `upn,priority,name,relationship,phone\n${bilal.upn},3,Mr G. Grandad,Grandfather,07700 900333\n`,
        { "content-type": "text/csv" },
      ),
    look: () => count("contacts"),
    pupil: () => 0,
  },
  {
    name: "import marks from a file",
    send: () =>
      office.send(
        "POST",
        url("/imports/marks"),
        `upn,date,session,code\n${bilal.upn},2025-09-03,PM,B\n`,
        {
          "content-type": "text/csv",
        },
      ),
    look: async () =>
      (
        await server.database.db
          .selectFrom("session_marks")
          .select("code")
          .where("school_id", "=", server.school.id)
          .where("pupil_id", "=", bilal.id)
          .where("date", "=", "2025-09-03")
          .where("session", "=", "PM")
          .execute()
      ).map((m) => m.code),
    pupil: () => 0,
  },
  {
    name: "write a letter",
    send: () =>
      office.send("POST", url("/letters"), { letterId: "trust_letter_1", pupilIds: [amelia.id] }),
    look: () => count("letters"),
    pupil: () => amelia.id,
  },
  {
    name: "log a call and record the reason it gave",
    send: () =>
      office.send("POST", url(`/office/call-list/${bilal.id}/outcome`), {
        method: "phone",
        withWhom: "Father",
        outcome: "reason given",
        reason: "Bilal has a fever",
        code: "I",
      }),
    look: async () => [
      await count("contact_log"),
      (
        await server.database.db
          .selectFrom("session_marks")
          .select("code")
          .where("school_id", "=", server.school.id)
          .where("pupil_id", "=", bilal.id)
          .where("date", "=", "2025-09-03")
          .where("session", "=", "AM")
          .executeTakeFirstOrThrow()
      ).code,
    ],
    pupil: () => bilal.id,
  },
];

describe("a change and its access-log row stand or fall together", () => {
  it.each(CHANGES.map((c) => [c.name, c] as const))("%s", async (_name, change) => {
    const { db } = server.database;
    const before = await change.look();
    await sql`create function refuse_access_log_for_test() returns trigger language plpgsql as $$
      begin raise exception 'the access log cannot be written'; end $$`.execute(db);
    await sql`create trigger access_log_down before insert on access_log
      for each row execute function refuse_access_log_for_test()`.execute(db);
    try {
      const refused = await change.send();
      expect(refused.statusCode, refused.body).toBeGreaterThanOrEqual(500);
    } finally {
      await sql`drop trigger access_log_down on access_log`.execute(db);
      await sql`drop function refuse_access_log_for_test()`.execute(db);
    }
    expect(await change.look()).toEqual(before);

    const logged = (await changeRows()).length;
    const done = await change.send();
    expect(done.statusCode, done.body).toBeLessThan(300);
    expect(await change.look()).not.toEqual(before);
    // Written before the answer, once: the request's own hook does not add a second row.
    const rows = (await changeRows()).slice(logged);
    expect(rows).toHaveLength(1);
    const pupil = change.pupil();
    if (pupil) expect([rows[0]?.pupil_id, ...(rows[0]?.pupil_ids ?? [])]).toContain(pupil);
  });
});
