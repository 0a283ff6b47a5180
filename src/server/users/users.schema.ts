import { z } from "zod";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../../app/accounts/passwords.ts";
import { ROLES } from "../auth/auth.schema.ts";

const id = z.coerce.number().int().positive().max(2_147_483_647);

export const userParams = z.object({ userId: id });

export const listQuery = z.object({
  search: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/** A role and where it holds: a school for school roles, a trust, a local authority, or nowhere (admin). */
const grant = z.object({
  role: z.enum(ROLES),
  schoolId: id.optional(),
  trustId: id.optional(),
  laCode: z
    .string()
    .regex(/^\d{3}$/, "must be a three-digit local authority number")
    .optional(),
});

export const accessBody = z.object({
  roles: z.array(grant).min(1, "give at least one role").max(20),
  /** A teacher's (or other staff member's) registration groups. */
  groups: z
    .array(z.object({ schoolId: id, registrationGroupId: id }))
    .max(100)
    .default([]),
  /** A parent's children. */
  children: z
    .array(z.object({ schoolId: id, pupilId: id }))
    .max(20)
    .default([]),
});

export const newUserBody = accessBody.extend({
  email: z.email("must be an email address").max(320),
  name: z.string().trim().min(1, "must not be empty").max(200),
  /** Without one, an invitation link is emailed and its first use sets the password. */
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `must have at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(MAX_PASSWORD_LENGTH)
    .optional(),
});

/** Whose parents to invite: chosen pupils, forms and year groups together; none is the whole roll. */
export const parentInvitationsBody = z.object({
  schoolId: id,
  pupilIds: z.array(id).max(5000).optional(),
  registrationGroupIds: z.array(id).max(500).optional(),
  yearGroupIds: z.array(id).max(50).optional(),
});
const family = z.object({ email: z.string(), name: z.string(), pupils: z.array(z.string()) });
export const invitationPreview = z.object({
  invite: z.array(family),
  link: z.array(family),
  notInvited: z.array(
    z.object({
      name: z.string(),
      pupil: z.string(),
      email: z.string().nullable(),
      reason: z.string(),
    }),
  ),
});
export const parentInvitations = z.object({
  invited: z.number(),
  linked: z.number(),
  skipped: z.array(z.object({ email: z.string(), reason: z.string() })),
});
export type ParentInvitationsBody = z.input<typeof parentInvitationsBody>;
export type InvitationPreview = z.infer<typeof invitationPreview>;
export type ParentInvitationsResult = z.infer<typeof parentInvitations>;

/** An account as its manager sees it: roles with their labels, groups and children by name. */
export const userView = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  disabled: z.boolean(),
  roles: z.array(
    z.object({
      role: z.enum(ROLES),
      label: z.string(),
      schoolId: z.number().nullable(),
      trustId: z.number().nullable(),
      laCode: z.string().nullable(),
    }),
  ),
  groups: z.array(
    z.object({ schoolId: z.number(), registrationGroupId: z.number(), name: z.string() }),
  ),
  children: z.array(z.object({ schoolId: z.number(), pupilId: z.number(), name: z.string() })),
});
export const userList = z.object({ users: z.array(userView) });
export const oneUser = z.object({ user: userView });
export const userCreated = oneUser.extend({
  /** No password was given: an invitation link was emailed. */
  invited: z.boolean(),
});
export const passwordResetForced = z.object({ emailed: z.boolean() });
export type UserView = z.infer<typeof userView>;
export type UserList = z.infer<typeof userList>;
