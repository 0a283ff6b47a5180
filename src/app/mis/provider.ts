/**
 * What Rollbook needs from a school's MIS, whichever data platform carries it (Wonde today;
 * Groupcall Xporter would be a second folder beside wonde/ implementing the same interface).
 * Everything provider-specific (addresses, paging, field names) stays in its folder; the rest of
 * Rollbook sees only these shapes.
 */

/** A pupil as the MIS holds them, in Rollbook's terms. */
export interface MisPupil {
  /** The provider's own id for the pupil: what deletions and later changes refer to. */
  misId: string;
  upn: string | null;
  legalForename: string;
  legalSurname: string;
  preferredForename: string | null;
  preferredSurname: string | null;
  /** YYYY-MM-DD */
  dateOfBirth: string | null;
  sex: "F" | "M" | "X" | null;
  yearGroup: string | null;
  registrationGroup: string | null;
  admissionDate: string | null;
  leavingDate: string | null;
  fsm: boolean | null;
  /** SEN provision as the census writes it (N, K, E); null where the MIS does not share it. */
  sen: "N" | "K" | "E" | null;
  lookedAfter: boolean | null;
  /** The pupil's contacts in priority order; null where the MIS does not share them. */
  contacts: MisContact[] | null;
  /** When the provider last changed the record (ISO instant). */
  updatedAt: string | null;
  /**
   * The pupil's photo as the MIS sent it (the image's bytes, not yet checked), or why it could not
   * be read; null or absent when the MIS has none or does not share photos.
   */
  photo?: MisPhoto | null;
}

export type MisPhoto = { image: Uint8Array } | { problem: string };

export interface MisContact {
  priority: number;
  name: string;
  relationship: string;
  phone: string | null;
  email: string | null;
  parentalResponsibility: boolean | null;
  livesWithPupil: boolean | null;
}

/** A session mark as the MIS holds it, in DfE symbols (the provider maps its own code ids). */
export interface MisMark {
  pupilMisId: string;
  /** YYYY-MM-DD */
  date: string;
  session: "AM" | "PM";
  code: string;
  minutesLate: number | null;
  /** When the MIS last changed the mark (ISO instant). */
  updatedAt: string | null;
}

/** A mark Rollbook sends to the MIS. */
export interface MarkToWrite {
  /** Rollbook's own reference for the mark, so refusals name it. */
  ref: number;
  pupilMisId: string;
  date: string;
  session: "AM" | "PM";
  code: string;
  minutesLate: number | null;
  comment: string | null;
}

/**
 * What the MIS said to a writeback: accepted (with its reference), some marks refused with its
 * reason (the rest accepted), or not now (rate limit, outage: try again after `retryAfterMs`).
 */
export type WriteOutcome =
  | { kind: "accepted"; providerRef: string | null; refused: { ref: number; reason: string }[] }
  | {
      kind: "retry";
      reason: string;
      retryAfterMs: number | null;
      /** Marks of the batch refused outright; the others go again. */
      refused?: { ref: number; reason: string }[];
    }
  | { kind: "token_refused"; reason: string };

/** A record the MIS deleted since the last sync. */
export interface MisDeletion {
  misId: string;
  kind: "pupil" | "contact" | "other";
  deletedAt: string | null;
}

export interface SyncProgress {
  /** Pages fetched so far, and records read. */
  pages: number;
  records: number;
}

export interface MisProvider {
  readonly name: string;
  /** The school's pupils, a page at a time; only those changed after `updatedAfter` when given. */
  pupils(options?: {
    updatedAfter?: Date;
    onProgress?: (progress: SyncProgress) => void;
  }): AsyncIterable<MisPupil[]>;
  /** Records deleted in the MIS after `updatedAfter`. */
  deletions(options: { updatedAfter: Date }): AsyncIterable<MisDeletion[]>;
  /** Session marks between two dates (inclusive); only those changed after `updatedAfter` when given. */
  marks(options: { from: string; to: string; updatedAfter?: Date }): AsyncIterable<MisMark[]>;
  /** Sends marks taken in Rollbook to the MIS's registers. */
  writeMarks(marks: MarkToWrite[]): Promise<WriteOutcome>;
}
