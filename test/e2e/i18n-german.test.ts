/**
 * Every console page speaks German to a German user: a platform admin who chose Deutsch (the real
 * POST /admin/account/locale, stored in users.locale; the browser asks for English) opens every
 * parameterless GET page of the route table — so a page added later is walked too — plus the detail
 * pages of a seeded tenant, AI employee, team and channel and each kind of the channel form. The
 * visible text and the texts read out (title, aria-label, placeholder, alt) must hold none of a short
 * list of English UI words. Not checked: what is code or data rather than the console's own words —
 * <pre>, <code>, <textarea>, <script>, <style>, <em>, which names other products' screens ("Create New
 * App → From a manifest" is what Slack shows), and what is marked lang="en": the bundled templates'
 * and skills' own descriptions, and the API reference's endpoint summaries (from the OpenAPI document).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { ADMIN_ROUTES } from "../../src/admin/routes.ts";
import { agents, channels } from "../../src/db/schema/index.ts";
import { type Browser, browser, type ConsoleFixture, consoleFixture, signIn } from "../support/admin.ts";

/** Polled fragments and downloads, not pages. */
const NOT_PAGES = new Set(["/admin/start/steps", "/admin/inbox/list", "/admin/audit.csv", "/admin/audit.json", "/admin/people/export"]);
/** Words of English UI text that German never uses (loanwords such as Team, Chat, Token or Skill are fine). */
const ENGLISH = ["the", "and", "with", "your", "this", "from", "for", "not", "yet", "when", "which", "here", "There", "No", "Save", "Delete", "Create", "Cancel", "Edit", "New", "Add", "Remove", "Send", "Search", "Show", "Back", "Upload", "Settings", "Connect", "Previous", "Next"];
const WORD = new RegExp(`(?<![\\w/.-])(${ENGLISH.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(?![\\w/-])`, "g");

let f: ConsoleFixture;
let de: Browser;

beforeAll(async () => {
  f = await consoleFixture("embedded");
  de = await signIn(browser(f.app), f.emails.platformAdmin);
  const saved = await de.fetch("/admin/account/locale", { form: { locale: "de", _csrf: de.csrf } });
  expect(saved.status).toBe(303);
}, 120_000);
afterAll(async () => {
  await f?.cleanup();
});

/** What a reader sees or hears: text outside code, data and product names, and the read-out attributes. */
function readable(html: string): string {
  const said = [...html.matchAll(/\s(?:title|aria-label|placeholder|alt)="([^"]*)"/g)].map((m) => m[1]);
  const text = html
    .replace(/<(pre|code|textarea|script|style|em)\b[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<(\w+)\b[^>]*\slang="en"[^>]*>[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ");
  return [text, ...said].join(" \n ").replace(/&#39;|&apos;/g, "'").replace(/&quot;|&#34;/g, '"').replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

test("a German user sees no English UI words on any console page", async () => {
  const acme = f.acme;
  const [ada] = await f.t.app.db.withTenant(acme, (tx) => tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, "ada")));
  const [chan] = await f.t.app.db.withTenant(acme, (tx) => tx.select({ id: channels.id }).from(channels).limit(1));
  const plain = ADMIN_ROUTES.filter((r) => r.method === "GET" && r.path.startsWith("/admin") && !r.path.includes(":") && !NOT_PAGES.has(r.path)).map((r) => r.path);
  const detail = [
    `/admin/tenants/${acme}`,
    `/admin/agents/${ada!.id}`,
    `/admin/agents/${ada!.id}/history`,
    `/admin/agents/${ada!.id}/widget`,
    `/admin/knowledge/agents/${ada!.id}`,
    `/admin/channels/${chan!.id}`,
    ...["slack", "telegram", "whatsapp"].map((k) => `/admin/channels/new?kind=${k}&tenant=${acme}`),
  ];
  const paths = [...plain.map((p) => `${p}${p.includes("?") ? "&" : "?"}tenant=${acme}`), ...detail];
  const found: string[] = [];
  for (const path of paths) {
    const res = await de.fetch(path, { headers: { "accept-language": "en" } });
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    const html = await res.text();
    expect({ path, lang: /<html lang="(\w+)"/.exec(html)?.[1] }).toEqual({ path, lang: "de" });
    const text = readable(html).replace(/\s+/g, " ");
    // Each English word with a little of its sentence, so the message says where to look.
    const words = [...new Set([...text.matchAll(WORD)].map((m) => `${m[1]} in "${text.slice(Math.max(0, m.index! - 30), m.index! + 30).trim()}"`))];
    if (words.length) found.push(`${path.replace(/[?&]tenant=[0-9a-f-]+/, "")}: ${words.join("; ")}`);
  }
  expect(found).toEqual([]);
  expect(paths.length).toBeGreaterThan(40);
}, 300_000);

test("the check itself finds English: the same pages in English trip it", async () => {
  const en = await signIn(browser(f.app), f.emails.tenantAdmin);
  const html = await (await en.fetch("/admin/agents/new", { headers: { "accept-language": "en" } })).text();
  expect([...readable(html).matchAll(WORD)].length).toBeGreaterThan(0);
});
