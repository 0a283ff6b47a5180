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
  /** When the provider last changed the record (ISO instant). */
  updatedAt: string | null;
}

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
}
