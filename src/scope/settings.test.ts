/**
 * The scope as config as code: validated with messages naming the key, stored by provisioning on
 * both databases (camelCase settings in agents.scope, removed when the file drops it), and a
 * WhatsApp agent without one is reported by name with a warning at start — not refused, so an
 * upgrade never stops an appliance that served WhatsApp before. The prompt carries the scope.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import pino from "pino";
import { systemPrompt } from "../agent/prompt.ts";
import { validate } from "../config/load.ts";
import { agents, tenants } from "../db/schema/index.ts";
import { whatsappScopeCheck } from "../doctor/checks.ts";
import { applyProvisioning } from "../provisioning/apply.ts";
import { SecretBox } from "../secrets/box.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { DEFAULT_DECLINE } from "./anchors.ts";
import { declineSentence } from "./settings.ts";

const SCOPE = { business: "Front desk of Bright Smile Dental: appointments and treatments.", topics: ["appointments", "treatments and prices"], decline: { en: "Only dental questions, sorry.", default: "Sorry." } };
const wa = { kind: "whatsapp", name: "wa", phone_number_id: "100000000000001", access_token: "EAAG-token", app_secret: "app-secret", verify_token: "verify-token-0123456789" };
const config = (ada: Record<string, unknown>) =>
  validate({ tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", channels: [wa], ...ada }, { slug: "tom", name: "Tom", channels: [{ ...wa, name: "wa2", phone_number_id: "100000000000002" }] }] }] });

test("config validation names the key and says what is wrong", () => {
  const refused = (scope: unknown) => {
    try {
      config({ scope });
    } catch (e) {
      return (e as Error).message;
    }
    return "accepted";
  };
  expect(refused({ ...SCOPE, topics: [] })).toContain("tenants[0].agents[0].scope.topics: name at least one topic");
  expect(refused({ ...SCOPE, business: "Dentist" })).toContain("scope.business: needs at least 10 characters");
  expect(refused({ ...SCOPE, decline: { english: "Sorry" } })).toContain("scope.decline.english: is a language code");
  expect(refused({ ...SCOPE, topic: ["x"] })).toContain("scope.topic: unknown key");
  expect(refused({ ...SCOPE, off_topic_examples: Array(31).fill("Write a poem") })).toContain("at most 30 examples");
  expect(refused(SCOPE)).toBe("accepted");
});

test("konstruct doctor warns about WhatsApp agents without a scope, by name", () => {
  expect(whatsappScopeCheck(config({ scope: SCOPE }))).toEqual({
    name: "whatsapp scope",
    status: "warn",
    detail: "acme/tom: no business scope; Meta bans general-purpose assistants on WhatsApp — declare tenants[].agents[].scope (docs/whatsapp.md)",
  });
  expect(whatsappScopeCheck(validate({ tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", scope: SCOPE, channels: [wa] }] }] }))).toMatchObject({ status: "ok" });
  expect(whatsappScopeCheck(validate({ tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada" }] }] }))).toBeNull();
});

test("the prompt carries the business, the topics and the decline sentences; the check declines in English or default", () => {
  const scope = { business: SCOPE.business, topics: SCOPE.topics, offTopicExamples: ["Compare toothpaste prices"], decline: SCOPE.decline };
  const prompt = systemPrompt({ name: "Ada", role: "", persona: "", instructions: "", scope });
  expect(prompt).toContain(`Business function: ${SCOPE.business}`);
  expect(prompt).toContain("You only help with: appointments; treatments and prices.");
  expect(prompt).toContain('"Compare toothpaste prices"');
  expect(prompt).toContain('en: "Only dental questions, sorry."; default: "Sorry."');
  expect(systemPrompt({ name: "Ada", role: "", persona: "", instructions: "", scope: null })).not.toContain("Business function");
  expect(declineSentence(scope)).toBe("Only dental questions, sorry.");
  expect(declineSentence({ ...scope, decline: { default: "Sorry." } })).toBe("Sorry.");
  expect(declineSentence({ ...scope, decline: {} })).toBe(DEFAULT_DECLINE);
});

describe.each(DB_KINDS)("scope provisioning on %s Postgres", (kind) => {
  let t: TestDatabase;
  let box: SecretBox;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    box = await SecretBox.open("", t.dataDir);
  });
  afterAll(() => t.cleanup());

  test("stored per agent; unscoped WhatsApp agents are named in a warning; dropped from the file, gone", async () => {
    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (l: string) => void lines.push(l) });
    const summary = await applyProvisioning(config({ scope: { ...SCOPE, off_topic_examples: ["Compare toothpaste prices"] } }), t.db, box, log);
    expect(summary.unscopedWhatsApp).toEqual(["acme/tom"]);
    const warning = lines.map((l) => JSON.parse(l)).find((l) => String(l.msg).includes("business-function scope"));
    expect(warning).toMatchObject({ agents: ["acme/tom"] });
    expect(warning.msg).toContain("tenants[].agents[].scope");
    const [acme] = await t.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, "acme")));
    const scopeOf = async (slug: string) => (await t.db.withTenant(acme!.id, (tx) => tx.select({ scope: agents.scope }).from(agents).where(eq(agents.slug, slug))))[0]!.scope;
    expect(await scopeOf("ada")).toEqual({ business: SCOPE.business, topics: SCOPE.topics, offTopicExamples: ["Compare toothpaste prices"], decline: SCOPE.decline });
    expect(await scopeOf("tom")).toBeNull();
    await applyProvisioning(config({}), t.db, box, pino({ level: "silent" }));
    expect(await scopeOf("ada")).toBeNull();
  });
});
