import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";

describe("configuration", () => {
  it("defaults to the embedded database in ./data/rollbook", () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.ROLLBOOK_DATA_DIR).toBe("./data/rollbook");
    expect(config.PORT).toBe(3000);
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("reports every problem at once", () => {
    expect(() =>
      loadConfig({ DATABASE_URL: "mysql://x", PORT: "eighty", LOG_LEVEL: "loud" }),
    ).toThrow(
      /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL; LOG_LEVEL: .*; PORT: /,
    );
  });
});
