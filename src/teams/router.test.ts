/**
 * The pre-route alone, with the real built-in embedding model: on the labelled set it never routes a
 * message to the wrong specialist and routes most of them; an ambiguous message and a failing
 * embedder route nothing (the coordinator's model decides).
 */
import { expect, test } from "bun:test";
import { testEmbedder } from "../../test/support/models.ts";
import { LABELLED, SPECIALISTS } from "./labelled.ts";
import { Router } from "./router.ts";

const candidates = Object.entries(SPECIALISTS).map(([agentId, description]) => ({ agentId, description }));

test("labelled set: clear cases routed, none wrong", async () => {
  const router = new Router(testEmbedder());
  let routed = 0;
  const wrong: string[] = [];
  for (const [msg, label] of LABELLED) {
    const d = await router.route(msg, candidates);
    if (!d) continue;
    routed++;
    if (d.agentId !== label) wrong.push(`${msg} → ${d.agentId}`);
    expect(d.score).toBeGreaterThanOrEqual(0.3);
    expect(d.margin).toBeGreaterThanOrEqual(0.1);
  }
  console.log(`pre-route: ${routed}/${LABELLED.length} routed without a model call, ${wrong.length} wrong`);
  expect(wrong).toEqual([]);
  expect(routed).toBeGreaterThanOrEqual(20);
  // Close to both HR and billing: left to the coordinator's model.
  expect(await router.route("When will I receive my payslip?", candidates)).toBeNull();
}, 60_000);

test("no candidates, an empty message or a failing embedder: no route", async () => {
  const router = new Router(testEmbedder());
  expect(await router.route("my laptop is broken", [])).toBeNull();
  expect(await router.route("   ", candidates)).toBeNull();
  const broken = new Router({ model: "x", embed: async () => Promise.reject(new Error("model missing")) });
  expect(await broken.route("my laptop is broken", candidates)).toBeNull();
});
