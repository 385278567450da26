import { expect, test } from "bun:test";
import { startConsole } from "/work/wt-4b/test/support/console.ts";
test("smoke", async () => {
  const c = await startConsole("embedded");
  for (const path of ["/admin", "/admin/tenants", "/admin/agents", "/admin/agents/new"]) {
    const r = await c.get(path, "platform_admin");
    console.log(path, r.status, (await r.text()).slice(0, 300));
  }
  const r = await c.post(`/admin/agents?tenant=${c.A}`, "tenant_admin", { name: "Ada", slug: "ada", models: "mock/m", daily_budget_usd: "1", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4", skills: "search" });
  console.log(r.status, r.headers.get("location"), r.status >= 400 ? await r.text() : "");
  const r2 = await c.post(`/admin/agents`, "tenant_admin", { name: "", slug: "Bad Slug", models: "nomodel", daily_budget_usd: "x", context_tokens: "8000", max_tool_iterations: "4" });
  console.log(r2.status, (await r2.text()).match(/class="error"[^<]*<|>[^<]*<\/span>/g));
  await c.cleanup();
});
