import { loadCalendar } from "../../db/repositories/calendar.ts";
import type { SessionName } from "../../domain/calendar.ts";
import { RollbookError } from "../../domain/errors.ts";
import { compareFormNames } from "../../domain/forms.ts";
import { ROLE_PERMISSIONS } from "../access/permissions.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { assertSchoolSession, findGroup } from "../registers/register.ts";

/** Roles whose people take and amend any register: whom a tutor who missed one should ask. */
const AMENDING_ROLES = Object.entries(ROLE_PERMISSIONS)
  .filter(([role, can]) => can.includes("marks.amend") && role !== "admin")
  .map(([role]) => role as keyof typeof ROLE_PERMISSIONS);

export interface RegisterRequest {
  id: number;
  groupId: number;
  group: string;
  date: string;
  session: SessionName;
  note: string | null;
  requestedBy: string;
  requestedAt: Date;
  /** The register has been taken since (by anyone): the request is done. */
  taken: boolean;
}

/** The school's people who can take a missed register, by name (attendance office first). */
export async function whomToAsk(ctx: UseCaseContext): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom("role_grants as r")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select(["u.name", "r.role"])
    .where("r.school_id", "=", ctx.access.schoolId)
    .where("r.role", "in", AMENDING_ROLES)
    .where("u.disabled", "=", false)
    .orderBy("r.role")
    .orderBy("u.name")
    .execute();
  return [...new Set(rows.map((r) => r.name))];
}

function requests(ctx: UseCaseContext) {
  return ctx.db
    .selectFrom("register_requests as q")
    .innerJoin("registration_groups as g", (j) =>
      j.onRef("g.school_id", "=", "q.school_id").onRef("g.id", "=", "q.registration_group_id"),
    )
    .leftJoin("registers_taken as t", (j) =>
      j
        .onRef("t.school_id", "=", "q.school_id")
        .onRef("t.registration_group_id", "=", "q.registration_group_id")
        .onRef("t.date", "=", "q.date")
        .onRef("t.session", "=", "q.session"),
    )
    .select([
      "q.id",
      "q.registration_group_id",
      "g.name",
      "q.date",
      "q.session",
      "q.note",
      "q.requested_by",
      "q.requested_at",
      "t.first_taken_at",
    ])
    .where("q.school_id", "=", ctx.access.schoolId);
}

const present = (
  r: Awaited<ReturnType<ReturnType<typeof requests>["execute"]>>[number],
): RegisterRequest => ({
  id: r.id,
  groupId: r.registration_group_id,
  group: r.name,
  date: r.date,
  session: r.session,
  note: r.note,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  taken: r.first_taken_at !== null,
});

/**
 * A tutor who missed a register (it has closed, so only the office may now take it) asks the
 * office to take it, with a note of who was there. Asked once: a second ask returns the first.
 */
export async function requestRegister(
  ctx: UseCaseContext,
  input: { groupId: number; date: string; session: SessionName; note?: string | undefined },
): Promise<RegisterRequest> {
  const { access } = ctx;
  if (!access.canTakeRegister(input.groupId))
    throw new RollbookError("forbidden", "You can only ask about the registers of your own groups");
  await findGroup(ctx.db, access.schoolId, input.groupId);
  assertSchoolSession(await loadCalendar(ctx.db, access.schoolId), input.date, input.session);
  const mine = () =>
    requests(ctx)
      .where("q.registration_group_id", "=", input.groupId)
      .where("q.date", "=", input.date)
      .where("q.session", "=", input.session)
      .executeTakeFirst();
  const existing = await mine();
  if (existing) return present(existing);
  await inTransaction(ctx, "ask the office to take a register", (tx) =>
    tx
      .insertInto("register_requests")
      .values({
        school_id: access.schoolId,
        registration_group_id: input.groupId,
        date: input.date,
        session: input.session,
        note: input.note?.trim() || null,
        requested_by: access.signature(),
        requested_by_user_id: access.accountId,
        requested_at: ctx.clock(),
      })
      .execute(),
  );
  return present((await mine()) as NonNullable<Awaited<ReturnType<typeof mine>>>);
}

/** A register's request, if asked, and whom to ask: what the tutor sees on a missed register. */
export async function registerRequestOf(
  ctx: UseCaseContext,
  register: { groupId: number; date: string; session: SessionName },
): Promise<{ whomToAsk: string[]; request: RegisterRequest | null }> {
  if (!ctx.access.canViewRegister(register.groupId))
    throw new RollbookError("forbidden", "You can only see the registers of your own groups");
  const [names, row] = await Promise.all([
    whomToAsk(ctx),
    requests(ctx)
      .where("q.registration_group_id", "=", register.groupId)
      .where("q.date", "=", register.date)
      .where("q.session", "=", register.session)
      .executeTakeFirst(),
  ]);
  return { whomToAsk: names, request: row ? present(row) : null };
}

/** Registers tutors asked the office to take and nobody has taken yet: on the office's Today. */
export async function openRegisterRequests(ctx: UseCaseContext): Promise<RegisterRequest[]> {
  ctx.access.require("office.view");
  const rows = await requests(ctx)
    .where("t.first_taken_at", "is", null)
    .orderBy("q.date")
    .orderBy("q.session")
    .execute();
  return rows
    .map(present)
    .sort(
      (a, b) =>
        a.date.localeCompare(b.date) ||
        a.session.localeCompare(b.session) ||
        compareFormNames(a.group, b.group),
    );
}
