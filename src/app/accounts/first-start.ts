import type { Database } from "../../db/database.ts";
import { listSchools } from "../../db/repositories/schools.ts";
import { decideDeployment, findDeployment } from "../../db/repositories/users.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { createDemoTrust } from "../demo/demo-trust.ts";
import { ensureFirstAdministrator, type FirstAdministrator } from "./deployment.ts";

export interface FirstStart {
  /** The demo trust (Northfield and two more schools) was loaded just now. */
  loadedDemo: boolean;
  demo: boolean;
  administrator: FirstAdministrator;
}

/**
 * What `start` does before serving. The demo's accounts share a published password, so only an
 * empty embedded database (the README's first command) becomes a demo by itself; PostgreSQL, or
 * a database `rollbook init` prepared, is a real deployment, whose first administrator comes
 * from the environment (once) or from `rollbook admin create`. `rollbook demo` makes a demo
 * anywhere, on purpose.
 */
export async function firstStart(
  database: Pick<Database, "db" | "kind">,
  options: {
    today: IsoDate;
    admin: { email?: string | undefined; password?: string | undefined; name?: string };
    beforeDemo?: () => void;
    onProgress?: (step: string, done: number, total: number) => void;
    /** A smaller demo (tests). */
    demoPupilsPerForm?: number;
  },
): Promise<FirstStart> {
  const { db } = database;
  let loadedDemo = false;
  if (!(await findDeployment(db))) {
    const empty = (await listSchools(db)).length === 0;
    if (empty && database.kind === "pglite") {
      options.beforeDemo?.();
      await createDemoTrust(db, {
        seed: 2024,
        today: options.today,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.demoPupilsPerForm ? { pupilsPerForm: options.demoPupilsPerForm } : {}),
      });
      loadedDemo = true;
    } else {
      await decideDeployment(db, false);
    }
  }
  const demo = (await findDeployment(db))?.demo ?? false;
  return { loadedDemo, demo, administrator: await ensureFirstAdministrator(db, options.admin) };
}
