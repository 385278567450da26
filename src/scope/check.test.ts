/**
 * The local scope check with the repository's real embedding model (models/). The measured set
 * (fixtures/labelled.ts MEASURED: a dentist, a bike shop, an insurance claims desk) was never used
 * to choose the thresholds (TUNING was): its precision/recall of "off-topic" are printed and held
 * to floors. Short, non-English and follow-up messages pass to the model.
 */
import { afterAll, expect, test } from "bun:test";
import { testEmbedder } from "../../test/support/models.ts";
import { GENERIC_OFF_TOPIC, SMALL_TALK } from "./anchors.ts";
import { MARGIN, OFF_MIN, ScopeCheck } from "./check.ts";
import { MEASURED, TUNING } from "./fixtures/labelled.ts";
import { measure, scoreAll } from "./fixtures/tune.ts";

const embedder = testEmbedder();
const check = new ScopeCheck(embedder);
afterAll(() => embedder.close());
const dentist = MEASURED[0]!.scope;

test("the measured set is its own: ≥ 3 businesses, ≥ 25 on- and off-topic, none shared with tuning or the anchors", () => {
  const cases = MEASURED.flatMap((b) => b.cases);
  expect(MEASURED.length).toBeGreaterThanOrEqual(3);
  expect(cases.filter((c) => c.offTopic).length).toBeGreaterThanOrEqual(25);
  expect(cases.filter((c) => !c.offTopic).length).toBeGreaterThanOrEqual(25);
  const elsewhere = new Set([...TUNING.flatMap((b) => b.cases.map((c) => c.text)), ...GENERIC_OFF_TOPIC, ...SMALL_TALK].map((t) => t.toLowerCase()));
  expect(cases.filter((c) => elsewhere.has(c.text.toLowerCase()))).toEqual([]);
  expect(MEASURED.filter((b) => TUNING.some((t) => t.scope.business === b.scope.business))).toEqual([]);
});

test("off-topic detection on the measured set: precision ≥ 0.9, recall ≥ 0.7 (printed)", async () => {
  const scores = await scoreAll(check, MEASURED);
  const m = measure(scores, OFF_MIN, MARGIN);
  const wrong = scores.filter((s) => (s.on !== null && s.off !== null && s.off >= OFF_MIN && s.off - s.on >= MARGIN) !== s.offTopic);
  console.log(
    `scope check, measured set (${scores.filter((s) => s.offTopic).length} off-topic, ${scores.filter((s) => !s.offTopic).length} on-topic): ` +
      `precision ${m.precision.toFixed(3)} recall ${m.recall.toFixed(3)} (tp ${m.tp} fp ${m.fp} fn ${m.fn})` +
      (wrong.length ? `\n  ${wrong.map((s) => `${s.offTopic ? "missed" : "false alarm"} (on ${s.on ?? "-"}, off ${s.off ?? "-"}): ${s.text}`).join("\n  ")}` : ""),
  );
  expect(m.precision).toBeGreaterThanOrEqual(0.9);
  expect(m.recall).toBeGreaterThanOrEqual(0.7);
  const tuning = measure(await scoreAll(check, TUNING), OFF_MIN, MARGIN);
  console.log(`scope check, tuning set: precision ${tuning.precision.toFixed(3)} recall ${tuning.recall.toFixed(3)}`);
}, 60_000);

test("greetings, thanks and short follow-ups pass without scoring; a clear request is declined with its nearest anchor", async () => {
  for (const text of ["hi", "thanks!", "ok, Friday then", "and the price?"]) expect(await check.verdict(dentist, [{ role: "user", content: text }])).toEqual({ decision: "pass", reason: "short" });
  const v = await check.verdict(dentist, [{ role: "user", content: "Please write a funny poem about my cat" }]);
  expect(v).toMatchObject({ decision: "decline", reason: "scored" });
  expect(v.offTopic! - v.onTopic!).toBeGreaterThanOrEqual(MARGIN);
  expect(v.nearest).toMatch(/poem|song|story|rap/i);
}, 60_000);

test("a message the English-only model cannot judge goes to the model", async () => {
  expect(await check.verdict(dentist, [{ role: "user", content: "Schreib mir bitte ein Gedicht über den Herbst" }])).toEqual({ decision: "pass", reason: "language" });
  for (const text of [
    "Напиши мне стихотворение про осень",
    "Ich habe ein Problem mit meinem Termin in Berlin",
    "Quiero una cita para mi hijo a las cinco",
    "Posso prenotare una visita per domani a pranzo",
    "Kan jeg bestille time i morgen",
  ])
    expect(await check.verdict(dentist, [{ role: "user", content: text }])).toEqual({ decision: "pass", reason: "language" });
});

test("the agent's own off-topic examples are declined; its previous reply makes a follow-up on-topic", async () => {
  const text = "Can you tell me which toothpaste brand is the cheapest at the supermarket?";
  const before = await check.verdict(dentist, [{ role: "user", content: text }]);
  expect(before.decision).toBe("pass");
  const own = { ...dentist, offTopicExamples: ["Compare supermarket prices of toothpaste brands"] };
  expect((await check.verdict(own, [{ role: "user", content: text }])).decision).toBe("decline");
  const followUp = "How long should I wait before eating after that?";
  const alone = await check.verdict(dentist, [{ role: "user", content: followUp }]);
  const after = await check.verdict(dentist, [
    { role: "user", content: "I just had a filling done" },
    { role: "assistant", content: "Your new filling needs a little care: avoid chewing on that side and skip hot drinks for now." },
    { role: "user", content: followUp },
  ]);
  expect(after.decision).toBe("pass");
  expect(after.onTopic!).toBeGreaterThan(alone.onTopic!);
  // An ongoing on-topic conversation does not let a clear off-topic request through.
  const midway = await check.verdict(dentist, [
    { role: "user", content: "I just had a filling done" },
    { role: "assistant", content: "Your new filling needs a little care: avoid chewing on that side and skip hot drinks for now." },
    { role: "user", content: "Cool. Now write me a Python script that downloads YouTube videos" },
  ]);
  expect(midway.decision).toBe("decline");
}, 60_000);
