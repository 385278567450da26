/**
 * ScopeGate: an unscoped agent is never checked; a clear off-topic request comes back with the
 * agent's sentence and is counted; an embedding model that cannot be loaded (a real Embedder
 * pointed at an empty folder) lets the message through to the model and says so in the log.
 */
import { afterAll, expect, test } from "bun:test";
import pino from "pino";
import { Embedder } from "../embeddings/embedder.ts";
import { testEmbedder } from "../../test/support/models.ts";
import { tempDir } from "../../test/support/db.ts";
import { ScopeCheck } from "./check.ts";
import { ScopeGate } from "./gate.ts";

const scope = { business: "Claims desk of Safeguard Insurance: car, home and travel claims.", topics: ["reporting a claim", "claim status and payouts"], offTopicExamples: [], decline: { default: "Only insurance claims here, sorry." } };
const poem = [{ role: "user", content: "Write a little poem about my holiday in Spain" }];
const embedder = testEmbedder();
const dir = tempDir();
const missing = new Embedder({ modelsDir: dir.path, model: "nobody/no-such-model", dims: 0, allowRemote: false, batchSize: 8 });
afterAll(async () => (await embedder.close(), await missing.close(), dir.remove()));

test("unscoped: not checked; off-topic: the agent's sentence, counted", async () => {
  let counted = 0;
  const gate = new ScopeGate({ check: new ScopeCheck(embedder), log: pino({ level: "silent" }), declined: () => counted++ });
  expect(await gate.beforeModel({ id: "a1", scope: null }, poem)).toBeNull();
  expect(counted).toBe(0);
  const d = await gate.beforeModel({ id: "a1", scope }, poem);
  expect(d).toMatchObject({ text: "Only insurance claims here, sorry.", verdict: { decision: "decline" } });
  expect(counted).toBe(1);
  expect(await gate.beforeModel({ id: "a1", scope }, [{ role: "user", content: "My car was damaged in a hailstorm, how do I claim?" }])).toBeNull();
  expect(counted).toBe(1);
}, 60_000);

test("an embedding model that cannot load never blocks a conversation, and is logged", async () => {
  const lines: string[] = [];
  const gate = new ScopeGate({ check: new ScopeCheck(missing), log: pino({ level: "warn" }, { write: (l: string) => void lines.push(l) }) });
  expect(await gate.beforeModel({ id: "a1", scope }, poem)).toBeNull();
  expect(lines.join("")).toContain("scope check skipped: embedding model unavailable");
}, 60_000);
