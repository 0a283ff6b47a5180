/**
 * Forms and other group names in the order a school reads them: 7A, 7B … 10A, 11E (numbers by
 * value, so 10A comes after 9D, not before 7A), letters ignoring case. Every list of forms uses this.
 */
const collator = new Intl.Collator("en-GB", { numeric: true, sensitivity: "base" });

export function compareFormNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Sorts rows by their form's name, naturally; a new array, the input untouched. */
export function byFormName<T>(rows: readonly T[], name: (row: T) => string): T[] {
  return [...rows].sort((a, b) => compareFormNames(name(a), name(b)));
}
