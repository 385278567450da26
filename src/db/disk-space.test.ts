/**
 * data_dir's free space against disk.min_free_mb, with an injected measurement: the reason names
 * free and needed MB, an upload counts toward the need, the answer is cached for at most the ttl,
 * an unmeasurable dir is not "full", and start-up failures that are really a full disk become the
 * one start-up line while other failures pass through untouched.
 */
import { describe, expect, test } from "bun:test";
import { KonstructError } from "../errors.ts";
import { diskFullSaysSo, diskSpace, MB, requireSpace, statfsFree } from "./disk-space.ts";

describe("diskSpace", () => {
  test("below the minimum, or an upload that would take it below, is a shortage with both numbers", () => {
    const disk = diskSpace("/data", 64, () => 100 * MB);
    expect(disk.shortage()).toBeNull();
    expect(disk.shortage(30 * MB)).toBeNull();
    expect(disk.shortage(40 * MB)).toBe("not enough disk space: 100 MB free, need 104 MB");
    expect(diskSpace("/data", 64, () => 10 * MB).shortage()).toBe("not enough disk space: 10 MB free, need 64 MB");
    const e = (() => {
      try {
        requireSpace(diskSpace("/data", 64, () => 10 * MB));
      } catch (err) {
        return err as KonstructError;
      }
    })();
    expect(e).toBeInstanceOf(KonstructError);
    expect(e!.status).toBe(507);
    expect(e!.code).toBe("insufficient_storage");
  });

  test("measures at most once per ttl", async () => {
    let calls = 0;
    let free = 10 * MB;
    const disk = diskSpace("/data", 64, () => (calls++, free), 50);
    for (let i = 0; i < 100; i++) disk.shortage();
    expect(calls).toBe(1);
    free = 100 * MB;
    expect(disk.shortage()).not.toBeNull();
    await Bun.sleep(60);
    expect(disk.shortage()).toBeNull();
    expect(calls).toBe(2);
  });

  test("an unmeasurable dir is not full; the real statfs answers for this machine's tmp", () => {
    const disk = diskSpace("/nonexistent", 64, () => {
      throw new Error("ENOENT");
    });
    expect(disk.free()).toBe(Infinity);
    expect(disk.shortage()).toBeNull();
    expect(statfsFree("/tmp")).toBeGreaterThan(0);
  });
});

describe("diskFullSaysSo", () => {
  const full = diskSpace("/srv/konstruct", 64, () => 3 * MB);
  const line = "data_dir /srv/konstruct has 3 MB free; at least 64 MB needed (disk.min_free_mb)";

  test("ENOSPC or a wasm abort on a nearly full disk become the one start-up line", async () => {
    const enospc = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    await expect(diskFullSaysSo(full, () => Promise.reject(enospc))).rejects.toThrow(line);
    const abort = new WebAssembly.RuntimeError("Aborted(). Build with -sASSERTIONS for more info.");
    const wrapped = new KonstructError("db_unavailable", "could not open the embedded database", { cause: abort });
    const e = await diskFullSaysSo(full, () => Promise.reject(wrapped)).catch((x) => x as KonstructError);
    expect(e.code).toBe("insufficient_storage");
    expect(e.message).toBe(line);
  });

  test("other failures, and an abort with plenty of room, pass through", async () => {
    const roomy = diskSpace("/srv/konstruct", 64, () => 10_000 * MB);
    const abort = new WebAssembly.RuntimeError("unreachable");
    await expect(diskFullSaysSo(roomy, () => Promise.reject(abort))).rejects.toBe(abort);
    const other = new KonstructError("config_invalid", "database unreachable");
    await expect(diskFullSaysSo(full, () => Promise.reject(other))).rejects.toBe(other);
    expect(await diskFullSaysSo(full, async () => 7)).toBe(7);
  });
});
