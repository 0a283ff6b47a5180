import { RollbookError } from "../../../domain/errors.ts";

/**
 * Wonde's school data API (docs.wonde.com): `GET https://{domain}/v1.0/schools/{school}/...` with
 * the school's token as a Bearer token; lists come as `{ data: [...], meta: { pagination: { next,
 * more, per_page, current_page } } }` and the next page is fetched from `meta.pagination.next`
 * until it is null. A 429 is waited out (its Retry-After, else a growing pause) and retried, as are
 * 5xx answers and dropped connections, a few times; a 401 means the token has expired or been
 * revoked, which only the school can fix, so it is reported at once.
 */
export interface WondeClientOptions {
  /** https://api.wonde.com/v1.0 (UK) or the school's regional domain. */
  baseUrl: string;
  token: string;
  /** Tries per request, the first included. */
  attempts?: number;
  /** Pause before retry n (1, 2...) when the answer gives no Retry-After, in ms. */
  backoffMs?: (retry: number) => number;
  /** Waiting, replaceable in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Longest wait a Retry-After may ask for before giving up, in ms. */
  maxWaitMs?: number;
}

interface Page<T> {
  data: T[];
  meta?: { pagination?: { next?: string | null; more?: boolean } };
}

export class WondeClient {
  private readonly base: URL;
  private readonly attempts: number;
  private readonly backoffMs: (retry: number) => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxWaitMs: number;

  constructor(private readonly options: WondeClientOptions) {
    this.base = new URL(options.baseUrl.replace(/\/?$/, "/"));
    this.attempts = options.attempts ?? 5;
    this.backoffMs = options.backoffMs ?? ((retry) => 500 * 2 ** (retry - 1));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxWaitMs = options.maxWaitMs ?? 120_000;
  }

  /** Every page of a list, following meta.pagination.next. */
  async *pages<T>(
    path: string,
    params: Record<string, string | undefined> = {},
  ): AsyncGenerator<T[]> {
    let url: URL | null = this.url(path, params);
    while (url) {
      const page: Page<T> = await this.get<Page<T>>(url);
      if (!Array.isArray(page?.data)) {
        throw failed(`Wonde's answer to ${url.pathname} has no data list`);
      }
      yield page.data;
      const next = page.meta?.pagination?.next;
      url = next ? this.sameOrigin(next) : null;
    }
  }

  url(path: string, params: Record<string, string | undefined> = {}): URL {
    const url = new URL(path.replace(/^\//, ""), this.base);
    for (const [key, value] of Object.entries(params))
      if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  /** The next page's address, only on Wonde's own host: the token is never sent elsewhere. */
  private sameOrigin(next: string): URL {
    const url = new URL(next, this.base);
    if (url.origin !== this.base.origin) {
      throw failed(`Wonde's next page is on another host (${url.host}); not followed`);
    }
    return url;
  }

  /** One POST, answered as it came: the writeback queue decides about retrying, not this. */
  async post(url: URL, body: unknown): Promise<WriteAnswer> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: "application/json",
          "content-type": "application/json",
        },
        body: JSON.stringify(body),
      });
    } catch (error) {
      const reason = `Cannot reach Wonde (${url.host}): ${(error as Error).message}`;
      return { status: 0, body: null, reason, retryAfterMs: null };
    }
    const text = await response.text();
    let json: Record<string, unknown> | null = null;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      json = null;
    }
    const said = json?.error_description ?? json?.message ?? json?.error;
    return {
      status: response.status,
      body: json,
      reason: typeof said === "string" ? said.slice(0, 300) : "",
      retryAfterMs: retryAfterMs(response.headers.get("retry-after")),
    };
  }

  async get<T>(url: URL): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${this.options.token}`, accept: "application/json" },
        });
      } catch (error) {
        if (attempt < this.attempts) {
          await this.sleep(this.backoffMs(attempt));
          continue;
        }
        throw failed(
          `Cannot reach Wonde (${url.host}) after ${attempt} tries: ${(error as Error).message}`,
        );
      }
      if (response.ok) return (await response.json()) as T;
      const reason = await reasonOf(response);
      if (response.status === 401) {
        throw failed(
          `Wonde refused the school's token (401${reason ? `: ${reason}` : ""}): it has expired or been revoked. Ask the school to approve Rollbook in Wonde again and enter the new token`,
          { status: 401 },
        );
      }
      const retriable = response.status === 429 || response.status >= 500;
      if (retriable && attempt < this.attempts) {
        const asked = retryAfterMs(response.headers.get("retry-after"));
        if (asked !== null && asked > this.maxWaitMs) {
          throw failed(
            `Wonde asked Rollbook to wait ${Math.round(asked / 1000)} s before trying again; the sync stopped and will run again later`,
            { status: response.status },
          );
        }
        await this.sleep(asked ?? this.backoffMs(attempt));
        continue;
      }
      throw failed(
        response.status === 429
          ? `Wonde is still limiting Rollbook's requests after ${attempt} tries (429); the sync stopped and will run again later`
          : `Wonde answered ${url.pathname} with ${response.status}${reason ? `: ${reason}` : ""}`,
        { status: response.status },
      );
    }
  }
}

/** One answer to a write, as it came: the caller (the writeback queue) decides about retrying. */
export interface WriteAnswer {
  /** 0 when Wonde could not be reached. */
  status: number;
  body: Record<string, unknown> | null;
  reason: string;
  retryAfterMs: number | null;
}

const failed = (message: string, details: Record<string, unknown> = {}) =>
  new RollbookError("mis_failed", message, details);

/** Retry-After in seconds or as an HTTP date, in ms; null when absent or unreadable. */
function retryAfterMs(header: string | null): number | null {
  if (header === null || header.trim() === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Wonde's error bodies say `{ "error": "...", "error_description": "..." }` or `{ "message" }`. */
async function reasonOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as Record<string, unknown>;
    const text = body.error_description ?? body.message ?? body.error;
    return typeof text === "string" ? text.slice(0, 200) : "";
  } catch {
    return "";
  }
}
