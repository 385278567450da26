/**
 * Inbound events in a real /metrics scrape, on both databases: messages through a channel (a
 * recording adapter in place of Telegram) count as arrivals by kind and outcome — a redelivery as
 * `duplicate` — and as finished events by status; each reply answered is one reply_seconds sample
 * and each model request one llm_attempts_total, failed ones with ok="false".
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestApp, type TestApp } from "../../test/support/app.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { inbound, RecordingChannel } from "../../test/support/recording-channel.ts";

describe.each(DB_KINDS)("inbound event metrics on %s Postgres", (kind) => {
  let llm: LlmMock;
  let t: TestApp;
  let channel: RecordingChannel | null = null;

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.on({ model: "broken" }, { status: 500 });
    llm.on({ model: "m" }, { text: "fine" });
    t = await startTestApp(
      kind,
      {
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: "sk-x" }] },
        tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/broken", "mock/m"], channels: [{ kind: "telegram", name: "tg", bot_token: "123:abc" }] }] }],
      },
      { adapters: { telegram: () => (channel = new RecordingChannel()) } },
    );
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
    await llm?.stop();
  });

  const value = (body: string, series: string) => {
    const line = body.split("\n").find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  test("arrivals by kind and outcome, finished events, reply latency and model attempts", async () => {
    const first = inbound("hello", "c1");
    await channel!.sink!(first);
    await channel!.sink!({ ...first });
    await channel!.sink!(inbound("again", "c2"));
    await t.app.gateway.pipeline.idle();
    expect(channel!.sent.map((m) => m.text)).toEqual(["fine", "fine"]);
    const body = await (await t.app.http.handle(new Request("http://localhost/metrics"))).text();
    expect(value(body, 'konstruct_inbound_events_total{kind="telegram",outcome="new"}')).toBe(2);
    expect(value(body, 'konstruct_inbound_events_total{kind="telegram",outcome="duplicate"}')).toBe(1);
    expect(value(body, 'konstruct_events_finished_total{status="done"}')).toBe(2);
    expect(value(body, "konstruct_reply_seconds_count")).toBe(2);
    expect(value(body, "konstruct_reply_seconds_sum")).toBeGreaterThan(0);
    // Each turn: the broken link first (a 500), then the working one.
    expect(value(body, 'konstruct_llm_attempts_total{provider="mock",ok="false"}')).toBe(2);
    expect(value(body, 'konstruct_llm_attempts_total{provider="mock",ok="true"}')).toBe(2);
  }, 60_000);
});
