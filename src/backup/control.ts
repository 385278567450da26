/**
 * The serving process's local control path: HTTP over a unix socket at data_dir/run/control.sock.
 * The CLI cannot open an embedded database the server holds (PGlite is single-process), so
 * `konstruct backup` asks the server for the archive here. A unix socket rather than a loopback
 * port: it is reachable only through the file system, so the data dir's own permissions decide who
 * may use it (run/ is 0700, the socket 0600: the service user and root — who can read the data dir,
 * and so the database and key, anyway); no token to provision, nothing on the network, and another
 * local user or a container sharing the network namespace cannot reach it.
 * One backup at a time; a second request meanwhile is answered 409.
 */
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type * as Stream from "node:stream";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";

// node:stream costs ~3 MB resident once loaded: only a backup being streamed needs it.
const stream = () => require("node:stream") as typeof Stream;

/** sun_path holds 108 bytes on Linux (104 on macOS); a longer path cannot be bound. */
const MAX_SOCKET_PATH = 100;

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, "run", "control.sock");
}

export interface Control {
  stop(): void;
}

export function startControl(opts: { dataDir: string; db: Database; log: Logger }): Control | null {
  const path = controlSocketPath(opts.dataDir);
  if (path.length > MAX_SOCKET_PATH) {
    opts.log.warn({ path }, "data_dir path too long for the control socket; `konstruct backup` cannot run while serving (stop the server or use a shorter data_dir)");
    return null;
  }
  const fetch = backupHandler(opts);
  let server: ReturnType<typeof Bun.serve>;
  try {
    const dir = join(opts.dataDir, "run");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    // We hold data_dir/pg.lock, so a socket left here is a dead process's.
    rmSync(path, { force: true });
    server = Bun.serve({ unix: path, fetch });
    chmodSync(path, 0o600);
  } catch (e) {
    // Some file systems (network shares, some container volumes) hold no sockets: serve anyway.
    opts.log.warn({ err: e, path }, "control socket unavailable; `konstruct backup` needs the server stopped");
    return null;
  }
  opts.log.info({ path }, "control socket listening");
  return {
    stop() {
      server.stop(true);
      rmSync(path, { force: true });
    },
  };
}

/** GET /backup: the archive, streamed as it is written; one at a time. */
function backupHandler(opts: { dataDir: string; db: Database; log: Logger }): (req: Request) => Response {
  let busy = false;
  return (req) => {
    const url = new URL(req.url);
    if (req.method !== "GET" || url.pathname !== "/backup") return new Response("not found\n", { status: 404 });
    if (busy) return new Response("a backup is already running\n", { status: 409 });
    busy = true;
    const includeKey = url.searchParams.get("include_key") === "1";
    const body = new (stream().PassThrough)();
    const started = performance.now();
    // Loaded on first use: the archive code (tar, gzip) costs a serving process nothing until then.
    import("./backup.ts")
      .then(({ writeBackup }) => writeBackup(body, { db: opts.db, dataDir: opts.dataDir, includeKey }))
      .then(
        (m) => opts.log.info({ parts: m.parts.length, bytes: m.parts.reduce((n, p) => n + p.bytes, 0), includes_key: m.includes_key, ms: Math.round(performance.now() - started) }, "backup streamed over the control socket"),
        (e) => (opts.log.error({ err: e }, "backup over the control socket failed"), body.destroy(e as Error)),
      )
      .finally(() => (busy = false));
    return new Response(stream().Readable.toWeb(body) as ReadableStream, { headers: { "content-type": "application/gzip" } });
  };
}

/** The CLI's side: the archive as a stream, or null when no server answers on the socket. */
export async function fetchBackup(dataDir: string, includeKey: boolean): Promise<ReadableStream<Uint8Array> | null> {
  const path = controlSocketPath(dataDir);
  let res: Response;
  try {
    res = await fetch(`http://konstruct/backup${includeKey ? "?include_key=1" : ""}`, { unix: path });
  } catch {
    return null;
  }
  if (!res.ok || !res.body) throw new Error(`the server refused the backup: ${(await res.text()).trim()}`);
  return res.body;
}
