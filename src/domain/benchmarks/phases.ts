/** A school's phase as Rollbook records it (the `phase` of a school). */
export type SchoolPhase =
  | "nursery"
  | "primary"
  | "secondary"
  | "all_through"
  | "special"
  | "alternative_provision";

/**
 * The phases DfE's attendance statistics are published for: state-funded primary, secondary and
 * special schools, and "Total" for all three together.
 */
export type EducationPhase = "Primary" | "Secondary" | "Special" | "Total";

export const EDUCATION_PHASES: readonly EducationPhase[] = [
  "Primary",
  "Secondary",
  "Special",
  "Total",
];

const SPELLINGS: Record<string, EducationPhase> = {
  primary: "Primary",
  "state-funded primary": "Primary",
  secondary: "Secondary",
  "state-funded secondary": "Secondary",
  special: "Special",
  "state-funded special": "Special",
  total: "Total",
  "all schools": "Total",
};

/** DfE's `education_phase` as written in a file ("Primary", "Total"...), or null when unknown. */
export function educationPhaseOf(value: string): EducationPhase | null {
  return SPELLINGS[value.trim().toLowerCase()] ?? null;
}

/** The Rollbook phase a DfE phase describes; null for "Total" (every phase together). */
export function schoolPhaseOf(phase: EducationPhase): SchoolPhase | null {
  switch (phase) {
    case "Primary":
      return "primary";
    case "Secondary":
      return "secondary";
    case "Special":
      return "special";
    case "Total":
      return null;
  }
}

export interface BenchmarkPhase {
  /** The DfE figures to compare with, or null when DfE publishes none that fit. */
  educationPhase: EducationPhase | null;
  /** Why the comparison is not like for like, or why there is none. */
  note: string | null;
}

/**
 * Which of DfE's phases a school is compared with. DfE's statistics cover pupils aged 5 to 15 in
 * state-funded primary, secondary and special schools: an all-through school is compared with all
 * of them together, and nursery schools and alternative provision have no published counterpart.
 */
export function benchmarkPhaseFor(phase: SchoolPhase): BenchmarkPhase {
  switch (phase) {
    case "primary":
      return { educationPhase: "Primary", note: null };
    case "secondary":
      return { educationPhase: "Secondary", note: null };
    case "special":
      return { educationPhase: "Special", note: null };
    case "all_through":
      return {
        educationPhase: "Total",
        note: "DfE publishes no figures for all-through schools: compared with all state-funded schools (primary, secondary and special together)",
      };
    case "nursery":
      return {
        educationPhase: null,
        note: "DfE's attendance statistics cover pupils aged 5 to 15: there are none for nursery schools",
      };
    case "alternative_provision":
      return {
        educationPhase: null,
        note: "DfE's attendance statistics cover state-funded primary, secondary and special schools, not alternative provision",
      };
  }
}
