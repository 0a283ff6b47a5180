import { describe, expect, it } from "vitest";
import { smsNumber } from "../../../src/app/messages/phone.ts";

describe("phone numbers for texts", () => {
  it("writes UK numbers in E.164 whatever the office typed", () => {
    for (const typed of [
      "07700 900123",
      "07700900123",
      "+44 7700 900123",
      "+44 (0)7700 900123",
      "0044 7700 900123",
      "447700900123",
      " 07700-900-123 ",
    ])
      expect(smsNumber(typed), typed).toEqual({ ok: true, e164: "+447700900123" });
  });

  it("keeps an international mobile as it is", () => {
    expect(smsNumber("+33 6 12 34 56 78")).toEqual({ ok: true, e164: "+33612345678" });
  });

  it("refuses, saying why, a number that cannot take a text", () => {
    expect(smsNumber("0770090012")).toEqual({ ok: false, why: expect.stringContaining("valid") });
    expect(smsNumber("unknown")).toEqual({
      ok: false,
      why: expect.stringContaining("not a phone"),
    });
    expect(smsNumber("020 7946 0018")).toEqual({
      ok: false,
      why: expect.stringContaining("landline"),
    });
  });
});
