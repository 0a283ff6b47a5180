import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { RollbookError } from "../../domain/errors.ts";

/**
 * Addresses an SMS provider never has: this machine, the school's own network, the cloud's
 * metadata service (169.254.169.254). A head who could point the SMS webhook at them could make
 * the server send requests inside the network it sits in.
 */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const)
  INTERNAL.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 127],
  ["64:ff9b::", 96],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  INTERNAL.addSubnet(network, prefix, "ipv6");

export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return INTERNAL.check(address, "ipv4");
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1, or ::ffff:7f00:1 once parsed) is judged as IPv4.
  const mapped = /^::ffff:(?:([0-9a-f]{1,4}):([0-9a-f]{1,4})|(\d+\.\d+\.\d+\.\d+))$/i.exec(address);
  if (mapped) {
    const dotted =
      mapped[3] ??
      [mapped[1], mapped[2]]
        .flatMap((h) => {
          const n = Number.parseInt(h as string, 16);
          return [n >> 8, n & 0xff];
        })
        .join(".");
    return INTERNAL.check(dotted, "ipv4");
  }
  return INTERNAL.check(address, "ipv6");
}

/**
 * Refuses an SMS webhook address that is not https or that names or resolves to an internal
 * address, unless its host is on the operator's allow-list (ROLLBOOK_SMS_WEBHOOK_ALLOW), for a
 * provider gateway deliberately run inside the network.
 */
export async function checkSmsWebhookUrl(
  url: string,
  allowedHosts: readonly string[],
  resolve: (host: string) => Promise<string[]> = resolveHost,
): Promise<void> {
  const parsed = new URL(url);
  // WHATWG URL parsing has already turned 2130706433, 0x7f.1 and the like into dotted form.
  const host = parsed.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (allowedHosts.includes(host)) return;
  const refuse = (why: string) => {
    throw new RollbookError("invalid_input", `The SMS webhook address ${why}`);
  };
  if (parsed.protocol !== "https:") refuse("must start https://");
  if (parsed.username || parsed.password) refuse("must not carry a user name or password");
  const addresses = isIP(host) ? [host] : await resolve(host).catch(() => null);
  if (!addresses || addresses.length === 0) refuse(`names a host that does not resolve (${host})`);
  const internal = addresses?.find(isInternalAddress);
  if (internal)
    refuse(
      `points inside the server's own network (${host} is ${internal}); an operator can allow it with ROLLBOOK_SMS_WEBHOOK_ALLOW`,
    );
}

async function resolveHost(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((a) => a.address);
}
