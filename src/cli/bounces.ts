import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { readBounces } from "../app/messages/bounces.ts";
import { RollbookError } from "../domain/errors.ts";
import { type DatabaseFlags, withDatabase } from "./context.ts";

/** `rollbook bounces <mbox>`: the bounce mailbox read, each bounce recorded against its email. */
export function registerBounces(program: Command): void {
  program
    .command("bounces <mailbox>")
    .description(
      "read delivery status notifications (RFC 3464) from an mbox file and mark the emails they name as bounced",
    )
    .action(async (mailbox: string, _flags: object, command: Command) => {
      const mbox = await readFile(mailbox, "utf8").catch(() => {
        throw new RollbookError("invalid_input", `Cannot read ${mailbox}`);
      });
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const read = await readBounces(db, mbox, new Date());
        process.stdout.write(
          `${read.messages} message(s): ${read.recorded} bounce(s) recorded, ${read.unmatched} for no email Rollbook sent (or already recorded), ${read.other} not a bounce\n`,
        );
      });
    });
}
