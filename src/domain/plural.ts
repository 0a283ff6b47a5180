/**
 * A count with its noun as people write it: "1 class", "2 classes", "0 pupils". Its own module,
 * with no imports, so the web app, the CLI and the server word counts the same way.
 */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Nouns whose plural is not just an added "s", so callers need not spell them each time. */
export const PLURALS: Readonly<Record<string, string>> = {
  class: "classes",
  person: "people",
  child: "children",
  "academic year": "academic years",
};

/** countOf with the irregular plurals above looked up. */
export function count(n: number, noun: string): string {
  return countOf(n, noun, PLURALS[noun] ?? `${noun}s`);
}
