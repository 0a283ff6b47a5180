/** Talking to the Rollbook API: JSON in and out, the CSRF token on every change, errors as messages. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** When the server is busy or down (503): the seconds it asks us to wait before trying again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

function retryAfter(response: Response): number | undefined {
  const seconds = Number(response.headers.get("retry-after"));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 120) : undefined;
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  raw?: { contentType: string },
): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = raw?.contentType ?? "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      ...(body !== undefined ? { body: raw ? (body as string) : JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(
      0,
      "offline",
      "Cannot reach Rollbook: check the connection. Nothing was lost; try again.",
    );
  }
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, say: the status still says what happened.
  }
  if (!response.ok) {
    const error = (data as { error?: { code: string; message: string; details?: unknown } } | null)
      ?.error;
    throw new ApiError(
      response.status,
      error?.code ?? "error",
      error?.message ?? `Request failed (${response.status})`,
      error?.details,
      retryAfter(response),
    );
  }
  return data as T;
}

/**
 * Sends a file as the request body, reporting the share of it sent (0 to 1): fetch cannot say
 * how far an upload has got, XMLHttpRequest can. The bytes go as they are, so the server sees the
 * file's own encoding.
 */
function upload<T>(
  path: string,
  file: Blob,
  contentType: string,
  onProgress: (sent: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.withCredentials = true;
    xhr.setRequestHeader("content-type", contentType);
    if (csrfToken) xhr.setRequestHeader("x-csrf-token", csrfToken);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () =>
      reject(
        new ApiError(0, "offline", "Cannot reach Rollbook: check the connection, then try again."),
      );
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        // Not JSON: the status says what happened.
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data as T);
        return;
      }
      const error = (data as { error?: { code: string; message: string; details?: unknown } })
        ?.error;
      reject(
        new ApiError(
          xhr.status,
          error?.code ?? "error",
          error?.message ?? `Request failed (${xhr.status})`,
          error?.details,
        ),
      );
    };
    xhr.send(file);
  });
}

export const api = {
  uploadCsv: <T>(path: string, file: Blob, onProgress: (sent: number) => void) =>
    upload<T>(path, file, "text/csv", onProgress),
  uploadFile: <T>(path: string, file: Blob, type: string, onProgress: (sent: number) => void) =>
    upload<T>(path, file, type, onProgress),
  get: <T>(path: string) => request<T>("GET", path),
  post: <T>(path: string, body: unknown = {}) => request<T>("POST", path, body),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, body),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, body),
  postCsv: <T>(path: string, csv: string) =>
    request<T>("POST", path, csv, { contentType: "text/csv" }),
};

/** Sends JSON and returns the file the server answers with (an XLSX export), errors as messages. */
export async function postForFile(path: string, body: unknown): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(csrfToken ? { "x-csrf-token": csrfToken } : {}),
      },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "offline", "Cannot reach Rollbook: check the connection and try again.");
  }
  if (!response.ok) {
    const error = (
      (await response.json().catch(() => null)) as {
        error?: { code: string; message: string };
      } | null
    )?.error;
    throw new ApiError(
      response.status,
      error?.code ?? "error",
      error?.message ?? `Request failed (${response.status})`,
    );
  }
  return response.blob();
}

/** Today's date in England, as the server counts it. */
export function londonToday(): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/London",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date());
}

export function londonClock(): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date());
}

export function dayLabel(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return d.toLocaleDateString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** A London wall-clock date and time as an instant (ISO), whatever the browser's own zone. */
export function londonInstant(date: string, time: string): string {
  const naive = new Date(`${date}T${time}:00Z`);
  const offset =
    new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", timeZoneName: "shortOffset" })
      .formatToParts(naive)
      .find((p) => p.type === "timeZoneName")
      ?.value.replace("GMT", "") ?? "";
  return new Date(naive.getTime() - Number(offset || 0) * 3_600_000).toISOString();
}
