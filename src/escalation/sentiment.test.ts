/**
 * The sentiment scorer against a labelled set written for this test (none of these are among the
 * shipped examples): prints the accuracy and asserts a floor. A message counts as negative below
 * -0.33, positive above 0.33, neutral between.
 */
import { afterAll, expect, test } from "bun:test";
import { testEmbedder } from "../../test/support/models.ts";
import { SENTIMENT_EXAMPLES } from "./examples.ts";
import { Scorer } from "./scorer.ts";

const LABELLED: [string, "positive" | "neutral" | "negative"][] = [
  ["Thanks a lot, you saved my day!", "positive"],
  ["That answer was spot on, cheers.", "positive"],
  ["Wonderful, the delivery arrived early.", "positive"],
  ["I'm really happy with the new plan.", "positive"],
  ["Excellent support, thank you!", "positive"],
  ["Fantastic, it all works now.", "positive"],
  ["Much appreciated, great job.", "positive"],
  ["You've been super helpful today.", "positive"],
  ["Lovely, thanks for sorting that out.", "positive"],
  ["This is great news, thank you.", "positive"],
  ["Great, thanks, that's exactly right.", "positive"],
  ["Can you tell me when the store closes?", "neutral"],
  ["I need a copy of my last receipt.", "neutral"],
  ["How do I add a second user to my account?", "neutral"],
  ["What's the shipping time to Norway?", "neutral"],
  ["Please change my email address.", "neutral"],
  ["Do you have this jacket in size M?", "neutral"],
  ["Which payment methods do you accept?", "neutral"],
  ["When does my subscription renew?", "neutral"],
  ["Where is your office located?", "neutral"],
  ["Can I book a meeting for Thursday?", "neutral"],
  ["How do I export my data?", "neutral"],
  ["What is the warranty on this laptop?", "neutral"],
  ["I want to know the tracking number.", "neutral"],
  ["This is the worst company I have ever dealt with!", "negative"],
  ["I'm so angry, you charged me twice and nobody cares!", "negative"],
  ["Your product is garbage and your support is useless.", "negative"],
  ["I've had it with you people, this is a disgrace!", "negative"],
  ["Absolutely terrible, I want to cancel everything now!", "negative"],
  ["Stop wasting my time, you idiots!", "negative"],
  ["I am furious, my order never arrived!", "negative"],
  ["This is pathetic, nothing works as promised.", "negative"],
  ["Horrible service, I'm deeply disappointed.", "negative"],
  ["You lied to me and I'm fed up!", "negative"],
  ["What a rip-off, shame on you.", "negative"],
  ["I'm disgusted with how you treated me.", "negative"],
  ["Nothing you say helps, this is infuriating!", "negative"],
  ["I'm really upset, this is the third time it broke.", "negative"],
  ["Thank you, everything is perfect now.", "positive"],
  ["Could you check the status of ticket 4512?", "neutral"],
];

const embedder = testEmbedder();
const scorer = new Scorer(embedder);
afterAll(() => embedder.close());

test("the labelled set is not the shipped examples", () => {
  const shipped = new Set(Object.values(SENTIMENT_EXAMPLES).flat());
  expect(LABELLED.filter(([t]) => shipped.has(t))).toEqual([]);
  expect(LABELLED.length).toBeGreaterThanOrEqual(40);
});

test("sentiment accuracy on the labelled set is at least 80 %", async () => {
  const vectors = await scorer.embed(LABELLED.map(([t]) => t));
  let right = 0;
  const wrong: string[] = [];
  for (const [i, [text, label]] of LABELLED.entries()) {
    const s = await scorer.sentiment(vectors[i]!);
    expect(s).toBeGreaterThanOrEqual(-1);
    expect(s).toBeLessThanOrEqual(1);
    const got = s < -0.33 ? "negative" : s > 0.33 ? "positive" : "neutral";
    if (got === label) right++;
    else wrong.push(`${label} → ${got} (${s.toFixed(2)}): ${text}`);
  }
  const accuracy = right / LABELLED.length;
  console.log(`sentiment accuracy: ${(accuracy * 100).toFixed(1)} % (${right}/${LABELLED.length})${wrong.length ? `\n  ${wrong.join("\n  ")}` : ""}`);
  expect(accuracy).toBeGreaterThanOrEqual(0.8);
}, 60_000);

test("an angry message scores below -0.7, a neutral one does not", async () => {
  const [angry, calm] = await scorer.embed(["This is outrageous, you stole my money and I am furious!", "Could you tell me how to reset my password?"]);
  expect(await scorer.sentiment(angry!)).toBeLessThan(-0.7);
  expect(await scorer.sentiment(calm!)).toBeGreaterThan(-0.7);
}, 60_000);
