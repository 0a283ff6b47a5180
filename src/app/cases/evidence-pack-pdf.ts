import { createRequire } from "node:module";
import type PDFDocument from "pdfkit";
import { dayLabel } from "../../domain/dates.ts";
import type { EvidencePack } from "./chronology.ts";

// Loaded on first use, not at start-up: the package costs about 0.5 s of CPU to load.
const pdfkit = () => createRequire(import.meta.url)("pdfkit") as typeof PDFDocument;

/** The evidence pack as a PDF a local authority officer can read and file. */
export function evidencePackPdf(pack: EvidencePack): Promise<Buffer> {
  const doc = new (pdfkit())({
    size: "A4",
    margin: 50,
    info: { Title: `Attendance evidence pack: ${pack.pupil.name}`, Author: pack.school.name },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) =>
    doc.on("end", () => resolve(Buffer.concat(chunks))),
  );

  const heading = (text: string) =>
    doc
      .moveDown(0.8)
      .font("Helvetica-Bold")
      .fontSize(13)
      .text(text)
      .moveDown(0.3)
      .font("Helvetica")
      .fontSize(10);
  const line = (label: string, value: string) =>
    doc
      .font("Helvetica-Bold")
      .text(`${label}: `, { continued: true })
      .font("Helvetica")
      .text(value);
  const row = (cells: string[], widths: number[], bold = false) => {
    const y = doc.y;
    let x = doc.page.margins.left;
    doc.font(bold ? "Helvetica-Bold" : "Helvetica");
    cells.forEach((cell, i) => {
      doc.text(cell, x, y, { width: (widths[i] ?? 80) - 6 });
      x += widths[i] ?? 80;
    });
    doc.x = doc.page.margins.left;
    doc.moveDown(0.2);
  };

  doc.font("Helvetica-Bold").fontSize(18).text("Attendance evidence pack");
  doc
    .font("Helvetica")
    .fontSize(10)
    .text(
      `${pack.school.name}${pack.school.urn ? ` (URN ${pack.school.urn})` : ""}${pack.school.localAuthority ? `, ${pack.school.localAuthority}` : ""}`,
    );
  doc.text(`Prepared on ${dayLabel(pack.generatedOn)}`);

  heading("Pupil and case");
  line(
    "Pupil",
    `${pack.pupil.name}, UPN ${pack.pupil.upn}, born ${dayLabel(pack.pupil.dateOfBirth)}${pack.pupil.group ? `, ${pack.pupil.group}` : ""}`,
  );
  line(
    "Case",
    `${pack.case.id} (${pack.case.status}), stage ${pack.case.stage}, opened ${dayLabel(pack.case.openedOn)}${pack.case.closedOn ? `, closed ${dayLabel(pack.case.closedOn)}: ${pack.case.outcome}` : ""}`,
  );
  if (pack.case.reopenedFrom) line("Reopened from", `case ${pack.case.reopenedFrom}`);
  line("Attendance when the case opened", `${pack.case.baseline}%`);
  const ytd = pack.attendance.yearToDate;
  line(
    "Attendance this year",
    `${ytd.percent}% (${ytd.attendance} of ${ytd.possible} sessions; ${ytd.authorised} authorised and ${ytd.unauthorised} unauthorised absences; ${ytd.late} late)`,
  );
  const since = pack.attendance.sinceCaseOpened;
  line(
    "Since the case opened",
    `${since.percent}% (${since.attendance} of ${since.possible} sessions)`,
  );

  heading("Attendance by month");
  const widths = [110, 70, 80, 80, 90, 60];
  row(["Month", "Sessions", "Attendance", "Authorised", "Unauthorised", "Late"], widths, true);
  for (const m of pack.attendance.byMonth)
    row(
      [
        m.month,
        String(m.possible),
        `${m.attendance}%`,
        String(m.authorised),
        String(m.unauthorised),
        String(m.late),
      ],
      widths,
    );

  heading("Support offered");
  if (pack.supportOffered.length === 0) doc.text("None recorded.");
  for (const s of pack.supportOffered)
    doc.text(
      `• ${dayLabel(s.agreedOn)}, by the ${s.by}${s.partner ? ` (${s.partner})` : ""}: ${s.action}`,
    );

  heading("Meetings");
  if (pack.meetings.length === 0) doc.text("None.");
  for (const m of pack.meetings) {
    doc.text(
      `• ${m.kind.replaceAll("_", " ")} (invitation ${m.invitation}), ${m.scheduledFor.toISOString().slice(0, 10)}, ${m.format.replace("_", " ")}: ${m.status.replaceAll("_", " ")}${m.outcome ? `: ${m.outcome}` : ""}`,
    );
  }

  heading("Contracts and reviews");
  if (pack.contracts.length === 0) doc.text("None.");
  for (const k of pack.contracts) {
    doc.text(
      `• ${k.kind.replaceAll("_", " ")} agreed ${dayLabel(k.agreedOn)}, target ${k.target}%, ${k.status.replaceAll("_", " ")}`,
    );
    for (const r of k.reviews)
      doc.text(
        `   review ${dayLabel(r.reviewedOn)}: ${r.attendance}%, ${r.improved ? "improved" : "not improved"}; ${r.outcome}`,
      );
  }

  heading("Notices and referrals");
  if (pack.interventions.length === 0) doc.text("None.");
  for (const i of pack.interventions)
    doc.text(
      `• ${dayLabel(i.issuedOn)}: ${i.kind.replaceAll("_", " ")}${i.reviewOn ? `, review ${dayLabel(i.reviewOn)}` : ""}${i.withdrawn ? " (withdrawn)" : ""}`,
    );

  heading("Chronology");
  for (const entry of pack.chronology) {
    doc
      .font("Helvetica-Bold")
      .text(dayLabel(entry.date), { continued: true })
      .font("Helvetica")
      .text(`  ${entry.summary}  (${entry.by})`);
  }
  doc.end();
  return done;
}
