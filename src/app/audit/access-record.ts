/**
 * The pupils a piece of work resolved, collected as it runs so the access log names what was
 * really shown or changed: the pupil a use case loaded, the case's pupil, every pupil of a list.
 * Never what the request claimed (a body's pupilId), which a caller can point anywhere.
 */
export interface AccessRecorder {
  /** The one pupil the work is about (the first named wins: a case's pupil, the pupil loaded). */
  subject(pupilId: number): void;
  /** Pupils of a school shown in a list (oversight lists, a letter batch, a register). */
  listed(schoolId: number, pupilIds: readonly number[]): void;
}

/** Collects what a request resolved; the access-log hook and `inTransaction` read it. */
export class AccessRecord implements AccessRecorder {
  subjectId: number | null = null;
  readonly lists = new Map<number, Set<number>>();
  /** Set once a change's log row has been written in the change's own transaction. */
  changeLogged = false;

  /** `what`: how the log names the work (the request line, or the command that did it). */
  constructor(readonly what?: string) {}

  subject(pupilId: number): void {
    if (this.subjectId === null && Number.isSafeInteger(pupilId) && pupilId > 0)
      this.subjectId = pupilId;
  }

  listed(schoolId: number, pupilIds: readonly number[]): void {
    const pupils = this.lists.get(schoolId) ?? new Set<number>();
    for (const id of pupilIds) pupils.add(id);
    this.lists.set(schoolId, pupils);
  }

  /** The pupils listed in one school, sorted, or null when none were. */
  listedIn(schoolId: number): number[] | null {
    const pupils = this.lists.get(schoolId);
    return pupils && pupils.size > 0 ? [...pupils].sort((a, b) => a - b) : null;
  }
}
