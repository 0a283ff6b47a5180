import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { type RequestOptions, request } from "node:https";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import { isInternalAddress } from "./webhook-address.ts";

export interface GuardedPostOptions {
  /** Hosts an operator allowed though they are internal (ROLLBOOK_SMS_WEBHOOK_ALLOW). */
  allowedHosts: readonly string[];
  timeoutMs?: number;
  /** The resolver; a test replaces it to play a DNS-rebinding server. */
  resolve?: (
    host: string,
    callback: (error: Error | null, addresses: LookupAddress[]) => void,
  ) => void;
  /** TLS settings (a test's own certificate authority). */
  tls?: Pick<RequestOptions, "ca">;
}

export class RefusedAddress extends Error {}

const resolveAll: NonNullable<GuardedPostOptions["resolve"]> = (host, callback) =>
  dnsLookup(host, { all: true }, (error, addresses) => callback(error, addresses ?? []));

/**
 * The address is checked again at the moment of connecting, on the address actually connected
 * to: a host that resolved to a public address when the head saved it can resolve to 127.0.0.1 or
 * the cloud's metadata service by the time a message goes (DNS rebinding).
 */
function guardedLookup(options: GuardedPostOptions): LookupFunction {
  const resolve = options.resolve ?? resolveAll;
  return (hostname, lookupOptions, callback) => {
    resolve(hostname, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const allowed = options.allowedHosts.includes(hostname.toLowerCase());
      const internal = addresses.find((a) => isInternalAddress(a.address));
      if (!allowed && internal)
        return callback(
          new RefusedAddress(
            `${hostname} now resolves inside the server's network (${internal.address})`,
          ),
          "",
          0,
        );
      const usable = addresses.filter(
        (a) => !lookupOptions.family || a.family === lookupOptions.family,
      );
      if (usable.length === 0)
        return callback(new RefusedAddress(`${hostname} has no address`), "", 0);
      if (lookupOptions.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      const first = usable[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** POSTs JSON over https to a school-configured address, never to an internal one; answers status and body. */
export function guardedPostJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  options: GuardedPostOptions,
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (target.protocol !== "https:")
    return Promise.reject(new RefusedAddress("the address must start https://"));
  // An address written as an IP is connected to without a look-up: judged here instead.
  if (isIP(host) && isInternalAddress(host) && !options.allowedHosts.includes(host))
    return Promise.reject(new RefusedAddress(`${host} is inside the server's network`));
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      target,
      {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
        lookup: guardedLookup(options),
        // A fresh connection each time, so every message's address is looked up and checked
        // (a pooled socket would skip the look-up).
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
        ...options.tls,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          // A provider's answer is a few hundred bytes; nothing more is kept.
          size += chunk.length;
          if (size <= 64 * 1024) chunks.push(chunk);
        });
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    outgoing.on("timeout", () =>
      outgoing.destroy(new Error("the SMS provider did not answer in time")),
    );
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
}
