import type { MisDeletion, MisProvider, MisPupil, SyncProgress } from "../provider.ts";
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
  extended_details?: { data?: { fsm?: boolean | null } };
  groups?: { data?: { name: string; type?: string | null }[] };
  year?: { data?: { name?: string | null } | null };
}

interface WondeDeletion {
  id: string;
  type?: string | null;
  deleted_at?: WondeDate | null;
}

/** Includes asked for on every student request: education, flags, year and registration groups. */
export const STUDENT_INCLUDES = "education_details,extended_details,groups,year";
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
    updatedAt: s.updated_at?.date ? `${s.updated_at.date.slice(0, 19).replace(" ", "T")}Z` : null,
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
