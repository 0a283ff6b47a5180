import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let amelia: Pupil;
let bilal: Pupil;
let url: string;

// The eight bytes every PNG file starts with, then some of a file.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  url = `/api/schools/${server.school.id}`;
  await server.database.db
    .updateTable("pupils")
    .set({ medical_condition: true, ehcp: true })
    .where("id", "=", bilal.id)
    .execute();
});
afterAll(async () => {
  await server?.close();
});

describe("pupil photos", () => {
  it("the office uploads a photo, staff who see the pupil read it, and the register says who has one", async () => {
    const office = await server.as("office");
    const put = (body: Buffer | string, type: string) =>
      office.send("POST", `${url}/pupils/${amelia.id}/photo`, body, { "content-type": type });
    const notImage = await put(Buffer.from("GIF89a not a photo"), "image/png");
    expect(notImage.statusCode).toBe(400);
    expect(notImage.json().error.message).toMatch(/JPEG or PNG/);
    expect((await put("hello", "text/plain")).statusCode).toBe(415);
    const uploaded = await put(PNG, "image/png");
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    expect(uploaded.json()).toEqual({ contentType: "image/png", bytes: PNG.length });

    const teacher = await server.as("teacher");
    const photo = await teacher.get(`${url}/pupils/${amelia.id}/photo`);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers["content-type"]).toBe("image/png");
    expect(Buffer.from(photo.rawPayload).equals(PNG)).toBe(true);
    expect((await teacher.get(`${url}/pupils/${bilal.id}/photo`)).statusCode).toBe(404);
    const byTeacher = await teacher.send("POST", `${url}/pupils/${amelia.id}/photo`, PNG, {
      "content-type": "image/png",
    });
    expect(byTeacher.statusCode).toBe(403);
    const parent = await server.as("parent");
    expect((await parent.get(`${url}/pupils/${amelia.id}/photo`)).statusCode).toBe(403);

    const register = (
      await teacher.get(`${url}/registers/${server.groups.g8C}/2025-09-03/AM`)
    ).json();
    const photos = Object.fromEntries(
      register.pupils.map((p: { name: string; photo: boolean }) => [p.name, p.photo]),
    );
    expect(photos).toMatchObject({ "Amelia Pupil": true, "Bilal Pupil": false });
  });
});

describe("alert icons on the register", () => {
  it("shows medical and SEN to the tutor, and a social worker only to those who read safeguarding", async () => {
    const alertsFor = async (person: "teacher" | "office") => {
      const client = await server.as(person);
      const register = (
        await client.get(`${url}/registers/${server.groups.g8C}/2025-09-03/AM`)
      ).json();
      return Object.fromEntries(
        register.pupils.map((p: { name: string; alerts: string[] }) => [p.name, p.alerts]),
      );
    };
    expect(await alertsFor("teacher")).toMatchObject({
      "Amelia Pupil": [],
      "Bilal Pupil": ["medical", "sen"],
    });
    expect(await alertsFor("office")).toMatchObject({
      "Amelia Pupil": ["social_worker"],
      "Bilal Pupil": ["medical", "sen"],
    });
  });
});
