/** The embedder with the real model (test/support/models.ts): meaning, batching, priorities, errors. */
import { afterAll, describe, expect, test } from "bun:test";
import { MODELS_DIR, testEmbedder } from "../../test/support/models.ts";
import { cosine, Embedder } from "./embedder.ts";

describe("embedder (real USE-lite model in a worker)", () => {
  const e = testEmbedder();
  afterAll(() => e.close());

  test("dimension comes from the model; vectors are normalised", async () => {
    expect(await e.dims()).toBe(512);
    const [v] = await e.embed(["The cat sits on the mat"]);
    expect(v!.length).toBe(512);
    expect(cosine(v!, v!)).toBeCloseTo(1, 4);
  });

  test("similar sentences rank above unrelated ones (clear-cut cases)", async () => {
    const cases: [string, string, string][] = [
      ["The cat sits on the mat", "A kitten is resting on a rug", "Quarterly revenue grew 12%"],
      ["How do I reset my password?", "I forgot my password and cannot log in", "The train to Berlin leaves at noon"],
      ["Employees get 25 days of paid vacation per year", "How many holidays do staff receive annually?", "Preheat the oven to 200 degrees"],
    ];
    for (const [a, similar, unrelated] of cases) {
      const [va, vs, vu] = await e.embed([a, similar, unrelated]);
      expect({ a, closer: cosine(va!, vs!) > cosine(va!, vu!) + 0.2 }).toEqual({ a, closer: true });
    }
  });

  test("batches of any size come back in order, identical to one-by-one", async () => {
    const texts = Array.from({ length: 75 }, (_, i) => `Sentence number ${i} about topic ${i % 7}`);
    const all = await e.embed(texts, "bulk");
    expect(all).toHaveLength(75);
    const [single] = await e.embed([texts[42]!]);
    expect(cosine(all[42]!, single!)).toBeCloseTo(1, 4);
  });

  test("a query overtakes queued bulk work", async () => {
    const bulk = e.embed(Array.from({ length: 32 * 20 }, (_, i) => `bulk text ${i} with several words in it`), "bulk");
    let bulkDone = 0;
    bulk.then(() => (bulkDone = performance.now()));
    await Bun.sleep(20);
    await e.embed(["urgent question"], "query");
    const queryDone = performance.now();
    await bulk;
    expect(queryDone).toBeLessThan(bulkDone);
  });

  test("a missing model fails with the model id and the folder it looked in", async () => {
    const missing = new Embedder({ modelsDir: MODELS_DIR, model: "nobody/no-such-model", dims: 0, allowRemote: false, batchSize: 8 });
    await expect(missing.dims()).rejects.toThrow(/nobody\/no-such-model/);
    await missing.close();
  });

  test("a configured dimension the model does not produce is refused", async () => {
    const wrong = new Embedder({ modelsDir: MODELS_DIR, model: "konstruct/use-lite-en", dims: 384, allowRemote: false, batchSize: 8 });
    await expect(wrong.dims()).rejects.toThrow(/embeddings\.dims.*384.*512/);
    await wrong.close();
  });
});
