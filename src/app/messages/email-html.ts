/** Text a family's email client shows as HTML: every character that HTML reads is escaped. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * An email's HTML from the same words as its plain-text alternative: paragraphs at blank lines,
 * line breaks kept, the school's name as the heading. Plain markup and inline styles only, which
 * every mail client reads.
 */
export function emailHtml(schoolName: string, text: string): string {
  const paragraphs = text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => `<p style="margin:0 0 1em">${escapeHtml(p.trim()).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(schoolName)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c">
<h1 style="font-size:20px;margin:0 0 1em">${escapeHtml(schoolName)}</h1>
${paragraphs}
</body></html>`;
}
