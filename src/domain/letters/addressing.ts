/**
 * How a letter is addressed: the postal address block and the salutation, from what the MIS holds
 * about a contact (a name that may start with a title, an address typed on lines or with commas).
 */

const TITLES = [
  "Mr",
  "Mrs",
  "Ms",
  "Miss",
  "Mx",
  "Dr",
  "Prof",
  "Rev",
  "Sir",
  "Dame",
  "Lady",
  "Lord",
];
const TITLE = new RegExp(`^(${TITLES.join("|")})\\.?\\s+(.+)$`, "i");

/** The address as the lines of a postal address block: newlines kept, else split at commas. */
export function addressLines(address: string | null | undefined): string[] {
  if (!address) return [];
  const lines = address.includes("\n") ? address.split(/\r?\n/) : address.split(",");
  return lines.map((line) => line.trim().replace(/,$/, "")).filter((line) => line.length > 0);
}

/** "Mrs Aisha Khan" is { title: "Mrs", surname: "Khan" }; a name with no title has none. */
export function titleAndSurname(name: string): { title: string; surname: string } | null {
  const match = TITLE.exec(name.trim());
  if (!match) return null;
  const raw = (match[1] as string).toLowerCase();
  const title = TITLES.find((t) => t.toLowerCase() === raw) as string;
  const words = (match[2] as string).trim().split(/\s+/);
  return { title, surname: words[words.length - 1] as string };
}

/**
 * "Dear Ms Powell", "Dear Mr and Mrs Khan" (a couple sharing a surname), "Dear Mr Khan and Ms
 * Powell"; a name with no title is written in full; with no name at all, "Dear Parent/Carer".
 */
export function salutation(names: (string | null | undefined)[]): string {
  const known = names.map((n) => n?.trim() ?? "").filter((n) => n.length > 0);
  if (known.length === 0) return "Dear Parent/Carer";
  const parsed = known.map((name) => ({ name, titled: titleAndSurname(name) }));
  const surnames = new Set(parsed.map((p) => p.titled?.surname));
  if (parsed.length > 1 && surnames.size === 1 && parsed.every((p) => p.titled)) {
    const titles = parsed.map((p) => p.titled?.title as string);
    return `Dear ${joinAnd(titles)} ${parsed[0]?.titled?.surname}`;
  }
  return `Dear ${joinAnd(parsed.map((p) => (p.titled ? `${p.titled.title} ${p.titled.surname}` : p.name)))}`;
}

function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** The colour a red, amber or green letter carries in its heading: the band it tells the family of. */
export const BAND_COLOURS = { red: "#C62828", amber: "#B26A00", green: "#2E7D32" } as const;

export function bandColourOf(letterId: string): string | null {
  const match = /_(red|amber|green)$/.exec(letterId);
  return match ? BAND_COLOURS[match[1] as keyof typeof BAND_COLOURS] : null;
}

/** A band letter's heading, in its colour; other letters have none (their wording says it all). */
export function letterHeading(
  letterId: string,
  title: string,
): { text: string; colour: string } | null {
  const colour = bandColourOf(letterId);
  return colour && title ? { text: title, colour } : null;
}
