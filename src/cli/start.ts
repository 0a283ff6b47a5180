import type { Command } from "commander";
import { createDemoSchool } from "../app/demo/create-demo-school.ts";
import { DEMO_PASSWORD, demoAccountsToShow } from "../app/demo/demo-accounts.ts";
import { transportsFrom } from "../app/messages/configure.ts";
import { loadConfig } from "../config.ts";
import { migrate, openDatabase } from "../db/database.ts";
import { listSchools } from "../db/repositories/schools.ts";
import { londonToday } from "../domain/dates.ts";
import { startScheduler } from "../jobs/scheduler.ts";
import { buildApp } from "../server/app.ts";
import type { DatabaseFlags } from "./context.ts";
import { progress } from "./output.ts";

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("start the Rollbook server; an empty database gets the demo school first")
    .option("--port <port>", "port to listen on (default PORT or 3000)")
    .option("--host <host>", "address to listen on (default HOST or 127.0.0.1)")
    .action(async (flags: { port?: string; host?: string }, command: Command) => {
      const global = command.optsWithGlobals<DatabaseFlags>();
      const config = loadConfig();
      const database = await openDatabase({
        url: global.databaseUrl ?? config.DATABASE_URL,
        dataDir: global.dataDir ?? config.ROLLBOOK_DATA_DIR,
        statementTimeoutMs: config.ROLLBOOK_STATEMENT_TIMEOUT_MS,
      });
      await migrate(database);
      if ((await listSchools(database.db)).length === 0) {
        process.stdout.write(
          `The database at ${database.location} is empty: loading the demo school (first start only)...\n`,
        );
        const bar = progress();
        await createDemoSchool(database.db, {
          seed: 2024,
          today: londonToday(),
          onProgress: bar.update,
        });
        bar.stop();
      }
      const app = await buildApp({
        database,
        logLevel: config.LOG_LEVEL,
        queue: {
          inProgress: config.ROLLBOOK_REQUESTS_IN_PROGRESS,
          waiting: config.ROLLBOOK_REQUESTS_WAITING,
          maxWaitMs: config.ROLLBOOK_QUEUE_WAIT_MS,
        },
        smsWebhookAllow: config.ROLLBOOK_SMS_WEBHOOK_ALLOW,
      });
      const stopScheduler = startScheduler(
        database.db,
        transportsFrom(config, app.log),
        app.log,
        () => new Date(),
      );
      const port = flags.port ? Number(flags.port) : config.PORT;
      const host = flags.host ?? config.HOST;
      const address = await app.listen({ port, host });
      const accounts = await demoAccountsToShow(database.db);
      const lines = [
        `Rollbook is running at ${address} (database: ${database.kind}, ${database.location})`,
        `API documentation: ${address}/api/docs`,
      ];
      if (accounts.length > 0) {
        lines.push(`Demo accounts (password "${DEMO_PASSWORD}"):`);
        for (const a of accounts)
          lines.push(`  ${a.role.padEnd(18)} ${a.email.padEnd(32)} ${a.name}`);
        lines.push(
          "  (every form has a tutor account: tutor.7a@northfield.example ... tutor.11e@northfield.example)",
        );
      }
      process.stdout.write(`${lines.join("\n")}\n`);
      const stop = async () => {
        stopScheduler();
        await app.close();
        await database.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
