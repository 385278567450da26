/**
 * Escalation conditions in the Agent Designer, in-process on both databases: a condition the config
 * file would refuse is refused next to its field (nothing saved); valid ones are stored with the
 * free-text guidance untouched and shown again; another tenant's admin cannot change them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { agents } from "../../db/schema/index.ts";

const BASE = { name: "Ada", slug: "ada", models: "mock/gpt-test", daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4", escalation_rules: "Legal questions go to a human." };
const GOOD = "billing | billing_dispute AND attempts > 2 | Billing dispute unresolved\nangry | sentiment < -0.7 | The customer is upset";

describe.each(DB_KINDS)("escalation conditions in the Agent Designer on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let adaId: string;

  beforeAll(async () => {
    f = await consoleFixture(kind);
    s = await f.sessions();
    adaId = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents)))[0]!.id;
  });
  afterAll(() => f.cleanup());

  const save = (who: string, conditions: string) => s[who]!.fetch(`/admin/agents/${adaId}?tenant=${f.acme}`, { form: { ...BASE, escalation_conditions: conditions } });
  const stored = async () => (await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents).where(eq(agents.id, adaId))))[0]!;

  test("refused with the line and the reason; nothing saved", async () => {
    const cases: [string, string][] = [
      ["angry | sentiment < -0.7", "line 1: write &#x27;name | condition | reason&#x27;"],
      ["ok | sentiment < 0 | x\nmood | mood < 0 | y", "line 2: unknown signal &#x27;mood&#x27;"],
      ['look | matches("(?=admin)") | x', "invalid pattern"],
      ["bad | attempts >> | x", "line 1: cannot parse"],
      ["Bad Name | attempts > 2 | x", "line 1: name 1-63 characters"],
    ];
    for (const [text, says] of cases) {
      const r = await save("tenantAdmin", text);
      expect(r.status).toBe(400);
      const html = await r.text();
      expect(html).toContain('id="f-escalation_conditions-error"');
      expect(html.slice(html.indexOf('id="f-escalation_conditions-error"')).slice(0, 300)).toContain(says);
      expect((await stored()).escalation).toBeNull();
    }
  });

  test("valid conditions are stored and shown again; the guidance stays for the model", async () => {
    expect((await save("tenantAdmin", GOOD)).status).toBe(303);
    const a = await stored();
    expect(a.escalation).toEqual({
      rules: [
        { name: "billing", when: "billing_dispute AND attempts > 2", reason: "Billing dispute unresolved" },
        { name: "angry", when: "sentiment < -0.7", reason: "The customer is upset" },
      ],
      topics: [],
    });
    expect(a.escalationRules).toBe("Legal questions go to a human.");
    const page = await (await s.tenantAdmin!.fetch(`/admin/agents/${adaId}?tenant=${f.acme}`)).text();
    expect(page).toContain("billing | billing_dispute AND attempts &gt; 2 | Billing dispute unresolved");
  });

  test("another tenant's admin cannot change them", async () => {
    const r = await save("otherAdmin", "x | legal | y");
    expect(r.status).not.toBe(303);
    expect((await stored()).escalation!.rules.map((r) => r.name)).toEqual(["billing", "angry"]);
  });
});
