import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
const search = (q: string) =>
  `/api/schools/${server.school.id}/pupils/search?q=${encodeURIComponent(q)}`;

beforeAll(async () => {
  server = await testServer();
  server.setNow("2025-10-02", "09:00");
});
afterAll(async () => {
  await server?.close();
});

describe("finding a pupil from the page header", () => {
  it("finds pupils by forename, full name, UPN and form, with their form", async () => {
    const office = await server.as("office");
    const byName = (await office.get(search("amel"))).json();
    expect(byName.pupils).toEqual([
      expect.objectContaining({ name: "Amelia Pupil", form: "8C", upn: server.pupils[0]?.upn }),
    ]);
    expect(
      (await office.get(search("Bilal Pup"))).json().pupils.map((p: { name: string }) => p.name),
    ).toEqual(["Bilal Pupil"]);
    const upn = server.pupils[3]?.upn as string;
    expect((await office.get(search(upn.slice(-6)))).json().pupils[0].name).toBe("Dev Pupil");
    const form = (await office.get(search("9c"))).json();
    expect(form.pupils.map((p: { name: string }) => p.name)).toEqual(["Dev Pupil"]);
    // One letter finds nothing yet: every pupil would match.
    expect((await office.get(search("a"))).json()).toEqual({ pupils: [], more: false });
  });

  it("shows a teacher only their own groups' pupils, and parents nothing", async () => {
    const teacher = await server.as("teacher");
    expect(
      (await teacher.get(search("Pupil"))).json().pupils.map((p: { form: string }) => p.form),
    ).toEqual(["8C", "8C", "8C", "8C"]);
    expect((await (await server.as("parent")).get(search("Pupil"))).statusCode).toBe(403);
    const tooLong = await teacher.get(search("x".repeat(101)));
    expect(tooLong.statusCode).toBe(400);
  });
});
