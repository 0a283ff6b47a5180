import type { IsoDate } from "./dates.ts";
import { RollbookError } from "./errors.ts";

/**
 * The attendance and absence codes of the School Attendance (Pupil Registration) (England)
 * Regulations 2024 (reg 10), and the codes of the 2006 Regulations that older registers hold.
 * Categories follow DfE's published statistics (see docs/glossary.md and the reference report):
 * present and approved educational activity count as attendance; authorised and unauthorised
 * are absence; "not possible" sessions are left out of possible sessions.
 */
export type Category = "present" | "aea" | "authorised" | "unauthorised" | "not_possible";

export const CATEGORIES: readonly Category[] = [
  "present",
  "aea",
  "authorised",
  "unauthorised",
  "not_possible",
];

export interface AttendanceCode {
  /** Stable small integer used by the compact marks form; 0 means "no mark". Never reuse one. */
  readonly index: number;
  /** As written in the register: `/`, `L`, `C1`, `Y4`... */
  readonly symbol: string;
  readonly meaning: string;
  readonly category: Category;
  /** First date the code may be recorded (inclusive), or null for "since before Rollbook's data". */
  readonly validFrom: IsoDate | null;
  /** Last date the code may be recorded (inclusive), or null for "still in force". */
  readonly validTo: IsoDate | null;
}

/** The 2024 Regulations came into force on 19 August 2024 (SI 2024/208). */
export const REGULATIONS_2024_IN_FORCE: IsoDate = "2024-08-19";
const LAST_DAY_OF_2006_REGULATIONS: IsoDate = "2024-08-18";
/** Code F was withdrawn from September 2013; census returns fold it into H. */
const LAST_DAY_OF_CODE_F: IsoDate = "2013-08-31";

type CodeRow = [index: number, symbol: string, category: Category, meaning: string, era: Era];
type Era = "both" | "2024" | "legacy" | "until-2013";

// Indices are part of the stored compact form: append new codes, never renumber.
const ROWS: readonly CodeRow[] = [
  [1, "/", "present", "Present (AM)", "both"],
  [2, "\\", "present", "Present (PM)", "both"],
  [3, "L", "present", "Late: arrived before the register closed", "both"],
  [4, "K", "aea", "Attending education provision arranged by the local authority", "2024"],
  [5, "V", "aea", "Educational visit or trip supervised by school staff", "both"],
  [6, "P", "aea", "Approved sporting activity", "both"],
  [7, "W", "aea", "Work experience", "both"],
  [8, "B", "aea", "Any other approved, supervised educational activity", "2024"],
  [9, "C", "authorised", "Leave of absence for exceptional circumstances", "both"],
  [
    10,
    "C1",
    "authorised",
    "Leave for a regulated performance or regulated employment abroad",
    "2024",
  ],
  [11, "C2", "authorised", "Leave for a temporary part-time timetable", "2024"],
  [
    12,
    "E",
    "authorised",
    "Suspended or permanently excluded, no alternative provision made",
    "both",
  ],
  [13, "I", "authorised", "Illness (not medical or dental appointments)", "both"],
  [14, "J1", "authorised", "Leave to attend an interview for employment or education", "2024"],
  [15, "M", "authorised", "Medical or dental appointment", "both"],
  [16, "R", "authorised", "Religious observance", "both"],
  [17, "S", "authorised", "Study leave for a public examination", "both"],
  [18, "T", "authorised", "Mobile child: parent travelling for occupational purposes", "both"],
  [19, "G", "unauthorised", "Holiday not authorised by the school", "both"],
  [20, "N", "unauthorised", "Reason for absence not yet established", "both"],
  [21, "O", "unauthorised", "Absent in other or unknown circumstances", "both"],
  [22, "U", "unauthorised", "Arrived after the register closed", "both"],
  [23, "D", "not_possible", "Dual registered: attending another school", "both"],
  [24, "Q", "not_possible", "Unable to attend: lack of access arrangements", "2024"],
  [25, "Y1", "not_possible", "Unable to attend: transport normally provided not available", "2024"],
  [26, "Y2", "not_possible", "Unable to attend: widespread disruption to travel", "2024"],
  [27, "Y3", "not_possible", "Unable to attend: part of the school premises closed", "2024"],
  [28, "Y4", "not_possible", "Unable to attend: whole school site unexpectedly closed", "2024"],
  [29, "Y5", "not_possible", "Unable to attend: pupil in criminal justice detention", "2024"],
  [30, "Y6", "not_possible", "Unable to attend in line with public health guidance or law", "2024"],
  [31, "Y7", "not_possible", "Unable to attend: any other unavoidable cause", "2024"],
  [32, "X", "not_possible", "Not required to attend: non-compulsory-school-age pupil", "2024"],
  [33, "Z", "not_possible", "Prospective pupil not yet on the admission register", "both"],
  [34, "#", "not_possible", "Planned whole or partial school closure", "both"],
  // Codes of the 2006 Regulations, kept with their historical category for older registers.
  [35, "H", "authorised", "Agreed family holiday (2006 Regulations)", "legacy"],
  [36, "J", "aea", "Interview (2006 Regulations; now J1, authorised absence)", "legacy"],
  [37, "F", "authorised", "Agreed extended family holiday (withdrawn 2013)", "until-2013"],
  [
    38,
    "Y",
    "not_possible",
    "Unable to attend due to exceptional circumstances (2006 Regulations)",
    "legacy",
  ],
  [39, "X", "not_possible", "Non-compulsory-school-age absence (2006 Regulations)", "legacy"],
  [40, "B", "aea", "Educated off site, not dual registration (2006 Regulations)", "legacy"],
];

function validity(era: Era): { validFrom: IsoDate | null; validTo: IsoDate | null } {
  switch (era) {
    case "both":
      return { validFrom: null, validTo: null };
    case "2024":
      return { validFrom: REGULATIONS_2024_IN_FORCE, validTo: null };
    case "legacy":
      return { validFrom: null, validTo: LAST_DAY_OF_2006_REGULATIONS };
    case "until-2013":
      return { validFrom: null, validTo: LAST_DAY_OF_CODE_F };
  }
}

export const CODES: readonly AttendanceCode[] = ROWS.map(
  ([index, symbol, category, meaning, era]) => ({
    index,
    symbol,
    category,
    meaning,
    ...validity(era),
  }),
);

/** Largest code index + 1: the size of a per-code count array. */
export const CODE_INDEX_LIMIT = Math.max(...CODES.map((code) => code.index)) + 1;

const BY_INDEX: (AttendanceCode | undefined)[] = new Array(CODE_INDEX_LIMIT);
const BY_SYMBOL = new Map<string, AttendanceCode[]>();
for (const code of CODES) {
  BY_INDEX[code.index] = code;
  BY_SYMBOL.set(code.symbol, [...(BY_SYMBOL.get(code.symbol) ?? []), code]);
}

/** Category of each code index (undefined at 0, "no mark"): the statistics' lookup table. */
export const CATEGORY_OF_INDEX: readonly (Category | undefined)[] = BY_INDEX.map(
  (c) => c?.category,
);

/** The symbols of every code in the categories, each once, in register order. */
function symbolsIn(categories: readonly Category[]): readonly string[] {
  return [...new Set(CODES.filter((c) => categories.includes(c.category)).map((c) => c.symbol))];
}

/** Every absence code, authorised and unauthorised, of both Regulations: what "absent" means. */
export const ABSENCE_SYMBOLS = symbolsIn(["authorised", "unauthorised"]);
/** The unauthorised absence codes (G, N, O, U): the absences the office follows up. */
export const UNAUTHORISED_SYMBOLS = symbolsIn(["unauthorised"]);

export function codeByIndex(index: number): AttendanceCode {
  const code = BY_INDEX[index];
  if (!code) throw new RollbookError("unknown_code", `No attendance code has index ${index}`);
  return code;
}

export function isKnownSymbol(symbol: string): boolean {
  return BY_SYMBOL.has(symbol);
}

function isValidOn(code: AttendanceCode, date: IsoDate): boolean {
  return (
    (code.validFrom === null || date >= code.validFrom) &&
    (code.validTo === null || date <= code.validTo)
  );
}

export interface MarkContext {
  /** Who the mark belongs to, for the error message: a UPN, a name or a row reference. */
  pupil?: string;
  session?: string;
}

/**
 * The code a register symbol means on a date. `X` and `B` changed meaning in 2024, and legacy
 * codes are refused after the 2024 Regulations came in, so the date decides which code applies.
 */
export function codeOn(symbol: string, date: IsoDate, context: MarkContext = {}): AttendanceCode {
  const where = describe(date, context);
  const candidates = BY_SYMBOL.get(symbol);
  if (!candidates) {
    throw new RollbookError("unknown_code", `"${symbol}" is not an attendance code${where}`, {
      symbol,
      date,
      ...context,
    });
  }
  const valid = candidates.find((code) => isValidOn(code, date));
  if (!valid) {
    const bounds = candidates
      .map((c) => (c.validFrom ? `from ${c.validFrom}` : `until ${c.validTo}`))
      .join(" or ");
    throw new RollbookError(
      "code_not_valid_on_date",
      `Code "${symbol}" cannot be recorded on ${date}: it is valid ${bounds}${where}`,
      { symbol, date, ...context },
    );
  }
  return valid;
}

function describe(date: IsoDate, { pupil, session }: MarkContext): string {
  const parts = [pupil ? `pupil ${pupil}` : null, `${date}${session ? ` ${session}` : ""}`];
  return ` (${parts.filter(Boolean).join(", ")})`;
}

/** Codes a user may choose on a date, in register order. */
export function codesValidOn(date: IsoDate): AttendanceCode[] {
  return CODES.filter((code) => isValidOn(code, date));
}

/**
 * `/` is the morning's present mark and `\` the afternoon's (reg 10, Table 1). Registers exported
 * from other systems often use one of them for both; the session decides which is recorded.
 */
export function presentSymbolFor(session: "AM" | "PM"): string {
  return session === "AM" ? "/" : "\\";
}

export function normaliseSymbol(symbol: string, session: "AM" | "PM"): string {
  const trimmed = symbol.trim().toUpperCase();
  return trimmed === "/" || trimmed === "\\" ? presentSymbolFor(session) : trimmed;
}
