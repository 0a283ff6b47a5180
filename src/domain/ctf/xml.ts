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
