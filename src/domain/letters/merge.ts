import { RollbookError } from "../errors.ts";

/**
 * Letter wording is plain text with merge fields in braces, `{forename}`, paragraphs separated by
 * a blank line. A paragraph that is only `{bands_table}`, `{absence_list}` or `{late_list}` becomes
 * a table.
 * The same fields work in a school's own Word template.
 */
export const MERGE_FIELDS = {
  date: "today's date, e.g. 3 February 2026",
  addressee: "the contact's name",
  addressee_address: "the contact's address",
  salutation: "Dear Mrs Khan",
  forename: "the pupil's legal forename",
  surname: "the pupil's legal surname",
  chosen_forename: "the name the pupil is known by",
  chosen_surname: "the surname the pupil is known by",
  year_group: "e.g. Year 8",
  registration_group: "e.g. 8C",
  year_reg: "year and registration group, e.g. Year 8 / 8C",
  attendance_percentage: "attendance this year to date, e.g. 89.5",
  percentage_attendance: "the same, as the trust's letters name it",
  sessions_possible: "possible sessions this year",
  sessions_missed: "sessions missed this year",
  days_missed: "days missed this year (sessions / 2)",
  unauthorised_sessions: "unauthorised sessions this year",
  late_sessions: "late sessions (L and U) this year",
  band: "the pupil's attendance band, e.g. Amber",
  school_name: "the school's name",
  school_address: "the school's address",
  target: "the school's attendance target, e.g. 97",
  la_target: "the local authority's target, where the policy has one",
  meeting_date: "the date of the meeting the letter invites to",
  meeting_time: "its time",
  meeting_format: "in person, online or by telephone",
  meeting_place:
    "where the meeting is (the school, unless a place is given; or by telephone, online)",
  meeting_panel: "the staff and professionals invited, with their roles",
  review_date: "the next review date",
  support_given: "the support agreed in the pupil's attendance contracts and plans, who gives each",
  efforts_made:
    "everything the school has done so far, one line each with its date: letters, meetings offered, held and missed, calls, home visits, support",
  efforts_so_far:
    "the same as {efforts_made}: everything the school has done so far, as a dated list",
  signatory: "who signs the letter",
  bands_table: "(on its own line) the policy's attendance bands",
  absence_list: "(on its own line) the pupil's absences this year, for a registration certificate",
  late_list: "(on its own line) the pupil's late marks this half term, with the minutes late",
} as const;

export type MergeField = keyof typeof MERGE_FIELDS;
export type MergeData = Partial<
  Record<Exclude<MergeField, "bands_table" | "absence_list" | "late_list">, string>
>;

export type LetterBlock =
  | { kind: "text"; text: string }
  | { kind: "bands"; rows: { range: string; name: string }[] }
  | { kind: "absences"; rows: MarkRow[] }
  | { kind: "lates"; rows: MarkRow[] };

/** One session in a letter's list: "Tue, 4 Nov 2025", "AM", "L", "Late: arrived ... (12 minutes)". */
export interface MarkRow {
  date: string;
  session: string;
  code: string;
  meaning: string;
}

const FIELD = /\{([^{}]*)\}/g;
const BLOCKS = new Set(["bands_table", "absence_list", "late_list"]);

/** Every problem with a template's wording: unknown fields, unbalanced braces, misplaced tables. */
export function templateProblems(body: string): string[] {
  const problems: string[] = [];
  if (!body.trim()) problems.push("the letter has no wording");
  const stripped = body.replace(FIELD, "");
  if (/[{}]/.test(stripped))
    problems.push("a { or } has no partner: merge fields are written {like_this}");
  for (const match of body.matchAll(FIELD)) {
    const name = (match[1] ?? "").trim();
    // Own fields only: `in` would also take {constructor} or {toString} from Object.prototype.
    if (!Object.hasOwn(MERGE_FIELDS, name))
      problems.push(
        `{${name}} is not a merge field; fields are ${Object.keys(MERGE_FIELDS).join(", ")}`,
      );
  }
  for (const paragraph of paragraphsOf(body)) {
    for (const block of BLOCKS) {
      if (paragraph.includes(`{${block}}`) && paragraph.trim() !== `{${block}}`)
        problems.push(`{${block}} must be a paragraph on its own`);
    }
  }
  return [...new Set(problems)];
}

function paragraphsOf(body: string): string[] {
  return body
    .replace(/\r\n/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

export interface MergeInput {
  data: MergeData;
  bands: { range: string; name: string }[];
  absences: MarkRow[];
  /** Late marks this half term; only letters with {late_list} need them. */
  lates?: MarkRow[];
}

/** The letter's wording with every field filled in; a field with no value is an error naming it. */
export function mergeLetter(body: string, input: MergeInput): LetterBlock[] {
  const problems = templateProblems(body);
  if (problems.length > 0)
    throw new RollbookError(
      "invalid_input",
      `The letter template is not valid: ${problems.join("; ")}`,
    );
  const missing = new Set<string>();
  const blocks = paragraphsOf(body).map((paragraph): LetterBlock => {
    if (paragraph === "{bands_table}") return { kind: "bands", rows: input.bands };
    if (paragraph === "{absence_list}") return { kind: "absences", rows: input.absences };
    if (paragraph === "{late_list}") return { kind: "lates", rows: input.lates ?? [] };
    const text = paragraph.replace(FIELD, (_, raw: string) => {
      const value = input.data[raw.trim() as keyof MergeData];
      if (value === undefined) missing.add(raw.trim());
      return value ?? "";
    });
    return { kind: "text", text: text.replace(/[ \t]*\n[ \t]*/g, "\n") };
  });
  if (missing.size > 0) {
    throw new RollbookError(
      "invalid_input",
      `This letter needs ${[...missing].map((m) => `{${m}}`).join(", ")}, which is not known for this pupil or occasion`,
    );
  }
  return blocks;
}

/** What a list with nothing in it says, in every rendering. */
export const NO_ROWS = {
  absences: "No absences this year.",
  lates: "No late marks this half term.",
} as const;

/** The merged letter as plain text: what is stored as the exact content sent. */
export function letterText(blocks: LetterBlock[]): string {
  return blocks
    .map((b) => {
      if (b.kind === "text") return b.text;
      if (b.kind === "bands") return b.rows.map((r) => `${r.range}\t${r.name}`).join("\n");
      return (
        b.rows.map((r) => `${r.date} ${r.session}\t${r.code}\t${r.meaning}`).join("\n") ||
        NO_ROWS[b.kind]
      );
    })
    .join("\n\n");
}
