/**
 * bench:pipeline — signed Slack events into the appliance (embedded database, from source) →
 * replies arriving at the Slack emulator, with an LLM mock that answers at once; and, in the same
 * run, a bare @slack/bolt echo app (verify + ack + chat.postMessage) against the same emulator.
 *
 * Phases per target: throughput (closed loop, CONCURRENCY requests in flight, until every reply
 * has arrived), latency (open loop at RATE msg/s; event POST → reply at the emulator). For the
 * appliance also memory: RSS after warm-up vs after MESSAGES messages in total (default 100k).
 *
 * Env: BENCH_MESSAGES (100000), BENCH_THROUGHPUT (10000), BENCH_RATE (200), BENCH_LATENCY_S (10).
 *
 * `--scenario conversation` runs the conversation scenario instead (pipeline-conversation.ts): the
 * same few chats with histories, through Telegram and Slack threads, against grammY and bolt echoes.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { signSlack } from "../src/channels/slack/verify.ts";
import { securityConfig } from "../test/support/outbound.ts";
import { topOfProfile } from "./profile-top.ts";
import { fail, freePort, memMB, percentile, printJsonLast, spawnReady, tempDir, withTimeout } from "./lib.ts";

if (process.argv.includes("--scenario")) {
  const scenario = process.argv[process.argv.indexOf("--scenario") + 1];
  if (scenario !== "conversation") fail(`unknown scenario ${JSON.stringify(scenario)} (known: conversation)`);
  await import("./pipeline-conversation.ts");
}
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const THROUGHPUT_N = Number(process.env.BENCH_THROUGHPUT ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const LATENCY_S = Number(process.env.BENCH_LATENCY_S ?? 10);
const CONCURRENCY = 64;
const root = join(import.meta.dir, "..");
const now = () => performance.timeOrigin + performance.now();

// ── peers ───────────────────────────────────────────────────────────────────────────────────
const peersProc = Bun.spawn(["bun", join(import.meta.dir, "pipeline-peers.ts")], { cwd: root, stdout: "pipe", stderr: "inherit" });
process.on("exit", () => peersProc.kill("SIGKILL"));
interface Workspace {
  apiUrl: string;
  botToken: string;
  botUserId: string;
  signingSecret: string;
  teamId: string;
  appId: string;
  channel: string;
  humanUserId: string;
}
const peers = JSON.parse(await withTimeout(firstLine(peersProc.stdout), 30_000, "peers did not start")) as {
  repliesUrl: string;
  llmUrl: string;
  bolt: Workspace;
  konstruct: Workspace;
};
interface Target {
  url: string;
  ws: Workspace;
}

let seq = 0;
const sent = new Map<string, number>();
const arrived = new Map<string, number>();
async function drainReplies() {
  const list = (await (await fetch(peers.repliesUrl)).json()) as [string, number][];
  for (const [ts, at] of list) if (!arrived.has(ts)) arrived.set(ts, at);
}

/** One signed app_mention; its ts (unique) is the thread the reply must land in. */
async function sendEvent({ url, ws }: Target): Promise<void> {
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
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-slack-request-timestamp": String(stamp), "x-slack-signature": signSlack(ws.signingSecret, stamp, body) },
    body,
  });
  if (res.status !== 200) fail(`event ${n} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

async function waitForReplies(keys: string[], ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    await drainReplies();
    const missing = keys.filter((k) => !arrived.has(k)).length;
    if (!missing) return;
    if (Date.now() > until) fail(`${missing} of ${keys.length} replies never arrived`);
    await Bun.sleep(20);
  }
}

/** Closed loop: `n` events, CONCURRENCY in flight; msgs/s = n / (first send → last reply). */
async function throughput(target: Target, n: number) {
  let next = 0;
  const t0 = now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < n) await sendEvent(target);
  }));
  const keys = [...sent.keys()].slice(-n);
  await waitForReplies(keys, 120_000);
  const last = Math.max(...keys.map((k) => arrived.get(k)!));
  return Math.round(n / ((last - t0) / 1000));
}

/** Open loop at RATE msg/s for LATENCY_S seconds; event POST → reply at the emulator. */
async function latency(target: Target) {
  const n = RATE * LATENCY_S;
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    inflight.push(sendEvent(target));
  }
  await Promise.all(inflight);
  const keys = [...sent.keys()].slice(-n);
  await waitForReplies(keys, 60_000);
  const lat = keys.map((k) => arrived.get(k)! - sent.get(k)!);
  return { p50: round(percentile(lat, 50)), p99: round(percentile(lat, 99)) };
}

const round = (x: number) => Math.round(x * 10) / 10;

// ── baseline: bare bolt echo app ────────────────────────────────────────────────────────────
const boltPort = freePort();
const boltLog = join(tempDir("bolt"), "bolt.log");
const boltUrl = `http://127.0.0.1:${boltPort}/slack/events`;
const bolt = Bun.spawn(["bun", join(import.meta.dir, "bolt-echo.ts")], {
  cwd: root,
  env: { ...process.env, PORT: String(boltPort), BOT_TOKEN: peers.bolt.botToken, SIGNING_SECRET: peers.bolt.signingSecret, SLACK_API_URL: peers.bolt.apiUrl },
  stdout: Bun.file(boltLog),
  stderr: Bun.file(boltLog),
});
process.on("exit", () => bolt.kill("SIGKILL"));
await withTimeout(
  (async () => {
    for (;;) {
      const ok = await fetch(boltUrl, { method: "POST" }).then((r) => r.status > 0, () => false);
      if (ok) return;
      await Bun.sleep(50);
    }
  })(),
  30_000,
  "bolt echo app did not start",
);
console.log("baseline: bare @slack/bolt echo app");
const boltTarget = { url: boltUrl, ws: peers.bolt };
await throughput(boltTarget, 2000); // warm-up
const boltRate = await throughput(boltTarget, THROUGHPUT_N);
const boltLatency = await latency(boltTarget);
console.log(`  throughput ${boltRate} msg/s; latency at ${RATE} msg/s p50 ${boltLatency.p50} ms, p99 ${boltLatency.p99} ms`);
bolt.kill("SIGTERM");

// ── the appliance ───────────────────────────────────────────────────────────────────────────
const dir = tempDir("pipeline");
const port = freePort();
const config = join(dir, "konstruct.config.yaml");
writeFileSync(
  config,
  JSON.stringify({
    data_dir: join(dir, "data"),
    server: { host: "127.0.0.1", port },
    // The emulators listen on loopback, which the SSRF guard refuses unless allowed.
    security: securityConfig,
    log: { level: "info" },
    llm: { providers: [{ id: "mock", kind: "openai", base_url: peers.llmUrl, max_concurrency: 256 }] },
    limits: { tenant: { capacity: 1_000_000_000, refill_per_sec: 1e9 }, connection: { capacity: 1_000_000_000, refill_per_sec: 1e9 }, user: { capacity: 1_000_000_000, refill_per_sec: 1e9 } },
    tenants: [
      {
        slug: "bench",
        name: "Bench",
        agents: [
          {
            slug: "ada",
            name: "Ada",
            models: ["mock/gpt-bench"],
            channels: [{ kind: "slack", name: "slack", bot_token: peers.konstruct.botToken, signing_secret: peers.konstruct.signingSecret, api_url: peers.konstruct.apiUrl, team_id: peers.konstruct.teamId }],
          },
        ],
      },
    ],
  }),
);
const appLog = join(dir, "konstruct.log");
// `--profile`: the app runs under Bun's --cpu-prof (markdown); the top of the profile is printed at the end.
const profDir = join(dir, "profile");
const profFlags = process.argv.includes("--profile") ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profDir}`] : [];
const { proc } = await spawnReady({ cmd: ["bun", ...profFlags, join(root, "src/cli/main.ts"), "serve", "-c", config], cwd: dir, env: { ...process.env } as Record<string, string>, url: `http://127.0.0.1:${port}/readyz`, log: appLog, timeoutMs: 60_000 });
const channelId = await withTimeout(
  (async () => {
    for (;;) {
      const m = (await Bun.file(appLog).text()).match(/"channel":"([0-9a-f-]{36})".*"msg":"channel connection started"/);
      if (m) return m[1]!;
      await Bun.sleep(50);
    }
  })(),
  30_000,
  "slack connection did not start",
);
const identifyFrom = Date.now();
// Events are refused (503) until auth.test has told the connection who it is.
await withTimeout(
  (async () => {
    while (!(await Bun.file(appLog).text()).includes('"msg":"slack identity"')) {
      if (Date.now() - identifyFrom > 25_000) fail(`slack connection did not identify itself; log tail:\n${(await Bun.file(appLog).text()).split("\n").slice(-8).join("\n")}`);
      await Bun.sleep(50);
    }
  })(),
  30_000,
  "slack connection did not identify itself",
);
const appTarget = { url: `http://127.0.0.1:${port}/hooks/slack/${channelId}`, ws: peers.konstruct };
console.log("konstruct: embedded database, full pipeline (inbox, limits, agent turn, usage, audit, outbox)");
await throughput(appTarget, 2000); // warm-up
await Bun.sleep(1000);
const rssWarm = memMB(proc.pid).rss;
const appRate = await throughput(appTarget, THROUGHPUT_N);
const appLatency = await latency(appTarget);
console.log(`  throughput ${appRate} msg/s; latency at ${RATE} msg/s p50 ${appLatency.p50} ms, p99 ${appLatency.p99} ms`);
// Memory: the appliance alone takes MESSAGES messages in all (warm-up and phases above included),
// in batches small enough for the emulator, which slows down as its message list grows.
const remaining = MESSAGES - (2000 + THROUGHPUT_N + RATE * LATENCY_S);
const series: number[] = [];
if (remaining > 0) {
  console.log(`  memory: ${remaining} more messages (${MESSAGES} in all)…`);
  for (let done = 0; done < remaining; done += 2000) {
    await throughput(appTarget, Math.min(2000, remaining - done));
    // The trend, not two points: a leak keeps climbing, the allocators' high-water mark levels off.
    if ((done + 2000) % 20_000 === 0) series.push(round(memMB(proc.pid).rss));
  }
  console.log(`  RSS every 20,000 messages: ${series.join(", ")} MB`);
}
await Bun.sleep(2000);
const rssEnd = memMB(proc.pid).rss;
const growth = round(((rssEnd - rssWarm) / rssWarm) * 100);
console.log(`  RSS after warm-up ${round(rssWarm)} MB, after ${MESSAGES} messages ${round(rssEnd)} MB (${growth >= 0 ? "+" : ""}${growth}%)`);
proc.kill("SIGTERM");
await proc.exited;
if (profFlags.length) {
  const md = existsSync(profDir) ? readdirSync(profDir).find((f) => f.endsWith(".md")) : undefined;
  console.log(md ? `\ntop of the app's CPU profile (self time; ${join(profDir, md)}):\n${topOfProfile(readFileSync(join(profDir, md), "utf8"), 25)}` : `no profile written in ${profDir}`);
}

const ratio = Math.round((appRate / boltRate) * 100) / 100;
console.log(`\nratio konstruct / bare bolt echo: throughput ×${ratio}; p99 ${appLatency.p99} ms vs ${boltLatency.p99} ms`);
console.log(`targets: ≥ 1000 msg/s ${appRate >= 1000 ? "PASS" : "MISS"}, ≥ 0.5× echo ${ratio >= 0.5 ? "PASS" : "MISS"}, p99 ≤ 25 ms ${appLatency.p99 <= 25 ? "PASS" : "MISS"}, RSS growth < 10% ${growth < 10 ? "PASS" : "MISS"}`);
printJsonLast({
  bench: "pipeline",
  messages: MESSAGES,
  konstruct: { msgs_per_s: appRate, p50_ms: appLatency.p50, p99_ms: appLatency.p99, rss_warm_mb: round(rssWarm), rss_end_mb: round(rssEnd), rss_growth_pct: growth, rss_every_20k_mb: series },
  bolt_echo: { msgs_per_s: boltRate, p50_ms: boltLatency.p50, p99_ms: boltLatency.p99 },
  throughput_ratio: ratio,
  rate_msgs_per_s: RATE,
});
process.exit(0);

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  let buf = "";
  for await (const chunk of stream) {
    buf += new TextDecoder().decode(chunk);
    const nl = buf.indexOf("\n");
    if (nl >= 0) return buf.slice(0, nl);
  }
  return fail("peers exited before printing their addresses");
}
