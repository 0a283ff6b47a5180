/**
 * The small slice of XML the CTF code needs: an element tree that remembers the line each element
 * starts on (so every problem can name it), and escaping for writing. Reading XML text into the
 * tree is I/O-free but needs a parser, so it lives at the edge (src/app/ctf/read-ctf-xml.ts).
 */
export interface XmlElement {
  name: string;
  /** Line of the element's start tag, counting from 1. */
  line: number;
  /** The element's own text (text and CDATA directly inside it), untrimmed. */
  text: string;
  children: XmlElement[];
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/** The trimmed text of a child element, or null when the child is absent or empty. */
export function childText(element: XmlElement, name: string): string | null {
  const text = childNamed(element, name)?.text.trim();
  return text ? text : null;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string);
}

/**
 * Text with the characters XML 1.0 cannot hold taken out (control characters other than tab,
 * line feed and carriage return; U+FFFE, U+FFFF; unpaired surrogates), so a stray one in a name
 * never makes the whole file unreadable. Escaping cannot help: &#7; is not allowed either.
 */
export function xmlText(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text.slice(i, i + 2);
        i++;
      }
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) continue;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) continue;
    if (c === 0xfffe || c === 0xffff) continue;
    out += text[i];
  }
  return out;
}
