import type { Command } from "commander";
import { firstStart } from "../app/accounts/first-start.ts";
import { DEMO_PASSWORD, demoAccountsToShow } from "../app/demo/demo-accounts.ts";
import { transportsFrom } from "../app/messages/configure.ts";
import { loadConfig, publicAddress, ssoSecretsOf, trustProxyOf } from "../config.ts";
import { migrate, openDatabase } from "../db/database.ts";
import { londonToday } from "../domain/dates.ts";
import { startScheduler } from "../jobs/scheduler.ts";
import { buildApp } from "../server/app.ts";
import type { DatabaseFlags } from "./context.ts";
import { progress } from "./output.ts";

export function registerStart(program: Command): void {
  program
    .command("start")
    .description(
      "start the Rollbook server; an empty embedded database becomes the demo school, any other a real deployment",
    )
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
      let bar: ReturnType<typeof progress> | null = null;
      const prepared = await firstStart(database, {
        today: londonToday(),
        admin: {
          email: config.ROLLBOOK_ADMIN_EMAIL,
          password: config.ROLLBOOK_ADMIN_PASSWORD,
          name: config.ROLLBOOK_ADMIN_NAME,
        },
        beforeDemo: () => {
          process.stdout.write(
            `The embedded database at ${database.location} is empty: loading the DEMO school (first start only)...\n`,
          );
          bar = progress();
        },
        onProgress: (step, done, total) => bar?.update(step, done, total),
      });
      (bar as ReturnType<typeof progress> | null)?.stop();
      const first = prepared.administrator;
      const port = flags.port ? Number(flags.port) : config.PORT;
      const host = flags.host ?? config.HOST;
      const address = publicAddress({ ...config, HOST: host, PORT: port });
      const app = await buildApp({
        database,
        logLevel: config.LOG_LEVEL,
        publicUrl: address.publicUrl,
        secureCookies: address.secureCookies,
        trustProxy: trustProxyOf(config),
        queue: {
          inProgress: config.ROLLBOOK_REQUESTS_IN_PROGRESS,
          waiting: config.ROLLBOOK_REQUESTS_WAITING,
          maxWaitMs: config.ROLLBOOK_QUEUE_WAIT_MS,
        },
        smsWebhookAllow: config.ROLLBOOK_SMS_WEBHOOK_ALLOW,
        ssoSecrets: ssoSecretsOf(),
      });
      const listening = await app.listen({ port, host });
      // Each job is idempotent and runs every minute: the first round waits a few seconds, so it
      // never holds the database while a restart answers its first requests.
      const stopScheduler = startScheduler(
        database.db,
        transportsFrom(config, app.log),
        app.log,
        () => new Date(),
        60_000,
        5_000,
      );
      const accounts = await demoAccountsToShow(database.db);
      const lines = [
        `Rollbook is running at ${listening} (database: ${database.kind}, ${database.location})`,
        `API documentation: ${listening}/api/docs`,
      ];
      if (first.kind === "created")
        lines.push(`Created the first administrator, ${first.email}, from ROLLBOOK_ADMIN_EMAIL.`);
      if (first.kind === "missing")
        lines.push(
          "No administrator yet, so nobody can sign in. Create the first one on this server with",
          '  rollbook admin create --email you@your-school.example --name "Your Name"',
          "(it asks for a password), or set ROLLBOOK_ADMIN_EMAIL and ROLLBOOK_ADMIN_PASSWORD and start again.",
        );
      if (address.secureCookies && !config.PUBLIC_URL)
        lines.push(
          `Sign-in cookies are Secure (HOST ${host} is not this machine): reach Rollbook over HTTPS and set PUBLIC_URL to that address.`,
        );
      if (accounts.length > 0) {
        lines.push(
          "THIS IS A DEMO DATABASE: sample pupils, and accounts whose password is published. Never put real data in it.",
          `Demo accounts (password "${DEMO_PASSWORD}"):`,
        );
        for (const a of accounts)
          lines.push(`  ${a.role.padEnd(18)} ${a.email.padEnd(32)} ${a.name}`);
        lines.push(
          "  (every form has a tutor account: tutor.7a@northfield.example ... tutor.11e@northfield.example,",
          "   tutor.1r@riverside-primary.example ... tutor.6w@riverside-primary.example, tutor.7k@brookhouse.example ... tutor.11k@brookhouse.example)",
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
