import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { loadYearMarks } from "../../db/repositories/marks.ts";
import type { Contact, DB } from "../../db/schema.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import { codeByIndex } from "../../domain/codes.ts";
import { dayLabel, type IsoDate, londonClock, londonToday } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { addressLines, salutation } from "../../domain/letters/addressing.ts";
import type { MergeData, MergeInput } from "../../domain/letters/merge.ts";
import { sessionOfSlot } from "../../domain/marks.ts";
import { bandOf, bandRanges } from "../../domain/policy/bands.ts";
import { ABSENT } from "../../domain/policy/timeline.ts";
import type { Policy } from "../../domain/policy/types.ts";
import { formatPercent } from "../../domain/statistics.ts";
import { pupilReport } from "../attendance-statistics.ts";
import { effortsMade } from "./efforts-made.ts";

const LONG_DATE = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});
const longDate = (date: IsoDate) => LONG_DATE.format(new Date(`${date}T00:00:00Z`));

const PANEL_ROLES: Record<string, string> = {
  attendance_lead: "attendance lead",
  ewo: "education welfare officer",
  professional: "",
};

/** Where: the place given, or what the format implies. */
function meetingPlace(meeting: { format: string; location?: string | null }, school: string) {
  if (meeting.location?.trim()) return meeting.location.trim();
  if (meeting.format === "telephone") return "by telephone: we will call you";
  if (meeting.format === "online") return "online: we will send you the link";
  return school;
}

/** "Ms Khan (attendance lead) and Mr Lee (education welfare officer)": the staff invited. */
function meetingPanel(invitees: { name: string; role: string; organisation?: string | null }[]) {
  const panel = invitees
    .filter((i) => i.role in PANEL_ROLES)
    .map((i) => {
      const what = PANEL_ROLES[i.role] || i.organisation || "";
      return what ? `${i.name} (${what})` : i.name;
    });
  if (panel.length === 0) return "the school's attendance team";
  return panel.length === 1
    ? (panel[0] as string)
    : `${panel.slice(0, -1).join(", ")} and ${panel.at(-1)}`;
}

export interface Occasion {
  meeting?: {
    scheduledFor: Date;
    format: string;
    location?: string | null;
    /** Who is invited: the panel is everyone but the family. */
    invitees?: { name: string; role: string }[];
  } | null;
  reviewDate?: IsoDate | null;
  /** Who sends the letter: their name and role sign it, above the school's signatory. */
  sender?: { name: string; role: string } | null;
}

/**
 * Everything a letter about a pupil, to a contact, on a day, can merge in. The late marks are read
 * only for wording that lists them: most letters do not, and a batch writes hundreds.
 */
export async function letterInput(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  contact: Contact | null,
  policy: Policy | undefined,
  today: IsoDate,
  occasion: Occasion,
  wording: string,
): Promise<{
  input: MergeInput;
  school: { name: string; address: string; logo: Uint8Array | null };
  pupilName: string;
}> {
  const row = await db
    .selectFrom("pupils as p")
    .leftJoin("year_groups as y", (j) =>
      j.onRef("y.school_id", "=", "p.school_id").onRef("y.id", "=", "p.year_group_id"),
    )
    .leftJoin("registration_groups as r", (j) =>
      j.onRef("r.school_id", "=", "p.school_id").onRef("r.id", "=", "p.registration_group_id"),
    )
    .innerJoin("schools as s", "s.id", "p.school_id")
    .select([
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
      "p.preferred_surname",
      "y.name as year_group",
      "r.name as registration_group",
      "s.name as school",
      "s.address",
      "s.logo_png",
      "s.letter_signatory",
    ])
    .where("p.school_id", "=", schoolId)
    .where("p.id", "=", pupilId)
    .executeTakeFirst();
  if (!row) throw new RollbookError("not_found", `No pupil ${pupilId} in this school`);
  const year = academicYearBounds(academicYearOf(today));
  const { statistics } = await pupilReport(db, schoolId, pupilId, { from: year.from, to: today });
  const band = policy ? bandOf(policy.bands, statistics.attendanceRate) : undefined;
  const percent = formatPercent(statistics.attendanceRate);
  const missed = statistics.absence;
  const data: MergeData = {
    date: longDate(today),
    forename: row.legal_forename,
    surname: row.legal_surname,
    chosen_forename: row.preferred_forename ?? row.legal_forename,
    chosen_surname: row.preferred_surname ?? row.legal_surname,
    year_group: row.year_group ?? "",
    registration_group: row.registration_group ?? "",
    year_reg: [row.year_group, row.registration_group].filter(Boolean).join(" / "),
    attendance_percentage: percent,
    percentage_attendance: percent,
    sessions_possible: String(statistics.possible),
    sessions_missed: String(missed),
    days_missed: String(missed / 2).replace(/\.0$/, ""),
    unauthorised_sessions: String(statistics.unauthorised),
    late_sessions: String(statistics.late),
    school_name: row.school,
    school_address: row.address,
    signatory: occasion.sender
      ? `${occasion.sender.name}\n${occasion.sender.role}\n${row.letter_signatory}`
      : row.letter_signatory,
    ...(band ? { band: band.name } : {}),
    ...(policy ? { target: String(policy.target) } : {}),
    ...(policy?.localAuthorityTarget !== undefined
      ? { la_target: String(policy.localAuthorityTarget) }
      : {}),
    ...(contact
      ? {
          addressee: contact.name,
          addressee_address: addressLines(contact.address).join("\n"),
          salutation: salutation([contact.name]),
        }
      : {
          addressee:
            "The parent or carer of " +
            (row.preferred_forename ?? row.legal_forename) +
            " " +
            row.legal_surname,
          addressee_address: "",
          salutation: salutation([]),
        }),
    ...(occasion.meeting
      ? {
          // The London day: a meeting at 23:30 in summer is not on the next UTC day's date.
          meeting_date: dayLabel(londonToday(occasion.meeting.scheduledFor)),
          meeting_time: londonClock(occasion.meeting.scheduledFor),
          meeting_format: occasion.meeting.format.replace("_", " "),
          meeting_place: meetingPlace(occasion.meeting, row.school),
          meeting_panel: meetingPanel(occasion.meeting.invitees ?? []),
        }
      : {}),
    ...(occasion.reviewDate ? { review_date: longDate(occasion.reviewDate) } : {}),
    support_given: await supportGiven(db, schoolId, pupilId),
    ...(wording.includes("{efforts_made}") || wording.includes("{efforts_so_far}")
      ? await effortsMade(db, schoolId, pupilId, today).then((efforts) => ({
          efforts_made: efforts,
          efforts_so_far: efforts,
        }))
      : {}),
  };
  return {
    input: {
      data,
      bands: policy ? bandRanges(policy.bands) : [],
      absences: await absencesThisYear(db, schoolId, pupilId, today),
      ...(wording.includes("{late_list}")
        ? { lates: await latesThisHalfTerm(db, schoolId, pupilId, today) }
        : {}),
    },
    school: { name: row.school, address: row.address, logo: row.logo_png },
    pupilName: `${data.chosen_forename} ${data.chosen_surname}`,
  };
}

/** Each absence this year to the day, for registration certificates and notices to improve. */
async function absencesThisYear(db: Kysely<DB>, schoolId: number, pupilId: number, today: IsoDate) {
  const startYear = academicYearOf(today);
  const marks = (await loadYearMarks(db, schoolId, startYear, [pupilId])).get(pupilId);
  const rows: { date: string; session: string; code: string; meaning: string }[] = [];
  if (!marks) return rows;
  for (let slot = 0; slot < marks.length; slot++) {
    const code = marks[slot] as number;
    if (!ABSENT[code]) continue;
    const at = sessionOfSlot(startYear, slot);
    if (at.date > today) break;
    const entry = codeByIndex(code);
    rows.push({
      date: dayLabel(at.date),
      session: at.session,
      code: entry.symbol,
      meaning: entry.meaning,
    });
  }
  return rows;
}

/** Each late mark this half term to the day, with the minutes late: the trust's lateness letter. */
async function latesThisHalfTerm(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  today: IsoDate,
) {
  const halfTerm = (await loadCalendar(db, schoolId)).halfTermOf(today);
  if (!halfTerm) return [];
  const marks = await db
    .selectFrom("session_marks")
    .select(["date", "session", "code", "minutes_late"])
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId)
    .where("code", "in", ["L", "U"])
    .where("date", ">=", halfTerm.start)
    .where("date", "<=", today)
    .orderBy("date")
    .orderBy("session")
    .execute();
  return marks.map((m) => {
    const minutes = m.minutes_late === null ? "" : ` (${m.minutes_late} minutes late)`;
    return {
      date: dayLabel(m.date),
      session: m.session,
      code: m.code,
      meaning:
        m.code === "L"
          ? `Late, before the register closed${minutes}`
          : `Arrived after the register closed${minutes}: an unauthorised absence`,
    };
  });
}

/**
 * "Letter 8 will detail all efforts made by the school so far": every support action agreed in the
 * pupil's contracts and plans, oldest first, each with who gives it.
 */
async function supportGiven(db: Kysely<DB>, schoolId: number, pupilId: number): Promise<string> {
  const contracts = await db
    .selectFrom("contracts as k")
    .innerJoin("attendance_cases as c", (j) =>
      j.onRef("c.school_id", "=", "k.school_id").onRef("c.id", "=", "k.case_id"),
    )
    .select(["k.support", "k.agreed_on"])
    .where("k.school_id", "=", schoolId)
    .where("c.pupil_id", "=", pupilId)
    .orderBy("k.agreed_on")
    .orderBy("k.id")
    .execute();
  const given = contracts.flatMap((k) =>
    (k.support as { by: string; partner?: string; action: string }[]).map(
      (s) =>
        `${s.action} (${s.by === "partner" ? (s.partner ?? "a partner") : s.by === "parent" ? "the family" : "the school"})`,
    ),
  );
  return given.length > 0 ? given.join("; ") : "none recorded in an attendance contract or plan";
}
