import { SaxesParser } from "saxes";
import { type ReadCtfResult, readCtf } from "../../domain/ctf/read.ts";
import type { XmlElement } from "../../domain/ctf/xml.ts";
import { RollbookError } from "../../domain/errors.ts";

/** A CTF's text read into its envelope and attendance part, with every problem found in it. */
export function parseCtf(text: string): ReadCtfResult {
  return readCtf(readXmlTree(text));
}

/**
 * Reads XML text into an element tree that remembers each element's line, with saxes: a
 * streaming, non-validating parser that resolves no external entities and no DTD, so a file
 * cannot make the server fetch or expand anything. A file that is not well-formed is refused at
 * the first fault, naming its line and column and the element that was open there.
 */
export function readXmlTree(text: string): XmlElement {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (source.trim() === "") throw refused("the file is empty", 1);
  const parser = new SaxesParser({ position: true });
  const open: XmlElement[] = [];
  let root: XmlElement | null = null;
  let startLine = 1;
  parser.on("doctype", () => {
    parser.fail("a CTF has no DOCTYPE (and Rollbook reads none)");
  });
  parser.on("opentagstart", () => {
    startLine = parser.line;
  });
  parser.on("opentag", (tag) => {
    const element: XmlElement = { name: tag.name, line: startLine, text: "", children: [] };
    const parent = open.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    open.push(element);
  });
  let lastClosed: XmlElement | undefined;
  parser.on("closetag", () => {
    lastClosed = open.pop();
  });
  const addText = (content: string) => {
    const current = open.at(-1);
    if (current) current.text += content;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  try {
    parser.write(source).close();
  } catch (error) {
    const message = (error as Error).message;
    const at = /^(\d+):(\d+): (.*?)\.?$/s.exec(message);
    const line = at ? Number(at[1]) : parser.line;
    const column = at ? Number(at[2]) : parser.column;
    const problem = at?.[3] ?? message;
    let where = "";
    if (problem === "unexpected close tag" && lastClosed) {
      // saxes has already let go of the element the wrong close tag failed to close.
      const closing = /<\/([^\s>]*)[^<]*$/.exec(
        (source.split("\n")[line - 1] ?? "").slice(0, column),
      )?.[1];
      where = `: ${closing ? `</${closing}> ` : ""}does not close <${lastClosed.name}>, opened on line ${lastClosed.line}`;
    } else {
      const inside = open.at(-1);
      if (inside) where = ` (inside <${inside.name}>, opened on line ${inside.line})`;
    }
    throw refused(`line ${line}, column ${column}: ${problem}${where}`, line);
  }
  if (!root) throw refused("the file has no root element", 1);
  return root;
}

function refused(problem: string, line: number): RollbookError {
  const message = `the CTF file is not well-formed XML: ${problem}`;
  return new RollbookError("import_rejected", `Nothing was imported: ${message}`, {
    problems: [{ line, message }],
  });
}
