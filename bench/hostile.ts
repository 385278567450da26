/**
 * bench:hostile — the appliance (from source, embedded database, real embedding model) answering
 * chat while it is attacked. Chat = signed Slack events → replies at the Slack emulator, with an
 * LLM mock that answers at once (pipeline-peers.ts), open loop at RATE msg/s.
 *
 *   idle:    chat latency for PHASE_S seconds
 *   hostile: the same chat load while, at once, a signed-in admin uploads UPLOADS 20 MB documents
 *            (HTML pages: ~300 KB of prose, the rest inline script) and a 1.5 MB DOCX decompression
 *            bomb, and ANON anonymous clients each start a 50 MB upload; /healthz is polled every
 *            20 ms and the server's RSS every 50 ms, until the attack is over and the uploads embedded.
 *            The attackers run in a process of their own (hostile-attack.ts), so their buffers and
 *            writes cannot stall the clock that measures the server.
 *
 * Targets: chat p99 ≤ 3 × idle p99, /healthz ≤ 100 ms, server RSS ≤ 600 MB. Last line: JSON.
 * Env: BENCH_RATE (20), BENCH_PHASE_S (20), BENCH_UPLOADS (3), BENCH_ANON (100), KTEST_MODELS_DIR.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { signSlack } from "../src/channels/slack/verify.ts";
import { MODELS_DIR, TEST_MODEL } from "../test/support/models.ts";
import { securityConfig } from "../test/support/outbound.ts";
import { fail, freePort, memMB, percentile, printJsonLast, spawnReady, tempDir, withTimeout } from "./lib.ts";
import { topOfProfile } from "./profile-top.ts";

const RATE = Number(process.env.BENCH_RATE ?? 20);
// 20 s at 20 msg/s: 400 idle replies, so the idle p99 is not the one or two slowest of a handful.
const PHASE_S = Number(process.env.BENCH_PHASE_S ?? 20);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 3);
const ANON = Number(process.env.BENCH_ANON ?? 100);
const MB = 1024 * 1024;
const root = join(import.meta.dir, "..");
const now = () => performance.timeOrigin + performance.now();
const round = (x: number) => Math.round(x * 10) / 10;

// ── peers and the appliance ─────────────────────────────────────────────────────────────────
const peersProc = Bun.spawn(["bun", join(import.meta.dir, "pipeline-peers.ts")], { cwd: root, stdout: "pipe", stderr: "inherit" });
process.on("exit", () => peersProc.kill("SIGKILL"));
const peersLine = await withTimeout(new Response(peersProc.stdout).body!.getReader().read(), 30_000, "peers did not start");
const peers = JSON.parse(new TextDecoder().decode(peersLine.value).split("\n")[0]!) as {
  repliesUrl: string;
  llmUrl: string;
  konstruct: { apiUrl: string; botToken: string; botUserId: string; signingSecret: string; teamId: string; appId: string; channel: string; humanUserId: string };
};
const ws = peers.konstruct;

const dir = tempDir("hostile");
const port = freePort();
const base = `http://127.0.0.1:${port}`;
const config = join(dir, "konstruct.config.yaml");
writeFileSync(
  config,
  JSON.stringify({
    data_dir: join(dir, "data"),
    server: { host: "127.0.0.1", port },
    log: { level: "info" },
    security: securityConfig,
    embeddings: { models_dir: MODELS_DIR, model: TEST_MODEL },
    llm: { providers: [{ id: "mock", kind: "openai", base_url: peers.llmUrl, max_concurrency: 256 }] },
    limits: { tenant: { capacity: 1e9, refill_per_sec: 1e9 }, connection: { capacity: 1e9, refill_per_sec: 1e9 }, user: { capacity: 1e9, refill_per_sec: 1e9 } },
    tenants: [
      {
        slug: "bench",
        name: "Bench",
        agents: [{ slug: "ada", name: "Ada", models: ["mock/gpt-bench"], channels: [{ kind: "slack", name: "slack", bot_token: ws.botToken, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId }] }],
      },
    ],
  }),
);
const cli = ["bun", join(root, "src/cli/main.ts")];
const PASSWORD = "bench hostile correct horse";
const appLog = join(dir, "konstruct.log");
// Before serving: the embedded database admits one process at a time.
const admin = Bun.spawn([...cli, "admin", "create", "-c", config, "--email", "root@bench.test", "--password-file", "-"], { cwd: dir, stdin: new TextEncoder().encode(PASSWORD), stdout: "ignore", stderr: "pipe" });
if ((await admin.exited) !== 0) fail(`admin create: ${await new Response(admin.stderr).text()}`);
// `--profile`: the server runs under Bun's --cpu-prof (markdown); the top of the profile is printed at the end.
const profDir = join(dir, "profile");
const profFlags = process.argv.includes("--profile") ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profDir}`] : [];
const { proc } = await spawnReady({ cmd: ["bun", ...profFlags, ...cli.slice(1), "serve", "-c", config], cwd: dir, env: { ...process.env } as Record<string, string>, url: `${base}/readyz`, log: appLog, timeoutMs: 90_000 });
const channelId = await withTimeout(
  (async () => {
    for (;;) {
      const m = (await Bun.file(appLog).text()).match(/"channel":"([0-9a-f-]{36})".*"msg":"channel connection started"/);
      if (m && (await Bun.file(appLog).text()).includes('"msg":"slack identity"')) return m[1]!;
      await Bun.sleep(50);
    }
  })(),
  30_000,
  "slack connection did not start",
);
const eventsUrl = `${base}/hooks/slack/${channelId}`;

// ── a signed-in admin (cookie jar + CSRF token, as a browser) ──────────────────────────────
const jar = new Map<string, string>();
async function browse(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
  const res = await fetch(base + path, { ...init, headers, redirect: "manual" });
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const i = pair!.indexOf("=");
    jar.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
  return res;
}
const csrfOf = (html: string) => (/name="_csrf" value="([^"]+)"/.exec(html) ?? /X-CSRF-Token&#34;:&#34;([^&]+)&#34;/.exec(html) ?? fail("no CSRF token"))[1]!;
let csrf = csrfOf(await (await browse("/login")).text());
const login = await browse("/login", { method: "POST", body: new URLSearchParams({ email: "root@bench.test", password: PASSWORD, _csrf: csrf }) });
if (login.status !== 303) fail(`sign-in failed: ${login.status}`);
csrf = csrfOf(await (await browse("/admin")).text());

// ── chat load ───────────────────────────────────────────────────────────────────────────────
let seq = 0;
let resets = 0;
const sent = new Map<string, number>();
const arrived = new Map<string, number>();
async function sendEvent(): Promise<string> {
  const n = ++seq;
  const ts = `${1_700_000_000 + Math.floor(n / 1_000_000)}.${String(n % 1_000_000).padStart(6, "0")}`;
  const body = JSON.stringify({
    token: "x",
    team_id: ws.teamId,
    api_app_id: ws.appId,
    type: "event_callback",
    event_id: `Ev${n.toString(36).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: "app_mention", user: ws.humanUserId, text: `<@${ws.botUserId}> question ${n}`, ts, channel: ws.channel, event_ts: ts },
  });
  const stamp = Math.floor(Date.now() / 1000);
  sent.set(ts, now());
  const post = () => fetch(eventsUrl, { method: "POST", headers: { "content-type": "application/json", "x-slack-request-timestamp": String(stamp), "x-slack-signature": signSlack(ws.signingSecret, stamp, body) }, body });
  // A pooled keep-alive connection the server has just closed resets; Slack retries too.
  const res = await post().catch(() => (resets++, post())).catch((e) => fail(`event ${n}: ${e.message}`));
  if (res.status !== 200) fail(`event ${n} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  return ts;
}
async function waitForReplies(keys: string[], ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    for (const [ts, at] of (await (await fetch(peers.repliesUrl)).json()) as [string, number][]) if (!arrived.has(ts)) arrived.set(ts, at);
    const missing = keys.filter((k) => !arrived.has(k)).length;
    if (!missing) return;
    if (Date.now() > until) fail(`${missing} of ${keys.length} replies never arrived`);
    await Bun.sleep(20);
  }
}
/** Open loop at RATE msg/s until `until()` is true (at least `minS` seconds); reply latencies. */
async function chat(until: () => boolean, minS = PHASE_S) {
  const t0 = performance.now();
  const keys: Promise<string>[] = [];
  for (let i = 0; ; i++) {
    const due = t0 + (i * 1000) / RATE;
    if (due - t0 >= minS * 1000 && until()) break;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    keys.push(sendEvent());
  }
  const ts = await Promise.all(keys);
  await waitForReplies(ts, 60_000);
  const lat = ts.map((k) => arrived.get(k)! - sent.get(k)!);
  return { n: lat.length, p50: round(percentile(lat, 50)), p99: round(percentile(lat, 99)) };
}

// ── run ─────────────────────────────────────────────────────────────────────────────────────
await chat(() => true, 5); // warm-up (model loads on first kb use; the LLM path on the first turn)
const idleRss = memMB(proc.pid).rss;
const idle = await chat(() => true);
console.log(`idle: chat p50 ${idle.p50} ms, p99 ${idle.p99} ms (${idle.n} replies); RSS ${Math.round(idleRss)} MB`);

let peakRss = idleRss;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, memMB(proc.pid).rss)), 50);
let healthMax = 0;
let healthPolls = 0;
let attacking = true;
const health = (async () => {
  while (attacking) {
    const t0 = performance.now();
    const res = await fetch(`${base}/healthz`).catch((e) => fail(`/healthz: ${e.message}`));
    await res.arrayBuffer();
    if (res.status !== 200) fail(`/healthz answered ${res.status}`);
    healthMax = Math.max(healthMax, performance.now() - t0);
    healthPolls++;
    await Bun.sleep(20);
  }
})();
const embedded = async () => {
  for (let i = 0; ; i++) {
    const res = await browse("/api/v1/kb/bench/documents");
    const { documents } = (await res.json()) as { documents: { filename: string; status: string; progress: number; error: string | null }[] };
    if (documents.every((d) => d.status === "ready" || d.status === "failed")) return documents;
    if (i % 50 === 0) console.log(`  ${documents.map((d) => `${d.filename} ${d.status} ${d.progress}%${d.error ? ` (${d.error})` : ""}`).join("; ")}`);
    await Bun.sleep(200);
  }
};
let attackDone = false;
const t0 = performance.now();
// The attackers run in a process of their own: their 20 MB buffers and socket writes must not
// stall this process's clock, or the latencies measured here would be the client's, not the server's.
const attack = (async () => {
  const job = { base, port, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "), csrf, uploads: UPLOADS, anon: ANON };
  const attacker = Bun.spawn(["bun", join(import.meta.dir, "hostile-attack.ts")], { cwd: root, env: { ...process.env, BENCH_ATTACK: JSON.stringify(job) }, stdout: "pipe", stderr: "inherit" });
  const out = await new Response(attacker.stdout).text();
  if ((await attacker.exited) !== 0) fail("the attacker process failed");
  const { anonStatus, uploadStatus, resets: attackResets } = JSON.parse(out.trim().split("\n").at(-1)!) as { anonStatus: number[]; uploadStatus: number[]; resets: number };
  resets += attackResets;
  const docs = await withTimeout(embedded(), 600_000, "uploads were not embedded in 10 minutes");
  attackDone = true;
  return { anonStatus, uploadStatus, docs };
})();
const hostile = await chat(() => attackDone);
const { anonStatus, uploadStatus, docs } = await attack;
const attackS = round((performance.now() - t0) / 1000);
attacking = false;
await health;
clearInterval(rssTimer);
const refused = anonStatus.filter((s) => s === 413 || s === 401).length;
console.log(`hostile (${attackS} s): chat p50 ${hostile.p50} ms, p99 ${hostile.p99} ms (${hostile.n} replies); /healthz max ${round(healthMax)} ms over ${healthPolls} polls; peak RSS ${Math.round(peakRss)} MB`);
console.log(`  uploads ${uploadStatus.join(",")} → ${docs.map((d) => d.status).join(",")}; anonymous 50 MB posts refused ${refused}/${anonStatus.length}`);

if (profFlags.length) {
  proc.kill("SIGTERM");
  await proc.exited;
  const md = existsSync(profDir) ? readdirSync(profDir).find((f) => f.endsWith(".md")) : undefined;
  console.log(md ? `\ntop of the server's CPU profile (self time; ${join(profDir, md)}):\n${topOfProfile(readFileSync(join(profDir, md), "utf8"), 30)}` : `no profile written in ${profDir}`);
}
const ratio = round(hostile.p99 / idle.p99);
printJsonLast({
  bench: "hostile",
  idle: { p50_ms: idle.p50, p99_ms: idle.p99, rss_mb: Math.round(idleRss) },
  hostile: { p50_ms: hostile.p50, p99_ms: hostile.p99, replies: hostile.n, seconds: attackS },
  p99_ratio: ratio,
  healthz_max_ms: round(healthMax),
  peak_rss_mb: Math.round(peakRss),
  anonymous_refused: refused,
  connection_resets: resets,
  uploads: uploadStatus,
  documents: docs.map((d) => d.status),
  pass: { p99: ratio <= 3, healthz: healthMax <= 100, rss: peakRss <= 600, refused: refused === ANON },
});
process.exit(0);
