/**
 * A backup taken from a serving process: `konstruct backup` runs as its own process (as an operator
 * would), finds the data dir held by the server and gets the archive over the control socket while
 * HTTP requests and tenant writes are in flight; the archive restores and serves a consistent state
 * (every message committed before the backup began, none half-written).
 */
import { afterAll, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { eq } from "drizzle-orm";
import { cli, configFile, readBack, seed, started } from "../../test/support/backup.ts";
import { embeddedDataDir, tempDir } from "../../test/support/db.ts";
import { conversations, messages, tenants } from "../db/schema/index.ts";
import { controlSocketPath } from "./control.ts";

const work = tempDir("konstruct-backup-serving-");
afterAll(() => work.remove());

test("backup while serving (HTTP and writes in flight) produces a restorable archive", async () => {
  const source = await embeddedDataDir();
  const app = await started(source.path, { listen: true });
  let inserted = 0;
  let running = true;
  try {
    await seed(app, 1);
    // The socket is only for the service user: run/ 0700, the socket 0600.
    expect(statSync(join(source.path, "run")).mode & 0o777).toBe(0o700);
    expect(statSync(controlSocketPath(source.path)).mode & 0o777).toBe(0o600);
    const [acme] = await app.db.platform((tx) => tx.select().from(tenants).where(eq(tenants.slug, "acme")));
    const writes = (async () => {
      while (running) {
        await app.db.withTenant(acme!.id, async (tx) => {
          const [conv] = await tx.select().from(conversations);
          await tx.insert(messages).values({ tenantId: acme!.id, conversationId: conv!.id, role: "user", content: `in flight ${inserted}` });
        });
        inserted++;
        // PGlite answers without a macrotask turn: a tight loop would starve timers and sockets.
        await Bun.sleep(2);
      }
    })();
    let answered = 0;
    const requests = (async () => {
      while (running) {
        const res = await fetch(`http://127.0.0.1:${app.server!.port}/readyz`);
        if (res.status === 200) answered++;
      }
    })();
    await Bun.sleep(200);
    const before = inserted;
    const archive = join(work.path, "serving.tar.gz");
    const child = Bun.spawn(["bun", resolve(import.meta.dir, "../cli/main.ts"), "backup", "-c", configFile(work.path, source.path), "--out", archive, "--include-key"], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, out, err] = await Promise.all([child.exited, new Response(child.stdout).text(), new Response(child.stderr).text()]);
    const after = inserted;
    running = false;
    await Promise.all([writes, requests]);
    expect([code, err.split("\n").filter((l) => l && !l.includes("warning")).join("\n")]).toEqual([0, ""]);
    expect(out).toContain("taken from the running server");
    expect(after).toBeGreaterThan(before); // writes went on while the backup ran
    expect(answered).toBeGreaterThan(0);

    const target = join(work.path, "restored");
    expect((await cli("restore", archive, "-c", configFile(work.path, target))).code).toBe(0);
    const restored = await started(target, { tenants: false });
    try {
      const data = await readBack(restored);
      expect(data.globex).toEqual({ agent: "Ada of globex", secret: "globex-token-123", channel: "globex-channel", messages: 1 });
      expect(data.acme!.secret).toBe("acme-token-123");
      // Every write committed before the backup started is there; at most what committed by its end.
      expect(data.acme!.messages).toBeGreaterThanOrEqual(1 + before);
      expect(data.acme!.messages).toBeLessThanOrEqual(1 + after);
    } finally {
      await restored.stop();
    }
  } finally {
    running = false;
    await app.stop();
    source.remove();
  }
});
