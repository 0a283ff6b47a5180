/**
 * Text PostgreSQL refuses to store: a NUL character (in text and JSON), and half of a UTF-16
 * surrogate pair (in JSON). Both arrive only from broken or hostile input; finding them at the
 * edge turns a database error into a message naming the field.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored, or null when it can. */
export function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "contains a NUL character (\\u0000), which is not text";
  if (LONE_SURROGATE.test(text))
    return "contains half of a UTF-16 surrogate pair, which is not a character";
  return null;
}

interface Node {
  value: unknown;
  key: string | number | null;
  parent: Node | null;
}

/** The first string (a value or a property's name) in a JSON value that cannot be stored, and where. */
export function findUnstorableText(
  value: unknown,
): { path: (string | number)[]; problem: string } | null {
  const stack: Node[] = [{ value, key: null, parent: null }];
  const pathOf = (node: Node): (string | number)[] => {
    const path: (string | number)[] = [];
    for (let n: Node | null = node; n?.key != null; n = n.parent) path.unshift(n.key);
    return path;
  };
  for (let node = stack.pop(); node; node = stack.pop()) {
    const { value: here } = node;
    if (typeof here === "string") {
      const problem = textProblem(here);
      if (problem) return { path: pathOf(node), problem };
    } else if (here !== null && typeof here === "object") {
      for (const [key, child] of Object.entries(here)) {
        const problem = textProblem(key);
        // Named by where the key is: the key itself cannot be shown.
        if (problem) return { path: pathOf(node), problem: `a property's name ${problem}` };
        stack.push({ value: child, key: Array.isArray(here) ? Number(key) : key, parent: node });
      }
    }
  }
  return null;
}
