import type { LookupAddress } from "node:dns";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedPostJson, RefusedAddress } from "../../src/app/messages/guarded-post.ts";
import { WebhookSmsTransport } from "../../src/app/messages/transports.ts";
import { selfSignedCertificate } from "../support/tls.ts";

/**
 * A real HTTPS server on this machine plays the SMS gateway; a resolver that answers a public
 * address first and 127.0.0.1 afterwards plays a DNS-rebinding attacker.
 */
let server: Server;
let port: number;
let ca: Buffer;
const received: { headers: Record<string, unknown>; body: string }[] = [];
/** What the gateway answers next. */
let answer = 202;

beforeAll(async () => {
  const { key, cert } = selfSignedCertificate(["gateway.test", "localhost"]);
  ca = cert;
  server = createServer({ key, cert }, (request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(answer, { "content-type": "application/json" });
      response.end(JSON.stringify({ id: "gw-1" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

const answering =
  (...addresses: string[]) =>
  (_host: string, callback: (error: Error | null, found: LookupAddress[]) => void) =>
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
    );

describe("posting to a school's SMS webhook", () => {
  it("delivers to a host the operator allowed, with the message's idempotency key", async () => {
    const transport = new WebhookSmsTransport(`https://gateway.test:${port}/sms`, "NORTHFIELD", {
      allowedHosts: ["gateway.test"],
      resolve: answering("127.0.0.1"),
      tls: { ca },
    });
    const id = await transport.send({
      idempotencyKey: "outbox-41",
      to: "+447700900123",
      subject: null,
      body: "Amelia is absent today",
      from: null,
      replyTo: null,
    });
    expect(id).toBe("gw-1");
    expect(received.at(-1)?.headers["idempotency-key"]).toBe("outbox-41");
    expect(JSON.parse(received.at(-1)?.body ?? "{}")).toEqual({
      to: "+447700900123",
      from: "NORTHFIELD",
      body: "Amelia is absent today",
    });
  });

  it("refuses, without connecting, a host that resolves inside the network by the time a message goes", async () => {
    const before = received.length;
    // The settings check saw a public address; at delivery the same name answers 127.0.0.1.
    const rebinding = answering("127.0.0.1");
    await expect(
      guardedPostJson(
        `https://gateway.test:${port}/sms`,
        { body: "x" },
        {},
        {
          allowedHosts: [],
          resolve: rebinding,
          tls: { ca },
        },
      ),
    ).rejects.toThrow(/resolves inside the server's network \(127\.0\.0\.1\)/);
    // One internal address among public ones is enough to refuse: the connection could pick it.
    await expect(
      guardedPostJson(
        `https://gateway.test:${port}/sms`,
        { body: "x" },
        {},
        {
          allowedHosts: [],
          resolve: answering("93.184.215.14", "169.254.169.254"),
          tls: { ca },
        },
      ),
    ).rejects.toBeInstanceOf(RefusedAddress);
    expect(received.length).toBe(before);
  });

  it("refuses internal addresses written as IPs, and anything but https", async () => {
    for (const url of [
      `https://127.0.0.1:${port}/sms`,
      "https://[::1]/sms",
      "https://169.254.169.254/latest/meta-data",
      `http://gateway.test:${port}/sms`,
    ])
      await expect(
        guardedPostJson(url, {}, {}, { allowedHosts: [], resolve: answering("93.184.215.14") }),
        url,
      ).rejects.toBeInstanceOf(RefusedAddress);
  });

  it("reports a gateway's refusal as a failure to retry", async () => {
    const transport = new WebhookSmsTransport(`https://localhost:${port}/sms`, null, {
      allowedHosts: ["localhost"],
      tls: { ca },
    });
    answer = 503;
    await expect(
      transport.send({
        idempotencyKey: "outbox-42",
        to: "+447700900123",
        subject: null,
        body: "x",
        from: null,
        replyTo: null,
      }),
    ).rejects.toThrow("SMS provider answered 503");
    answer = 202;
  });
});
