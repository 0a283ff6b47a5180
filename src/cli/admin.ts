import { createInterface } from "node:readline";
import type { Command } from "commander";
import { createAdministrator } from "../app/accounts/deployment.ts";
import { setAccountDisabled } from "../app/accounts/manage-users.ts";
import { setPasswordByOperator } from "../app/accounts/password-links.ts";
import { findUserByEmail } from "../db/repositories/users.ts";
import { RollbookError } from "../domain/errors.ts";
import { type DatabaseFlags, OPERATOR, withDatabase } from "./context.ts";

/**
 * A password from the first line of standard input (--password-stdin, for scripts), or asked for
 * on a terminal without echo. Never an option: command lines are visible to other users.
 */
async function readPassword(fromStdin: boolean, prompt: string): Promise<string> {
  if (!fromStdin && !process.stdin.isTTY)
    throw new RollbookError(
      "invalid_input",
      "No terminal to ask for the password on: pipe it in with --password-stdin",
    );
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: !fromStdin,
  });
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      if (fromStdin) {
        rl.once("line", resolve);
        rl.once("close", () => resolve(""));
        return;
      }
      process.stdout.write(question);
      // Hide what is typed: readline echoes through _writeToOutput.
      const writer = rl as unknown as { _writeToOutput: (s: string) => void };
      writer._writeToOutput = () => {};
      rl.question("", (answer) => {
        process.stdout.write("\n");
        resolve(answer);
      });
    });
  try {
    const first = await ask(prompt);
    if (fromStdin) return first;
    const again = await ask("Type it again: ");
    if (first !== again) throw new RollbookError("invalid_input", "The two passwords differ");
    return first;
  } finally {
    rl.close();
  }
}

export function registerAdmin(program: Command): void {
  const admin = program
    .command("admin")
    .description("administrator accounts: create, disable, enable, reset-password");

  admin
    .command("create")
    .description("create an administrator (the first one of a new deployment, or another)")
    .requiredOption("--email <email>", "their email address (their sign-in name)")
    .option("--name <name>", "their name as Rollbook shows it", "Administrator")
    .option("--password-stdin", "read the password from standard input instead of asking")
    .action(
      async (flags: { email: string; name: string; passwordStdin?: boolean }, command: Command) => {
        const password = await readPassword(
          Boolean(flags.passwordStdin),
          "Password (12 characters or more): ",
        );
        await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db, location }) => {
          await createAdministrator(db, { email: flags.email, name: flags.name, password });
          process.stdout.write(
            `Created administrator ${flags.email.toLowerCase()} in ${location}\n`,
          );
        });
      },
    );

  for (const [name, disabled] of [
    ["disable", true],
    ["enable", false],
  ] as const) {
    admin
      .command(name)
      .description(
        disabled ? "disable an account (its sessions end at once)" : "enable a disabled account",
      )
      .requiredOption("--email <email>", "the account's email address")
      .action(async (flags: { email: string }, command: Command) => {
        await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
          const user = await findUserByEmail(db, flags.email);
          if (!user) throw new RollbookError("not_found", `No account for ${flags.email}`);
          await setAccountDisabled(db, OPERATOR, { userId: user.id, disabled });
          process.stdout.write(`${disabled ? "Disabled" : "Enabled"} ${user.email}\n`);
        });
      });
  }

  admin
    .command("reset-password")
    .description(
      "set a new password for an account (its sessions end; a locked sign-in is cleared)",
    )
    .requiredOption("--email <email>", "the account's email address")
    .option("--password-stdin", "read the new password from standard input instead of asking")
    .action(async (flags: { email: string; passwordStdin?: boolean }, command: Command) => {
      const password = await readPassword(
        Boolean(flags.passwordStdin),
        "New password (12 characters or more): ",
      );
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        await setPasswordByOperator(db, { email: flags.email, newPassword: password }, new Date());
        process.stdout.write(
          `New password set for ${flags.email.toLowerCase()}; their sessions have ended\n`,
        );
      });
    });
}
