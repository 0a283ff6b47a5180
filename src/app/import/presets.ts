import { RollbookError } from "../../domain/errors.ts";

/**
 * Column names of the pupil lists the MIS produce, mapped to Rollbook's pupils columns
 * (docs/imports.md says where each comes from). A vendor's export often carries more columns
 * (ethnicity, address...): those are ignored and named in the summary.
 */
export interface PupilPreset {
  name: "SIMS" | "Arbor" | "Bromcom";
  /** Header name (compared ignoring case, spaces and punctuation) -> Rollbook column. */
  columns: Record<string, string>;
}

const COMMON = {
  upn: "upn",
  "date of birth": "date_of_birth",
  dob: "date_of_birth",
  gender: "sex",
  sex: "sex",
};

export const PUPIL_PRESETS: PupilPreset[] = [
  {
    name: "SIMS",
    columns: {
      ...COMMON,
      "legal surname": "legal_surname",
      "legal forename": "legal_forename",
      surname: "legal_surname",
      forename: "legal_forename",
      "preferred surname": "preferred_surname",
      "preferred forename": "preferred_forename",
      year: "year_group",
      "year group": "year_group",
      "reg group": "registration_group",
      reg: "registration_group",
      "date of admission": "admission_date",
      "admission date": "admission_date",
      "date of leaving": "leaving_date",
      "leaving date": "leaving_date",
      "sen provision": "sen",
      "sen status": "sen",
      "fsm eligible": "fsm",
      fsm: "fsm",
      "pupil premium indicator": "pupil_premium",
      "in care": "looked_after",
      "in lea care": "looked_after",
    },
  },
  {
    name: "Arbor",
    columns: {
      ...COMMON,
      "legal first name": "legal_forename",
      "legal last name": "legal_surname",
      "preferred first name": "preferred_forename",
      "preferred last name": "preferred_surname",
      "year group": "year_group",
      "registration form": "registration_group",
      "start date": "admission_date",
      "enrolment start date": "admission_date",
      "end date": "leaving_date",
      "enrolment end date": "leaving_date",
      "sen status": "sen",
      "eligible for free school meals": "fsm",
      fsm: "fsm",
      "pupil premium": "pupil_premium",
      "looked after": "looked_after",
      "in care": "looked_after",
    },
  },
  {
    name: "Bromcom",
    columns: {
      ...COMMON,
      surname: "legal_surname",
      forename: "legal_forename",
      "legal surname": "legal_surname",
      "legal forename": "legal_forename",
      "preferred surname": "preferred_surname",
      "preferred forename": "preferred_forename",
      "year group": "year_group",
      "tutor group": "registration_group",
      "admission date": "admission_date",
      "leaving date": "leaving_date",
      "sen status": "sen",
      "fsm eligible": "fsm",
      fsm: "fsm",
      "pupil premium": "pupil_premium",
      "looked after": "looked_after",
      "in care": "looked_after",
    },
  },
];

export const PRESET_NAMES = PUPIL_PRESETS.map((p) => p.name);

const normal = (column: string) =>
  column
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

export interface HeaderChoice {
  preset: PupilPreset | null;
  /** Rollbook's column for each header column; null for a column the preset ignores. */
  columns: (string | null)[];
  ignored: string[];
}

/**
 * Which export a header comes from: Rollbook's own columns as they are; otherwise the one preset
 * that has every required column and recognises the most of the header. Two presets equally
 * good is refused, naming them, rather than guessed.
 */
export function choosePupilPreset(
  header: string[],
  format: { required: string[]; optional: string[] },
  wanted?: string,
): HeaderChoice {
  const own = new Set([...format.required, ...format.optional]);
  const asOwn = header.map((c) => c.trim().toLowerCase().replace(/\s+/g, "_"));
  // Rollbook's own columns (all the required ones by their names) are read strictly: an unknown
  // column there is a mistake to name, not a vendor's extra to ignore.
  if (
    !wanted &&
    (asOwn.every((c) => own.has(c)) || format.required.every((c) => asOwn.includes(c)))
  ) {
    return { preset: null, columns: asOwn, ignored: [] };
  }
  const candidates = wanted
    ? PUPIL_PRESETS.filter((p) => p.name.toLowerCase() === wanted.toLowerCase())
    : PUPIL_PRESETS;
  if (wanted && candidates.length === 0) {
    throw new RollbookError(
      "invalid_input",
      `No preset "${wanted}": choose ${PRESET_NAMES.join(", ")}`,
    );
  }
  const fits = candidates
    .map((preset) => ({ preset, ...mapHeader(preset, header) }))
    .filter((fit) => wanted || format.required.every((c) => fit.columns.includes(c)));
  if (fits.length === 0) return { preset: null, columns: asOwn, ignored: [] };
  const best = Math.max(...fits.map((f) => f.recognised));
  const top = fits.filter((f) => f.recognised === best);
  if (top.length > 1) {
    throw new RollbookError(
      "import_rejected",
      `The pupils file's header fits both the ${top.map((f) => f.preset.name).join(" and the ")} exports equally; choose one (the CLI's --preset, the upload screen's "Exported from") so its columns are read as that MIS writes them`,
    );
  }
  const [chosen] = top as [(typeof top)[number]];
  return { preset: chosen.preset, columns: chosen.columns, ignored: chosen.ignored };
}

function mapHeader(preset: PupilPreset, header: string[]) {
  const columns = header.map((c) => preset.columns[normal(c)] ?? null);
  // Both "Surname" and "Legal Surname" in one export: the legal one is read, the other ignored.
  columns.forEach((column, i) => {
    if (column === null) return;
    const rivals = columns.flatMap((c, j) => (c === column ? [j] : []));
    const keep = rivals.find((j) => normal(header[j] ?? "").includes("legal")) ?? rivals[0];
    if (keep !== i) columns[i] = null;
  });
  return {
    columns,
    recognised: columns.filter((c) => c !== null).length,
    ignored: header.filter((_, i) => columns[i] === null),
  };
}
