import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, testServer } from "../support/server.ts";

/** The API document is what integrators and the web app's types are read from: it must be valid. */
let server: TestServer;
let document: Exclude<Parameters<typeof validate>[0], string> & { components?: unknown };

beforeAll(async () => {
  server = await testServer();
  const response = await server.app.inject({ method: "GET", url: "/api/docs/json" });
  expect(response.statusCode).toBe(200);
  document = response.json();
});
afterAll(async () => {
  await server?.close();
});

describe("the OpenAPI document", () => {
  it("passes an OpenAPI 3 validator, every $ref resolving", async () => {
    const result = await validate(structuredClone(document));
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.specification).toBe("OpenAPI");
  });

  it("documents what a route answers where the route declares it, and answers so", async () => {
    const codes = (
      document.paths as Record<string, { get?: { responses?: Record<string, unknown> } }>
    )["/api/codes"];
    expect(JSON.stringify(codes?.get?.responses?.["200"])).toContain("symbol");
    const teacher = await server.as("teacher");
    const answer = await teacher.get("/api/codes?date=2025-09-03");
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json().codes).toContainEqual(
      expect.objectContaining({ symbol: "N", category: expect.any(String) }),
    );
  });

  it("holds the policy's recursive condition once, under components", () => {
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    expect(Object.keys(schemas)).toContain("PolicyCondition");
    expect(JSON.stringify(document)).toContain('"$ref":"#/components/schemas/PolicyCondition"');
  });
});
