import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfText } from "../support/pdf-text.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/** School A with no policy at first; the head adopts the trust policy, then edits it. */
let server: TestServer;
let head: Client;
let parent: Client;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

beforeAll(async () => {
  server = await testServer();
  head = await server.as("head");
  parent = await server.as("parent");
});
afterAll(async () => {
  await server?.close();
});

describe("the attendance policy families read", () => {
  it("is not there before the school sets a policy, and says so", async () => {
    const response = await parent.get(url("/policy/for-parents"));
    expect(response.statusCode).toBe(404);
    expect(response.json().error.message).toContain("has not set its attendance policy");
  });

  it("is the policy in force, for the parent and for staff, and follows its edits", async () => {
    expect(
      (await head.send("POST", url("/policy/adopt"), { preset: "trust_policy" })).statusCode,
    ).toBe(201);
    const first = await parent.get(url("/policy/for-parents"));
    expect(first.statusCode, first.body).toBe(200);
    const page = first.json();
    expect(page.title).toBe("Attendance at School A");
    expect(page.version).toBe(1);
    const text = JSON.stringify(page.sections);
    expect(text).toContain("We expect every child to attend at least 97%");
    // The letter is named by its title, not its id.
    expect(text).not.toContain("trust_letter_1");
    expect((await head.get(url("/policy/for-parents"))).statusCode).toBe(200);

    const policy = (await head.get(url("/policy"))).json().policy;
    policy.target = 96;
    expect((await head.send("PUT", url("/policy"), policy)).statusCode).toBe(201);
    const edited = (await parent.get(url("/policy/for-parents"))).json();
    expect(edited.version).toBe(2);
    expect(JSON.stringify(edited.sections)).toContain("at least 96%");
  });

  it("prints as a PDF on the school's letterhead", async () => {
    const response = await parent.get(url("/policy/for-parents.pdf"));
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("application/pdf");
    const text = pdfText(response.rawPayload);
    expect(text).toContain("Attendance at School A");
    expect(text).toContain("The steps we take when attendance falls");
    expect(text).toContain("£80 if paid within 21 days");
  });

  it("is refused to someone who cannot see the school", async () => {
    const stranger = await server.as("otherHead");
    expect((await stranger.get(url("/policy/for-parents"))).statusCode).toBe(403);
    expect((await stranger.get(url("/policy/for-parents.pdf"))).statusCode).toBe(403);
  });
});
