import { createRequire } from "node:module";
import type { Kysely } from "kysely";
import type PDFDocument from "pdfkit";
import type { DB } from "../db/schema.ts";
import { dayLabel, type IsoDate } from "../domain/dates.ts";
import { RollbookError } from "../domain/errors.ts";
import { pupilStatistics } from "../domain/statistics.ts";
import { talliesOver } from "./attendance-statistics.ts";
import { fileNameOf } from "./exports/table.ts";
import { findGroup } from "./registers/register.ts";
import { type ClassFigures, type Figure, type Rewards, schoolRewards } from "./rewards.ts";

// Loaded on first use, not at start-up: the package costs about 0.5 s of CPU to load.
const pdfkit = () => createRequire(import.meta.url)("pdfkit") as typeof PDFDocument;

export type PupilCertificateKind = "full_attendance" | "most_improved";
export type ClassCertificateKind = "best_class" | "at_target";

export interface Certificate {
  pdf: Buffer;
  fileName: string;
}

interface Wording {
  /** Who it is for: a pupil's name or a class. */
  recipient: string;
  title: string;
  citation: string;
  figures: string;
}

const sessions = (f: Figure) =>
  f.possible === f.attended
    ? `attended all ${f.possible} possible sessions`
    : `attended ${f.attended} of ${f.possible} possible sessions`;

async function schoolOf(db: Kysely<DB>, schoolId: number) {
  return db
    .selectFrom("schools")
    .select(["name", "logo_png", "letter_signatory"])
    .where("id", "=", schoolId)
    .executeTakeFirstOrThrow();
}

/**
 * A pupil's certificate, only when earned: 100% attendance this term or this year to date, or a
 * place among the most improved (this half term against the last). Otherwise a conflict naming
 * the pupil's figures, so the office sees why.
 */
export async function pupilCertificate(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  options: {
    kind: PupilCertificateKind;
    period: "term" | "year";
    week: IsoDate;
    today: IsoDate;
  },
): Promise<Certificate> {
  const rewards = await schoolRewards(db, schoolId, options);
  const pupil = await db
    .selectFrom("pupils")
    .select(["legal_forename", "legal_surname", "preferred_forename", "preferred_surname"])
    .where("school_id", "=", schoolId)
    .where("id", "=", pupilId)
    .executeTakeFirstOrThrow();
  const name = `${pupil.preferred_forename ?? pupil.legal_forename} ${pupil.preferred_surname ?? pupil.legal_surname}`;
  let wording: Wording;
  if (options.kind === "full_attendance") {
    const period = rewards.periods[options.period];
    const award = rewards.fullAttendance[options.period].find((p) => p.pupilId === pupilId);
    if (!award) {
      throw new RollbookError(
        "conflict",
        `${name} has not earned a 100% attendance certificate for ${period.label} to ${dayLabel(rewards.asOf)}: ${await figuresOf(db, schoolId, pupilId, rewards, options.period)}`,
      );
    }
    wording = {
      recipient: name,
      title: "Certificate of 100% Attendance",
      citation: `for 100% attendance in ${period.label}`,
      figures: `${name} ${sessions(award.figure)} up to ${dayLabel(rewards.asOf)}.`,
    };
  } else {
    const improved = rewards.mostImproved.pupils.find((p) => p.pupilId === pupilId);
    const { halfTerm, previousHalfTerm } = rewards.periods;
    if (!improved || !previousHalfTerm) {
      throw new RollbookError(
        "conflict",
        `${name} is not among the most improved pupils as of ${dayLabel(rewards.asOf)}. ${rewards.mostImproved.rule.statement}`,
      );
    }
    wording = {
      recipient: name,
      title: "Most Improved Attendance",
      citation: `for the most improved attendance: from ${improved.before.percent}% in ${previousHalfTerm.label} to ${improved.now.percent}% in ${halfTerm.label}, a rise of ${improved.points} percentage points`,
      figures: `${name} ${sessions(improved.now)} in ${halfTerm.label} up to ${dayLabel(rewards.asOf)}.`,
    };
  }
  return {
    pdf: await certificatePdf(await schoolOf(db, schoolId), wording, rewards.asOf),
    fileName: fileNameOf(`certificate ${options.kind} ${name}`, "pdf"),
  };
}

/** What a pupil's attendance was over a period, for the refusal. */
async function figuresOf(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  rewards: Rewards,
  period: "term" | "year",
): Promise<string> {
  const tallies = await talliesOver(db, schoolId, rewards.periods[period], [pupilId]);
  const tally = tallies.get(pupilId);
  if (!tally) return "no attendance is recorded for them in that time.";
  const s = pupilStatistics(tally);
  if (s.possible === 0) return "no possible sessions were recorded for them in that time.";
  return `${s.absence} of ${s.possible} possible sessions missed.`;
}

/**
 * A class's certificate, only when earned: the best attendance in the school that week (ties all
 * earn it), or attendance at or above the school's own target that week or this term.
 */
export async function classCertificate(
  db: Kysely<DB>,
  schoolId: number,
  groupId: number,
  options: { kind: ClassCertificateKind; period: "week" | "term"; week: IsoDate; today: IsoDate },
): Promise<Certificate> {
  const group = await findGroup(db, schoolId, groupId);
  const rewards = await schoolRewards(db, schoolId, options);
  const figures: ClassFigures | undefined = rewards.classes.find((c) => c.groupId === groupId);
  const { week } = rewards.periods;
  let wording: Wording;
  if (options.kind === "best_class") {
    const best = rewards.bestClasses;
    if (!figures || !best.some((c) => c.groupId === groupId)) {
      const leaders = best.map((c) => `${c.name} (${c.week.percent}%)`).join(", ");
      throw new RollbookError(
        "conflict",
        `${group.name} did not have the best attendance in ${week.label}: ${figures ? `${figures.week.percent}%` : "no possible sessions"}, against ${leaders || "no class with possible sessions"}`,
      );
    }
    wording = {
      recipient: group.name,
      title: "Class of the Week",
      citation: `for the best attendance in the school in ${week.label}: ${figures.week.percent}%${best.length > 1 ? ` (shared with ${best.length - 1} other class${best.length > 2 ? "es" : ""})` : ""}`,
      figures: `${group.name} ${sessions(figures.week)}.`,
    };
  } else {
    if (rewards.target === null)
      throw new RollbookError(
        "conflict",
        "The school has no attendance policy, so no target to award against: adopt or save a policy first",
      );
    const period = rewards.periods[options.period];
    const figure = figures?.[options.period];
    const met =
      options.period === "week" ? figures?.weekAtOrAboveTarget : figures?.termAtOrAboveTarget;
    if (!figure || !met) {
      throw new RollbookError(
        "conflict",
        `${group.name}'s attendance in ${period.label} is ${figure && figure.possible > 0 ? `${figure.percent}%` : "not yet measured (no possible sessions)"}, below the school's target of ${rewards.target}%`,
      );
    }
    wording = {
      recipient: group.name,
      title: "Attendance Target Reached",
      citation: `for attendance of ${figure.percent}% in ${period.label}, at or above the school's target of ${rewards.target}%`,
      figures: `${group.name} ${sessions(figure)} up to ${dayLabel(rewards.asOf)}.`,
    };
  }
  return {
    pdf: await certificatePdf(await schoolOf(db, schoolId), wording, rewards.asOf),
    fileName: fileNameOf(`certificate ${options.kind} ${group.name}`, "pdf"),
  };
}

/** One A4 landscape page with pdfkit's standard fonts, as the letters are made. */
function certificatePdf(
  school: { name: string; logo_png: Uint8Array | null; letter_signatory: string },
  wording: Wording,
  asOf: IsoDate,
): Promise<Buffer> {
  const doc = new (pdfkit())({
    size: "A4",
    layout: "landscape",
    margin: 60,
    info: { Title: `${wording.title}: ${wording.recipient}`, Author: school.name },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) =>
    doc.on("end", () => resolve(Buffer.concat(chunks))),
  );
  const { width, height } = doc.page;
  doc
    .lineWidth(4)
    .rect(24, 24, width - 48, height - 48)
    .stroke("#1d4e89");
  doc
    .lineWidth(1)
    .rect(34, 34, width - 68, height - 68)
    .stroke("#1d4e89");
  const left = doc.page.margins.left;
  const inner = width - left - doc.page.margins.right;
  let y = 58;
  if (school.logo_png) {
    try {
      doc.image(Buffer.from(school.logo_png), width / 2 - 32, y, { fit: [64, 64] });
      y += 72;
    } catch {
      // A logo that cannot be drawn is left out rather than stopping the certificate.
    }
  }
  const centred = (text: string, font: string, size: number, gap: number) => {
    doc.font(font).fontSize(size).fillColor("#1a1a1a").text(text, left, y, {
      width: inner,
      align: "center",
    });
    y = doc.y + gap;
  };
  centred(school.name, "Helvetica-Bold", 20, 18);
  centred(wording.title, "Times-BoldItalic", 40, 20);
  centred("awarded to", "Helvetica", 14, 10);
  centred(wording.recipient, "Times-Bold", 34, 16);
  centred(wording.citation, "Helvetica", 15, 10);
  centred(wording.figures, "Helvetica", 11, 0);
  const foot = height - 110;
  doc.font("Helvetica").fontSize(12).fillColor("#1a1a1a");
  doc.text(school.letter_signatory, left + 20, foot, { width: 300 });
  doc.text(dayLabel(asOf), width - doc.page.margins.right - 320, foot, {
    width: 300,
    align: "right",
  });
  doc.end();
  return done;
}
