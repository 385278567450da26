/**
 * Budgets: exact tiny caps on both databases (stored and read back as typed, never rounded to 0 =
 * no cap), and the per-link bound on max_tokens at each link's own price.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { validate } from "../config/load.ts";
import { agents, tenants } from "../db/schema/index.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { budgetBound, headroom, promptTokens, usd } from "./budget.ts";
import { IMAGE_TOKENS } from "./tokens.ts";
import { checkBudget } from "./usage.ts";

const PRICES = { "p/cheap": { input_per_mtok: 1, output_per_mtok: 2 }, "p/dear": { input_per_mtok: 1000, output_per_mtok: 1000 }, "p/flat": { input_per_mtok: 1, output_per_mtok: 0 } };
const request = { messages: [{ role: "user" as const, content: "x".repeat(350) }] }; // ≈ 104 tokens

describe("the per-link bound", () => {
  test("no cap, no bound; an unpriced link is not bounded", () => {
    expect(budgetBound(PRICES, headroom({ daily: 0, monthly: 0 }, { today: 5, month: 5 }))).toBeUndefined();
    expect(budgetBound(PRICES, { usd: 0.01, cap: "daily", of: 0.01 })!("other", "m", request)).toEqual({});
  });

  test("max_tokens is what the headroom pays for after the prompt, at that link's price", () => {
    const bound = budgetBound(PRICES, { usd: 0.01, cap: "daily", of: 0.01 })!;
    const prompt = promptTokens(request);
    expect(bound("p", "cheap", request)).toEqual({ maxTokens: Math.floor(((0.01 - prompt / 1e6) * 1e6) / 2) });
    expect(bound("p", "cheap", { ...request, maxTokens: 100 })).toEqual({ maxTokens: 100 });
    expect(bound("p", "flat", request)).toEqual({});
    // The prompt alone (≈104 tokens × $1000/Mtok ≈ $0.10) costs more than the $0.01 left.
    expect(bound("p", "dear", request)).toMatchObject({ refused: expect.stringContaining("daily budget of $0.01 has $0.01 left") });
  });

  test("an image counts a flat IMAGE_TOKENS in the prompt, so a cap that pays for the text alone may refuse it", () => {
    const withImage = { messages: [{ role: "user" as const, content: "x".repeat(350), images: [{ mime: "image/png", base64: "AAAA" }] }] };
    expect(promptTokens(withImage)).toBe(promptTokens(request) + IMAGE_TOKENS);
    const bound = budgetBound(PRICES, { usd: 0.5, cap: "daily", of: 0.5 })!;
    expect(bound("p", "dear", request)).toMatchObject({ maxTokens: expect.any(Number) });
    expect(bound("p", "dear", withImage)).toMatchObject({ refused: expect.stringContaining("daily budget") });
  });

  test("the tightest cap decides; tiny amounts are shown, not rounded to $0.00", () => {
    expect(headroom({ daily: 1, monthly: 10 }, { today: 0.2, month: 9.5 })).toEqual({ usd: 0.5, cap: "monthly", of: 10 });
    expect(usd(0.000001)).toBe("$0.000001");
    expect(usd(12.345)).toBe("$12.35");
    expect(checkBudget({ daily: 0.000001, monthly: 0 }, { today: 0.000001, month: 0.000001 }).reason).toContain("$0.000001");
  });
});

describe.each(DB_KINDS)("exact money on %s Postgres", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(() => t.cleanup());

  test("daily_usd 0.000001 from the config is stored as that and enforced; 1e-10 is refused naming the field", async () => {
    const cfg = validate({ tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", budget: { daily_usd: 0.000001 } }] }] });
    const budget = cfg.tenants[0]!.agents[0]!.budget;
    expect(budget.daily_usd).toBe("0.000001");
    const [{ id: tenantId }] = (await t.db.platform((tx) => tx.insert(tenants).values({ slug: "acme", name: "Acme" }).returning({ id: tenants.id }))) as [{ id: string }];
    const [a] = await t.db.withTenant(tenantId, async (tx) => {
      await tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada", dailyBudgetUsd: budget.daily_usd, monthlyBudgetUsd: "0.000000001" });
      return tx.select().from(agents).where(eq(agents.slug, "ada"));
    });
    expect(Number(a!.dailyBudgetUsd)).toBe(0.000001);
    expect(Number(a!.monthlyBudgetUsd)).toBe(0.000000001);
    const caps = { daily: Number(a!.dailyBudgetUsd), monthly: 0 };
    expect(checkBudget(caps, { today: 0.000001, month: 0.000001 }).allowed).toBe(false);
    expect(budgetBound(PRICES, headroom(caps, { today: 0, month: 0 }))!("p", "cheap", request)).toHaveProperty("refused");
    expect(() => validate({ tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", budget: { daily_usd: 1e-10 } }] }] })).toThrow(/budget\.daily_usd.*decimal places/);
  });
});
