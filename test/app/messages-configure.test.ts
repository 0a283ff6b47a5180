import type { FastifyBaseLogger } from "fastify";
import { describe, expect, it } from "vitest";
import { maskedAddress, transportsFrom } from "../../src/app/messages/configure.ts";
import { loadConfig } from "../../src/config.ts";

describe("messages not sent when a school has no provider", () => {
  it("never put a family's full phone number or email address in the log", async () => {
    const logged: unknown[] = [];
    const log = { info: (fields: unknown) => logged.push(fields) } as unknown as FastifyBaseLogger;
    const transports = transportsFrom(loadConfig({}), log);
    const message = { subject: null, body: "Amelia is absent", from: null, replyTo: null };
    await expect(
      transports.email.send({ ...message, idempotencyKey: "k1", to: "sam.parent@example.com" }),
    ).rejects.toThrow("not sent: no provider");
    await expect(
      transports
        .sms({ schoolId: 1, smsProvider: "log", webhookUrl: null, sender: null })
        .send({ ...message, idempotencyKey: "k2", to: "07700 900648" }),
    ).rejects.toThrow("not sent: no provider");
    const text = JSON.stringify(logged);
    expect(text).not.toContain("sam.parent");
    expect(text).not.toContain("900648");
    expect(logged).toEqual([
      { channel: "email", to: "s…@example.com", key: "k1" },
      { channel: "sms", to: "…648", key: "k2" },
    ]);
  });

  it("masks short and odd addresses too", () => {
    expect(maskedAddress("123")).toBe("…");
    expect(maskedAddress("+44 7700 900 123")).toBe("…123");
    expect(maskedAddress("@x")).toBe("…");
  });
});
