import type { Kysely, Selectable } from "kysely";
import { secretNamed } from "../../config.ts";
import type { DB, MisConnectionTable } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import type { MisProvider } from "./provider.ts";
import { WondeProvider } from "./wonde/provider.ts";

export type MisConnection = Selectable<MisConnectionTable>;

/** Builds the provider for a connection; replaceable in tests and the bench. */
export type ProviderFactory = (connection: MisConnection) => MisProvider;

export interface ConnectMisInput {
  provider: "wonde";
  /** The school's id at the provider (Wonde: A1930499544-like). */
  providerSchoolId: string;
  baseUrl: string;
  /** env:NAME: the environment variable holding the school's token. */
  tokenRef: string;
  syncMarks?: boolean | undefined;
  writeback?: boolean | undefined;
}

const TOKEN_REF = /^env:[A-Z][A-Z0-9_]{0,99}$/;

/** The head or an administrator connects the school's MIS (or changes the connection). */
export async function connectMis(
  ctx: UseCaseContext,
  input: ConnectMisInput,
): Promise<MisConnection> {
  ctx.access.require("school.setup");
  if (!TOKEN_REF.test(input.tokenRef))
    throw new RollbookError(
      "invalid_input",
      "The token is kept in the server's environment: give its name as env:NAME (capitals, digits, _), never the token itself",
    );
  let url: URL;
  try {
    url = new URL(input.baseUrl);
  } catch {
    throw new RollbookError("invalid_input", `${input.baseUrl} is not a web address`);
  }
  if (url.protocol !== "https:" && !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))
    throw new RollbookError(
      "invalid_input",
      "The MIS's address must be https (the token goes to it)",
    );
  const values = {
    school_id: ctx.access.schoolId,
    provider: input.provider,
    provider_school_id: input.providerSchoolId.trim(),
    base_url: url.toString().replace(/\/$/, ""),
    token_ref: input.tokenRef,
    state: "active",
    sync_marks: input.syncMarks ?? true,
    writeback: input.writeback ?? true,
  };
  return inTransaction(ctx, "connect MIS", async (tx) => {
    // Marks recorded before the connection are the MIS's own history: writeback starts from now.
    const { last } = await tx
      .selectFrom("mark_history")
      .select((eb) => eb.fn.max("id").as("last"))
      .where("school_id", "=", ctx.access.schoolId)
      .executeTakeFirstOrThrow();
    return tx
      .insertInto("mis_connections")
      .values({ ...values, writeback_after: last ?? 0 })
      .onConflict((oc) =>
        oc.column("school_id").doUpdateSet({
          provider: values.provider,
          provider_school_id: values.provider_school_id,
          base_url: values.base_url,
          token_ref: values.token_ref,
          state: "active",
          sync_marks: values.sync_marks,
          writeback: values.writeback,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function loadConnection(
  db: Kysely<DB>,
  schoolId: number,
): Promise<MisConnection | undefined> {
  return db
    .selectFrom("mis_connections")
    .selectAll()
    .where("school_id", "=", schoolId)
    .executeTakeFirst();
}

export async function requireConnection(db: Kysely<DB>, schoolId: number): Promise<MisConnection> {
  const connection = await loadConnection(db, schoolId);
  if (!connection)
    throw new RollbookError(
      "not_found",
      "This school has no MIS connected: connect it in Settings > MIS (docs/mis.md)",
    );
  return connection;
}

/** The provider a stored connection names, with its token read from the environment. */
export const providerFor: ProviderFactory = (connection) => {
  const name = connection.token_ref.replace(/^env:/, "");
  const token = secretNamed(name);
  if (!token)
    throw new RollbookError(
      "mis_failed",
      `The MIS token is not set: put the school's Wonde token in the server's environment as ${name}`,
    );
  return new WondeProvider(connection.provider_school_id, { baseUrl: connection.base_url, token });
};
