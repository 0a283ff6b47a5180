/**
 * Bounces as mail servers send them: a delivery status notification (RFC 3464), a
 * multipart/report (RFC 6522) whose message/delivery-status part has a field group for the message
 * and one per recipient, and whose last part returns the original message or its headers.
 */
export interface Bounce {
  /** The Message-ID of the email that bounced, as Rollbook gave it (the outbox's provider id). */
  messageId: string | null;
  recipients: {
    address: string;
    /** "failed" for good (5.x.x: the address is wrong) or for now (4.x.x). */
    permanent: boolean;
    status: string;
    diagnostic: string | null;
  }[];
}

/** Header fields of a block of lines, folded lines joined, names lower-cased (the last wins). */
function fields(block: string): Map<string, string> {
  const map = new Map<string, string>();
  const unfolded = block.replace(/\r?\n[ \t]+/g, " ");
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) map.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return map;
}

/** A MIME entity's headers and body. */
function entity(text: string): { headers: Map<string, string>; body: string } {
  const split = text.search(/\r?\n\r?\n/);
  if (split < 0) return { headers: fields(text), body: "" };
  return {
    headers: fields(text.slice(0, split)),
    body: text.slice(split).replace(/^\r?\n\r?\n/, ""),
  };
}

function boundaryOf(contentType: string | undefined): string | null {
  return /boundary="?([^";]+)"?/i.exec(contentType ?? "")?.[1] ?? null;
}

function parts(body: string, boundary: string): string[] {
  const marker = `--${boundary}`;
  return body
    .split(marker)
    .slice(1)
    .filter((part) => !part.startsWith("--"))
    .map((part) => part.replace(/^\r?\n/, ""));
}

/** The bounce in a message, or null when the message is not a delivery status notification. */
export function readBounce(message: string): Bounce | null {
  const top = entity(message);
  const contentType = top.headers.get("content-type") ?? "";
  if (!/multipart\/report/i.test(contentType)) return null;
  const boundary = boundaryOf(contentType);
  if (!boundary) return null;
  let status: string | null = null;
  let original: string | null = null;
  for (const part of parts(top.body, boundary)) {
    const { headers, body } = entity(part);
    const type = (headers.get("content-type") ?? "").toLowerCase();
    if (type.startsWith("message/delivery-status")) status = body;
    else if (type.startsWith("message/rfc822") || type.startsWith("text/rfc822-headers"))
      original = body;
  }
  if (status === null) return null;
  // The first group is about the message; each later one about a recipient.
  const groups = status
    .split(/\r?\n\s*\r?\n/)
    .map(fields)
    .filter((g) => g.size > 0);
  const recipients = groups.slice(1).flatMap((group) => {
    const action = group.get("action")?.toLowerCase();
    const recipient = group.get("final-recipient") ?? group.get("original-recipient");
    if (action !== "failed" || !recipient) return [];
    const code = group.get("status") ?? "";
    return [
      {
        address: recipient.replace(/^[^;]*;\s*/, "").trim(),
        permanent: code.startsWith("5"),
        status: code,
        diagnostic: group.get("diagnostic-code")?.replace(/^[^;]*;\s*/, "") ?? null,
      },
    ];
  });
  const messageId = original ? (entity(original).headers.get("message-id") ?? null) : null;
  return { messageId, recipients };
}

/** The messages of an mbox mailbox file: each begins with a "From " line. */
export function mailboxMessages(mbox: string): string[] {
  return mbox
    .split(/^From .*\r?\n/m)
    .map((m) => m.replace(/^>(>*From )/gm, "$1"))
    .filter((m) => m.trim().length > 0);
}
