import { createApp } from "../../app/create-app.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

export const serve: Command = {
  name: "serve",
  usage: `Usage: konstruct serve [options]

Starts Konstruct: opens the database (embedded unless database.url is set), applies pending
migrations under an advisory lock, upserts the tenants/agents/channels declared in the config,
and serves HTTP. SIGTERM/SIGINT stop it gracefully.

Options:
      --no-migrate    refuse to start on a stale schema instead of migrating
${COMMON_USAGE}`,
  async run(argv) {
    const { values } = parse(argv, { "no-migrate": { type: "boolean" } });
    if (values.help) return console.log(this.usage), 0;
    const { config, source } = load(values.config);
    const app = createApp(config, { autoMigrate: !values["no-migrate"] });
    app.log.info({ config: source ?? "built-in defaults" }, "starting konstruct");
    await app.start();
    // Compiling PGlite's wasm frees tens of MB that the allocator keeps committed. Bun.shrink() (a
    // full GC, start-up's compiled code dropped, free pages handed back to the OS) returns ~6 MB of
    // idle RSS. Here, once, and not in createApp: tests start hundreds of apps in one process.
    Bun.shrink();
    const done = Promise.withResolvers<number>();
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, "shutting down");
      app.stop().then(() => done.resolve(0), (e) => (app.log.error({ err: e }, "shutdown failed"), done.resolve(1)));
    };
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    process.on("SIGINT", () => shutdown("SIGINT"));
    return done.promise;
  },
};
