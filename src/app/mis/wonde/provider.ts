import type {
  MarkToWrite,
  MisContact,
  MisDeletion,
  MisMark,
  MisPhoto,
  MisProvider,
  MisPupil,
  SyncProgress,
  WriteOutcome,
} from "../provider.ts";
import { WondeClient, type WondeClientOptions } from "./client.ts";

/** Wonde writes dates as `{ date: "2012-10-01 00:00:00.000000", timezone_type, timezone }`. */
interface WondeDate {
  date: string;
  timezone?: string;
}

/** The parts of Wonde's student record (with its includes) that Rollbook reads. */
export interface WondeStudent {
  id: string;
  upi?: string | null;
  forename?: string | null;
  surname?: string | null;
  legal_forename?: string | null;
  legal_surname?: string | null;
  gender?: string | null;
  date_of_birth?: WondeDate | null;
  updated_at?: WondeDate | null;
  education_details?: {
    data?: {
      upn?: string | null;
      admission_date?: WondeDate | null;
      leaving_date?: WondeDate | null;
    };
  };
  extended_details?: {
    data?: { fsm?: boolean | null; sen_status?: string | null; in_lea_care?: boolean | null };
  };
  contacts?: { data?: WondeContact[] };
  groups?: { data?: { name: string; type?: string | null }[] };
  year?: { data?: { name?: string | null } | null };
  /**
   * `include=photo`: only partly documented by Wonde. Read as `{ data: { content } }` with the
   * image base64-encoded (a `data:image/...;base64,` prefix allowed); anything else is reported.
   */
  photo?: { data?: { content?: unknown } | null } | null;
}

/** A contact as `include=contacts.contact_details` gives it, with the relationship to the pupil. */
export interface WondeContact {
  id: string;
  forename?: string | null;
  surname?: string | null;
  relationship?: {
    relationship?: string | null;
    priority?: number | string | null;
    parental_responsibility?: boolean | null;
    lives_with_pupil?: boolean | null;
  } | null;
  contact_details?: {
    data?: {
      emails?: { email?: string | null; primary?: string | null } | null;
      phones?: { mobile?: string | null; home?: string | null; primary?: string | null } | null;
    };
  } | null;
}

/** A session mark (`schools/{id}/attendance/session`), its student and code as ids or included. */
export interface WondeSessionMark {
  id: string;
  date: WondeDate | string;
  session: string;
  student: string | { data?: { id: string } };
  attendance_code: string | { data?: { id: string; code: string } };
  minutes_late?: number | null;
  updated_at?: WondeDate | null;
}

interface WondeAttendanceCode {
  id: string;
  code: string;
}

interface WondeDeletion {
  id: string;
  type?: string | null;
  deleted_at?: WondeDate | null;
}

/** Includes asked for on every student request: education, flags, year and registration groups. */
export const STUDENT_INCLUDES =
  "education_details,extended_details,groups,year,contacts.contact_details,photo";
/** Wonde pages hold up to 200 records. */
const PER_PAGE = "200";

/** Wonde's `updated_after` form: "2026-12-01 09:30:00" (UTC). */
export function wondeTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace("T", " ");
}

const day = (d: WondeDate | null | undefined) => (d?.date ? d.date.slice(0, 10) : null);
const text = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);

function sexOf(gender: string | null | undefined): MisPupil["sex"] {
  const g = (gender ?? "").trim().toUpperCase();
  if (g === "F" || g === "FEMALE") return "F";
  if (g === "M" || g === "MALE") return "M";
  if (g === "X" || g === "O" || g === "OTHER") return "X";
  return null;
}

const SEN_STATUS: Record<string, MisPupil["sen"]> = {
  N: "N",
  K: "K",
  E: "E",
  S: "E", // a statement, before EHC plans replaced them
  "SEN SUPPORT": "K",
  "EHC PLAN": "E",
  NONE: "N",
};

const instant = (d: WondeDate | null | undefined) =>
  d?.date ? `${d.date.slice(0, 19).replace(" ", "T")}Z` : null;

export function contactFromWonde(c: WondeContact, index: number): MisContact {
  const details = c.contact_details?.data;
  const priority = Number(c.relationship?.priority);
  return {
    priority: Number.isInteger(priority) && priority >= 1 ? priority : index + 1,
    name: [text(c.forename), text(c.surname)].filter(Boolean).join(" "),
    relationship: text(c.relationship?.relationship) ?? "Contact",
    phone:
      text(details?.phones?.primary) ??
      text(details?.phones?.mobile) ??
      text(details?.phones?.home),
    email: text(details?.emails?.primary) ?? text(details?.emails?.email),
    parentalResponsibility: c.relationship?.parental_responsibility ?? null,
    livesWithPupil: c.relationship?.lives_with_pupil ?? null,
  };
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Wonde's photo as bytes, or why it cannot be read; null when Wonde sent none. */
export function photoFromWonde(photo: WondeStudent["photo"]): MisPhoto | null {
  const content = photo?.data?.content;
  if (content === undefined || content === null || content === "") return null;
  if (typeof content !== "string") return { problem: "Wonde's photo content is not text" };
  const encoded = content.replace(/^data:[^;,]*;base64,/, "").replace(/\s+/g, "");
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded))
    return { problem: "Wonde's photo content is not base64" };
  return { image: new Uint8Array(Buffer.from(encoded, "base64")) };
}

export function pupilFromWonde(s: WondeStudent): MisPupil {
  const education = s.education_details?.data;
  const groups = s.groups?.data ?? [];
  const ofType = (type: string) =>
    groups.find((g) => (g.type ?? "").toUpperCase() === type)?.name ?? null;
  const legalForename = text(s.legal_forename) ?? text(s.forename) ?? "";
  const legalSurname = text(s.legal_surname) ?? text(s.surname) ?? "";
  // Wonde's forename/surname are the names in use; kept as preferred only where they differ.
  const preferred = (used: string | null, legal: string) => (used && used !== legal ? used : null);
  return {
    misId: s.id,
    upn: text(education?.upn)?.toUpperCase() ?? null,
    legalForename,
    legalSurname,
    preferredForename: preferred(text(s.forename), legalForename),
    preferredSurname: preferred(text(s.surname), legalSurname),
    dateOfBirth: day(s.date_of_birth),
    sex: sexOf(s.gender),
    yearGroup: text(s.year?.data?.name) ?? ofType("YEAR"),
    registrationGroup: ofType("REGISTRATION"),
    admissionDate: day(education?.admission_date),
    leavingDate: day(education?.leaving_date),
    fsm: s.extended_details?.data?.fsm ?? null,
    sen: SEN_STATUS[(s.extended_details?.data?.sen_status ?? "").trim().toUpperCase()] ?? null,
    lookedAfter: s.extended_details?.data?.in_lea_care ?? null,
    contacts: s.contacts?.data ? s.contacts.data.map(contactFromWonde) : null,
    updatedAt: instant(s.updated_at),
    photo: photoFromWonde(s.photo),
  };
}

/** One school's data through Wonde. */
export class WondeProvider implements MisProvider {
  readonly name = "Wonde";
  private readonly client: WondeClient;

  constructor(
    private readonly schoolId: string,
    options: WondeClientOptions,
  ) {
    this.client = new WondeClient(options);
  }

  async *pupils(
    options: { updatedAfter?: Date; onProgress?: (progress: SyncProgress) => void } = {},
  ): AsyncGenerator<MisPupil[]> {
    const progress: SyncProgress = { pages: 0, records: 0 };
    for await (const page of this.client.pages<WondeStudent>(
      `schools/${encodeURIComponent(this.schoolId)}/students`,
      {
        include: STUDENT_INCLUDES,
        per_page: PER_PAGE,
        updated_after: options.updatedAfter ? wondeTime(options.updatedAfter) : undefined,
      },
    )) {
      progress.pages++;
      progress.records += page.length;
      options.onProgress?.({ ...progress });
      yield page.map(pupilFromWonde);
    }
  }

  async *marks(options: {
    from: string;
    to: string;
    updatedAfter?: Date;
  }): AsyncGenerator<MisMark[]> {
    for await (const page of this.client.pages<WondeSessionMark>(
      `schools/${encodeURIComponent(this.schoolId)}/attendance/session`,
      {
        include: "attendance_code",
        per_page: PER_PAGE,
        start_date: options.from,
        end_date: options.to,
        updated_after: options.updatedAfter ? wondeTime(options.updatedAfter) : undefined,
      },
    )) {
      const codes = await this.codes();
      yield page.map((m) => {
        const code =
          typeof m.attendance_code === "string"
            ? (codes.byId.get(m.attendance_code) ?? m.attendance_code)
            : (m.attendance_code.data?.code ?? "");
        return {
          pupilMisId: typeof m.student === "string" ? m.student : (m.student.data?.id ?? ""),
          date: typeof m.date === "string" ? m.date.slice(0, 10) : m.date.date.slice(0, 10),
          session: m.session.toUpperCase() === "PM" ? "PM" : "AM",
          code,
          minutesLate: m.minutes_late ?? null,
          updatedAt: instant(m.updated_at),
        };
      });
    }
  }

  /**
   * Wonde's session register writeback: `POST schools/{id}/attendance/session` with
   * `{ attendance: [{ student_id, date, session, attendance_code_id, minutes_late, comment }] }`,
   * answered with a `writeback_id`. A 422 names the refused records (`attendance.N.field`); a
   * record whose code the MIS does not have is refused here without being sent.
   */
  async writeMarks(marks: MarkToWrite[]): Promise<WriteOutcome> {
    let codes: Awaited<ReturnType<WondeProvider["codes"]>>;
    try {
      codes = await this.codes();
    } catch (error) {
      const status = (error as { details?: { status?: number } }).details?.status;
      const reason = (error as Error).message;
      return status === 401
        ? { kind: "token_refused", reason }
        : { kind: "retry", reason, retryAfterMs: null };
    }
    const refused: { ref: number; reason: string }[] = [];
    const sendable = marks.filter((m) => {
      if (codes.bySymbol.has(m.code)) return true;
      refused.push({ ref: m.ref, reason: `The MIS has no attendance code ${m.code}` });
      return false;
    });
    if (sendable.length === 0) return { kind: "accepted", providerRef: null, refused };
    const answer = await this.client.post(
      this.client.url(`schools/${encodeURIComponent(this.schoolId)}/attendance/session`),
      {
        attendance: sendable.map((m) => ({
          student_id: m.pupilMisId,
          date: m.date,
          session: m.session,
          attendance_code_id: codes.bySymbol.get(m.code),
          ...(m.minutesLate !== null ? { minutes_late: m.minutesLate } : {}),
          ...(m.comment ? { comment: m.comment } : {}),
        })),
      },
    );
    if (answer.status >= 200 && answer.status < 300) {
      const ref = answer.body?.writeback_id;
      return { kind: "accepted", providerRef: typeof ref === "string" ? ref : null, refused };
    }
    if (answer.status === 401)
      return {
        kind: "token_refused",
        reason: `Wonde refused the school's token (401${answer.reason ? `: ${answer.reason}` : ""}): approve Rollbook in Wonde again`,
      };
    if (answer.status === 422) {
      // Laravel-style errors: { "attendance.3.attendance_code_id": ["..."] }; else all refused.
      const errors = (answer.body?.errors ?? {}) as Record<string, unknown>;
      const named = new Map<number, string>();
      for (const [field, messages] of Object.entries(errors)) {
        const index = /^attendance\.(\d+)\./.exec(field)?.[1];
        const message = Array.isArray(messages) ? messages.join("; ") : String(messages);
        if (index !== undefined) named.set(Number(index), message);
      }
      sendable.forEach((m, i) => {
        const reason =
          named.get(i) ?? (named.size === 0 ? answer.reason || "refused by Wonde (422)" : null);
        if (reason) refused.push({ ref: m.ref, reason: `Wonde refused it: ${reason}` });
      });
      // Those the 422 did not name were not written either: they go again.
      if (named.size > 0 && refused.length < marks.length)
        return {
          kind: "retry",
          reason: `Wonde refused ${named.size} mark(s) of the batch`,
          retryAfterMs: 0,
          refused,
        };
      return { kind: "accepted", providerRef: null, refused };
    }
    const reason =
      answer.status === 0
        ? answer.reason
        : answer.status === 429
          ? "Wonde is limiting Rollbook's requests (429)"
          : `Wonde answered ${answer.status}${answer.reason ? `: ${answer.reason}` : ""}`;
    return { kind: "retry", reason, retryAfterMs: answer.retryAfterMs };
  }

  private codeMap: Promise<{ byId: Map<string, string>; bySymbol: Map<string, string> }> | null =
    null;

  /** The MIS's attendance codes (`schools/{id}/attendance-codes`), read once per provider. */
  private codes() {
    this.codeMap ??= (async () => {
      const byId = new Map<string, string>();
      const bySymbol = new Map<string, string>();
      for await (const page of this.client.pages<WondeAttendanceCode>(
        `schools/${encodeURIComponent(this.schoolId)}/attendance-codes`,
        { per_page: PER_PAGE },
      ))
        for (const c of page) {
          byId.set(c.id, c.code);
          bySymbol.set(c.code, c.id);
        }
      return { byId, bySymbol };
    })();
    this.codeMap.catch(() => {
      this.codeMap = null;
    });
    return this.codeMap;
  }

  async *deletions(options: { updatedAfter: Date }): AsyncGenerator<MisDeletion[]> {
    for await (const page of this.client.pages<WondeDeletion>(
      `schools/${encodeURIComponent(this.schoolId)}/deletions`,
      { per_page: PER_PAGE, updated_after: wondeTime(options.updatedAfter) },
    )) {
      yield page.map((d) => ({
        misId: d.id,
        kind: d.type === "student" ? "pupil" : d.type === "contact" ? "contact" : "other",
        deletedAt: d.deleted_at?.date
          ? `${d.deleted_at.date.slice(0, 19).replace(" ", "T")}Z`
          : null,
      }));
    }
  }
}
