import { ROLE_LABELS } from "../../app/access/permissions.ts";
import {
  inviteParentsFromContacts,
  previewParentInvitations,
} from "../../app/accounts/invite-parents.ts";
import {
  createAccount,
  forcePasswordReset,
  listAccounts,
  setAccountAccess,
  setAccountDisabled,
} from "../../app/accounts/manage-users.ts";
import type { UserListing } from "../../db/repositories/users.ts";
import { failures } from "../error.schema.ts";
import type { RouteApp } from "../route-app.ts";
import {
  accessBody,
  invitationPreview,
  listQuery,
  newUserBody,
  oneUser,
  parentInvitations,
  parentInvitationsBody,
  passwordResetForced,
  userCreated,
  userList,
  userParams,
} from "./users.schema.ts";

/** Accounts: administrators manage everyone; a head their own school's staff and parents. */
export async function userRoutes(app: RouteApp, options: { publicUrl: string }): Promise<void> {
  const db = app.database.db;
  const links = { publicUrl: options.publicUrl };

  app.get(
    "/",
    {
      schema: {
        tags: ["users"],
        summary: "Accounts you manage, with their roles (search by name or email)",
        querystring: listQuery,
        response: { 200: userList, ...failures(400, 403) },
      },
    },
    async (request) => ({
      users: (await listAccounts(db, request.requireActor(), request.query)).map(describe),
    }),
  );

  app.post(
    "/",
    {
      schema: {
        tags: ["users"],
        summary: "Create an account (without a password, an invitation link is emailed)",
        body: newUserBody,
        response: { 201: userCreated, ...failures(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const { roles, ...rest } = request.body;
      const created = await createAccount(
        db,
        request.requireActor(),
        { ...rest, grants: roles },
        links,
        app.clock(),
      );
      reply.status(201);
      return { user: describe(created.user), invited: created.invited };
    },
  );

  app.post(
    "/invitations/parents",
    {
      schema: {
        tags: ["users"],
        summary:
          "Invite the selected pupils' contacts with parental responsibility and an email to parent accounts (every pupil when none is chosen)",
        body: parentInvitationsBody,
        response: { 200: parentInvitations },
      },
    },
    async (request) =>
      inviteParentsFromContacts(db, request.requireActor(), request.body, links, app.clock()),
  );

  app.post(
    "/invitations/parents/preview",
    {
      schema: {
        tags: ["users"],
        summary: "Who inviting these pupils' parents would invite, link and leave out, and why",
        body: parentInvitationsBody,
        response: { 200: invitationPreview },
      },
    },
    async (request) => previewParentInvitations(db, request.requireActor(), request.body),
  );

  for (const [action, disabled] of [
    ["disable", true],
    ["enable", false],
  ] as const) {
    app.post(
      `/:userId/${action}`,
      {
        schema: {
          tags: ["users"],
          summary: disabled
            ? "Disable an account (its sessions end at once)"
            : "Enable a disabled account again",
          params: userParams,
          response: { 200: oneUser, ...failures(400, 403, 404) },
        },
      },
      async (request) => ({
        user: describe(
          await setAccountDisabled(db, request.requireActor(), {
            userId: request.params.userId,
            disabled,
          }),
        ),
      }),
    );
  }

  app.put(
    "/:userId/roles",
    {
      schema: {
        tags: ["users"],
        summary: "Set an account's roles, registration groups and children (grants and revokes)",
        params: userParams,
        body: accessBody,
        response: { 200: oneUser, ...failures(400, 403, 404) },
      },
    },
    async (request) => {
      const { roles, ...rest } = request.body;
      return {
        user: describe(
          await setAccountAccess(db, request.requireActor(), {
            userId: request.params.userId,
            grants: roles,
            ...rest,
          }),
        ),
      };
    },
  );

  app.post(
    "/:userId/password-reset",
    {
      schema: {
        tags: ["users"],
        summary: "Force a new password: the old one stops working, sessions end, a link is emailed",
        params: userParams,
        response: { 200: passwordResetForced, ...failures(400, 403, 404) },
      },
    },
    async (request) =>
      forcePasswordReset(
        db,
        request.requireActor(),
        { userId: request.params.userId },
        links,
        app.clock(),
      ),
  );
}

function describe({ grants, ...user }: UserListing) {
  return { ...user, roles: grants.map((g) => ({ ...g, label: ROLE_LABELS[g.role] })) };
}
