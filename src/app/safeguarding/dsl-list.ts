import type { DB, SafeguardingFlag } from "../../db/schema.ts";
import { ABSENCE_SYMBOLS } from "../../domain/codes.ts";
import { type IsoDate, londonClock } from "../../domain/dates.ts";
import type { Step } from "../../domain/follow-up/escalation.ts";
import type { UseCaseContext } from "../context.ts";
import { callList } from "../follow-up/call-list.ts";
import { displayName, type Moment } from "../registers/register.ts";
import { SAFEGUARDING_FLAGS } from "./flags.ts";

export interface DslChild {
  pupilId: number;
  upn: string;
  name: string;
  group: string | null;
  /** Why the child is on the list: social worker, child protection or child in need plan, looked after, concern. */
  flags: SafeguardingFlag[];
  /** Today's marks, session by session (null when not yet marked). */
  today: { session: "AM" | "PM"; code: string | null; absent: boolean }[];
  /** Contacts with the family logged today, oldest first. */
  contactsToday: { at: string; method: string; withWhom: string; outcome: string; by: string }[];
  socialWorkerToldToday: boolean;
  /** The first-day ladder's steps for an absence not yet explained. */
  steps: Step[];
}

const LISTED: readonly SafeguardingFlag[] = SAFEGUARDING_FLAGS;

/**
 * The designated safeguarding lead's named list for a day: every child on roll with a social
 * worker, a child protection or child in need plan, looked after, or with a safeguarding concern,
 * with today's marks and what has been done about an absence. Absent children come first.
 */
export async function dslList(
  ctx: UseCaseContext,
  date: IsoDate,
  now: Moment,
): Promise<DslChild[]> {
  const { db, access } = ctx;
  access.require("safeguarding.list");
  const { schoolId } = access;
  const children = await db
    .selectFrom("pupils as p")
    .leftJoin("registration_groups as g", (j) =>
      j.onRef("g.school_id", "=", "p.school_id").onRef("g.id", "=", "p.registration_group_id"),
    )
    .selectAll("p")
    .select("g.name as group")
    .where("p.school_id", "=", schoolId)
    .where("p.admission_date", "<=", date)
    .where((eb) => eb.or([eb("p.leaving_date", "is", null), eb("p.leaving_date", ">=", date)]))
    .where((eb) => eb.or(LISTED.map((f) => eb(`p.${f}` as `p.${keyof DB["pupils"]}`, "=", true))))
    .orderBy("p.legal_surname")
    .orderBy("p.legal_forename")
    .execute();
  if (children.length === 0) return [];
  const ids = children.map((c) => c.id);
  access.audit.listed(schoolId, ids);
  const [marks, contacts, told, calls] = await Promise.all([
    db
      .selectFrom("session_marks")
      .select(["pupil_id", "session", "code"])
      .where("school_id", "=", schoolId)
      .where("date", "=", date)
      .where("pupil_id", "in", ids)
      .execute(),
    db
      .selectFrom("contact_log")
      .selectAll()
      .where("school_id", "=", schoolId)
      .where("pupil_id", "in", ids)
      .where("happened_at", ">=", new Date(`${date}T00:00:00Z`))
      .where("happened_at", "<", new Date(new Date(`${date}T00:00:00Z`).getTime() + 86_400_000))
      .orderBy("happened_at")
      .execute(),
    db
      .selectFrom("outbox")
      .select("pupil_id")
      .where("school_id", "=", schoolId)
      .where("purpose", "=", "social_worker")
      .where("idempotency_key", "like", `social-worker:%:${date}:%`)
      .execute(),
    access.can("office.view") ? callList(db, access, date, now) : Promise.resolve([]),
  ]);
  const toldIds = new Set(told.map((t) => t.pupil_id));
  const list = children.map((c) => {
    const today = (["AM", "PM"] as const).map((session) => {
      const code = marks.find((m) => m.pupil_id === c.id && m.session === session)?.code ?? null;
      return { session, code, absent: code !== null && ABSENCE_SYMBOLS.includes(code) };
    });
    return {
      pupilId: c.id,
      upn: c.upn,
      name: displayName(c),
      group: c.group,
      flags: LISTED.filter((f) => c[f]),
      today,
      contactsToday: contacts
        .filter((l) => l.pupil_id === c.id)
        .map((l) => ({
          at: londonClock(l.happened_at),
          method: l.method,
          withWhom: l.with_whom,
          outcome: l.outcome,
          by: l.recorded_by,
        })),
      socialWorkerToldToday: toldIds.has(c.id),
      steps: calls.find((p) => p.pupilId === c.id)?.steps ?? [],
    };
  });
  const absent = (c: DslChild) => (c.today.some((s) => s.absent) ? 0 : 1);
  return list.sort((a, b) => absent(a) - absent(b));
}
