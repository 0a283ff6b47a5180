import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Local stand-ins for GOV.UK Notify's and Twilio's APIs, answering as their documentation says:
 * Notify's JWT bearer token (HS256, iss the service id, signed with the key's secret), its JSON
 * body and error shapes; Twilio's Basic auth, form body and error JSON. A test scripts the next
 * answers (an HTTP status, or "hang" for a server that never answers).
 */
export type Answer = number | "hang";

export interface SeenRequest {
  path: string;
  authorised: boolean;
  body: Record<string, unknown>;
}

export const NOTIFY_SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506";
export const NOTIFY_SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0";
export const NOTIFY_API_KEY = `rollbook_test-${NOTIFY_SERVICE_ID}-${NOTIFY_SECRET}`;
export const TWILIO_SID = "AC00000000000000000000000000000001";
export const TWILIO_TOKEN = "twilio-auth-token-for-tests";

export interface FakeProvider {
  url: string;
  seen: SeenRequest[];
  /** Answers for the next requests, in order; after them every request succeeds. */
  script(...answers: Answer[]): void;
  /** Seconds a 429 or 503 answer asks the caller to wait (its Retry-After header); null for none. */
  retryAfter: number | null;
  close(): Promise<void>;
}

function notifyTokenValid(header: string | undefined): boolean {
  const token = header?.replace(/^Bearer /, "") ?? "";
  const [head, payload, signature] = token.split(".");
  if (!head || !payload || !signature) return false;
  const expected = createHmac("sha256", NOTIFY_SECRET)
    .update(`${head}.${payload}`)
    .digest("base64url");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { iss?: string };
  return expected === signature && claims.iss === NOTIFY_SERVICE_ID;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

const NOTIFY_ERRORS: Record<number, { error: string; message: string }> = {
  400: { error: "ValidationError", message: "phone_number Not a UK mobile number" },
  403: { error: "AuthError", message: "Invalid token: API key not found" },
  429: {
    error: "RateLimitError",
    message: "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
  },
  500: { error: "Exception", message: "Internal server error" },
};

const TWILIO_ERRORS: Record<number, { code: number; message: string }> = {
  400: { code: 21211, message: "The 'To' number is not a valid phone number." },
  401: { code: 20003, message: "Authenticate" },
  429: { code: 20429, message: "Too Many Requests" },
  500: { code: 20500, message: "Internal Server Error" },
};

export async function fakeProvider(kind: "notify" | "twilio"): Promise<FakeProvider> {
  // Filled in once listening; the handler reads retryAfter from it as the test sets it.
  const provider = { retryAfter: null } as FakeProvider;
  const seen: SeenRequest[] = [];
  const answers: Answer[] = [];
  const hanging: Array<() => void> = [];
  const headersFor = (status: number): Record<string, string> => ({
    "content-type": "application/json",
    ...((status === 429 || status === 503) && provider.retryAfter !== null
      ? { "retry-after": String(provider.retryAfter) }
      : {}),
  });
  const server: Server = createServer(async (request, response) => {
    const text = await bodyOf(request);
    const answer = answers.shift() ?? (kind === "notify" ? 201 : 201);
    const path = request.url ?? "";
    if (kind === "notify") {
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const authorised = notifyTokenValid(request.headers.authorization);
      seen.push({ path, authorised, body });
      if (answer === "hang") {
        hanging.push(() => response.destroy());
        return;
      }
      const status = !authorised ? 403 : answer;
      response.writeHead(status, headersFor(status));
      if (status === 201) {
        const personalisation = body.personalisation as { message: string };
        response.end(
          JSON.stringify({
            id: randomUUID(),
            reference: body.reference ?? null,
            content: { body: personalisation.message, from_number: "GOVUK" },
            uri: `${path}/x`,
            template: { id: body.template_id, version: 1, uri: "/template" },
          }),
        );
      } else {
        response.end(
          JSON.stringify({
            status_code: status,
            errors: [NOTIFY_ERRORS[status] ?? NOTIFY_ERRORS[500]],
          }),
        );
      }
      return;
    }
    const body = Object.fromEntries(new URLSearchParams(text));
    const expected = `Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString("base64")}`;
    const authorised =
      request.headers.authorization === expected &&
      path === `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`;
    seen.push({ path, authorised, body });
    if (answer === "hang") {
      hanging.push(() => response.destroy());
      return;
    }
    const status = !authorised ? 401 : answer;
    response.writeHead(status, headersFor(status));
    if (status === 201)
      response.end(
        JSON.stringify({
          sid: `SM${randomUUID().replace(/-/g, "")}`,
          account_sid: TWILIO_SID,
          to: body.To,
          from: body.From,
          body: body.Body,
          status: "queued",
          num_segments: "1",
          direction: "outbound-api",
          api_version: "2010-04-01",
          uri: `${path}`,
        }),
      );
    else {
      const error = TWILIO_ERRORS[status] ?? { code: 20500, message: "Internal Server Error" };
      response.end(
        JSON.stringify({
          ...error,
          more_info: `https://www.twilio.com/docs/errors/${error.code}`,
          status,
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(provider, {
    url: `http://127.0.0.1:${port}`,
    seen,
    script: (...next: Answer[]) => answers.push(...next),
    close: () =>
      new Promise<void>((resolve) => {
        for (const end of hanging) end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return provider;
}
