import type { Migration } from "kysely";
import * as foundation from "./20261125_0900_foundation.ts";

/** Every migration in order. Forward-only: a landed migration is never edited, only followed. */
export const migrations: Record<string, Migration> = {
  "20261125_0900_foundation": foundation,
};
