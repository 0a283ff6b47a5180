import type { Command } from "commander";
import {
  type BackupManifest,
  backupEmbedded,
  postgresBackupAdvice,
  restoreEmbedded,
} from "../app/backup.ts";
import { loadConfig } from "../config.ts";
import { redact } from "../db/database.ts";
import { RollbookError } from "../domain/errors.ts";
import { countOf } from "../domain/plural.ts";
import type { DatabaseFlags } from "./context.ts";
import { progress } from "./output.ts";

/**
 * The embedded directory the command works on (flags over environment). Backup and restore must
 * not open the database the usual way (`withDatabase` creates and migrates it), and a PostgreSQL
 * server is refused with the pg_dump and pg_restore commands to use instead.
 */
function embeddedDataDir(flags: DatabaseFlags): string {
  const config = loadConfig();
  const url = flags.databaseUrl ?? config.DATABASE_URL;
  if (url) throw new RollbookError("invalid_input", postgresBackupAdvice(redact(url)));
  return flags.dataDir ?? config.ROLLBOOK_DATA_DIR;
}

function describe(manifest: BackupManifest): string {
  const count = (table: string) => (manifest.counts[table] ?? 0).toLocaleString("en-GB");
  return (
    `  ${count("session_marks")} register marks and ${count("mark_history")} history entries, ` +
    `${count("pupils")} pupils in ${countOf(manifest.counts.schools ?? 0, "school")}\n` +
    `  Rollbook ${manifest.rollbookVersion}, ${manifest.migrations.length} migrations, ` +
    `PostgreSQL ${manifest.postgresVersion}, taken ${manifest.createdAt}\n`
  );
}

export function registerBackup(program: Command): void {
  program
    .command("backup")
    .description("copy the embedded database into one file (stop the server first)")
    .argument("<file>", "the backup file to write")
    .option("--force", "replace FILE if it exists")
    .action(async (file: string, flags: { force?: boolean }, command: Command) => {
      const dataDir = embeddedDataDir(command.optsWithGlobals<DatabaseFlags>());
      const bar = progress();
      const manifest = await backupEmbedded({
        dataDir,
        file,
        force: flags.force === true,
        onProgress: bar.update,
      }).finally(bar.stop);
      process.stdout.write(`Backed up ${manifest.source} to ${file}:\n${describe(manifest)}`);
    });

  program
    .command("restore")
    .description("restore the embedded database from a backup file (stop the server first)")
    .argument("<file>", "a file written by rollbook backup")
    .option(
      "--force",
      "replace a database directory that holds data (the old one is kept beside it)",
    )
    .action(async (file: string, flags: { force?: boolean }, command: Command) => {
      const dataDir = embeddedDataDir(command.optsWithGlobals<DatabaseFlags>());
      const bar = progress();
      const result = await restoreEmbedded({
        file,
        dataDir,
        force: flags.force === true,
        onProgress: bar.update,
      }).finally(bar.stop);
      process.stdout.write(
        `Restored ${file} into ${result.dataDir}, checked against its manifest:\n${describe(result.manifest)}` +
          (result.previous
            ? `The data that was there is kept in ${result.previous}; delete it once you are satisfied.\n`
            : ""),
      );
    });
}
