/**
 * Issue 16's "Done when", from the compiled binary over real HTTP and Telegram (telegram-test-api
 * shim, aimock LLM, the spec-built OIDC provider on loopback): an admin signs in through OIDC (an
 * IdP group mapped to platform admin), hires three AI employees from the bundled templates, connects
 * a Telegram bot and makes a team of them (coordinator + two specialists) that the bot is pointed
 * at; a user writes in Telegram, the coordinator hands the question to the IT specialist and
 * answers (the hand-off in the audit trail and the transcript); the admin changes the coordinator's
 * instructions, sees the diff in its History, rolls back — a new version — and the next Telegram
 * answer runs on the old instructions again.
 *
 * One break-glass platform admin is made with `konstruct admin create` first: until a platform
 * admin exists the console sends every page (OIDC sign-in too) to /setup.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventually } from "../support/app.ts";
import { BINARY, ensureBinary } from "../support/binary.ts";
import { tempDir } from "../support/db.ts";
import { formValues } from "../support/form-values.ts";
import { client } from "../support/http-client.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { type OidcProvider, startOidcProvider } from "../support/oidc.ts";
import { securityConfig } from "../support/outbound.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";
import { testPort } from "../support/ports.ts";

const CHAT = 7416;
const UUID = "[0-9a-f-]{36}";
const ADDED = "Always close with: Eva, front desk.";

let llm: LlmMock;
let tg: TelegramShim;
let idp: OidcProvider;
let dir: { path: string; remove(): void };
const port = testPort();
const base = `http://127.0.0.1:${port}`;

beforeAll(async () => {
  ensureBinary();
  [llm, tg] = await Promise.all([startLlmMock(), startTelegramShim({ bots: [{ username: "FrontDeskBot" }] })]);
  idp = startOidcProvider({ redirectUris: [`${base}/login/oidc/callback`] });
  dir = tempDir("konstruct-governance-binary-");
}, 300_000);
afterAll(async () => {
  await Promise.all([llm.stop(), tg.stop()]);
  idp.stop();
  dir.remove();
});

test("OIDC sign-in, a templated team answering in Telegram, an agent changed, diffed and rolled back — from the binary", async () => {
  writeFileSync(
    join(dir.path, "konstruct.config.yaml"),
    JSON.stringify({
      security: securityConfig, // the emulators and the IdP listen on loopback
      server: { host: "127.0.0.1", port, public_url: base },
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      admin: {
        oidc: {
          name: "Corp SSO",
          issuer: idp.issuer,
          client_id: idp.clientId,
          client_secret: "${OIDC_CLIENT_SECRET}",
          scopes: ["openid", "email", "groups"],
          mappings: [{ value: "konstruct-root", role: "platform_admin" }],
        },
      },
      tenants: [{ slug: "acme", name: "Acme" }],
    }),
  );
  writeFileSync(join(dir.path, "pw"), "break glass password\n");
  const env = { PATH: "/usr/bin:/bin", HOME: dir.path, OIDC_CLIENT_SECRET: idp.clientSecret };
  const made = Bun.spawnSync([BINARY, "admin", "create", "--email", "root@corp.test", "--password-file", "pw"], { cwd: dir.path, env });
  expect(made.stdout.toString()).toBe("created platform admin root@corp.test\n");

  llm.replyAll("Happy to help.");
  llm.on({ lastUser: "locked out", hasToolResult: false }, { text: "Reset it at id.acme.test/reset, then restart the laptop." });
  llm.on({ toolResult: "Iris (iris) answered" }, { text: "Iris from IT says: reset it at id.acme.test/reset, then restart the laptop." });

  const child = Bun.spawn([BINARY, "serve"], { cwd: dir.path, env, stdout: "pipe", stderr: "inherit" });
  let out = "";
  try {
    const decoder = new TextDecoder();
    void (async () => {
      for await (const chunk of child.stdout) out += decoder.decode(chunk);
    })();
    await eventually(() => out.includes('"msg":"konstruct ready"'), 30_000, "binary ready");

    // 1. Sign in through OIDC: the console → the IdP (code + PKCE) → the callback → the console, as platform admin.
    idp.user = { sub: "it-7", email: "it-admin@corp.test", groups: ["staff", "konstruct-root"] };
    const admin = client(base);
    const start = await admin.send("/login/oidc");
    expect(start.status).toBe(302);
    const authorize = new URL(start.location!);
    expect([authorize.origin, authorize.searchParams.get("code_challenge_method")]).toEqual([idp.issuer, "S256"]);
    const back = new URL((await fetch(authorize, { redirect: "manual" })).headers.get("location")!);
    expect(back.origin + back.pathname).toBe(`${base}/login/oidc/callback`);
    expect((await admin.send(back.pathname + back.search)).status).toBe(303);
    const tenantsPage = await admin.send("/admin/tenants"); // platform admins only
    expect(tenantsPage.status).toBe(200);
    const tenant = new RegExp(`/admin/tenants/(${UUID})`).exec(tenantsPage.text)![1]!;
    const q = `?tenant=${tenant}`;
    const signIns = JSON.parse((await admin.send("/admin/audit.json?trail=platform&kind=sign_in")).text) as { actor: string; data: Record<string, unknown> }[];
    expect(signIns.map((e) => [e.actor, e.data.method, e.data.mapped, e.data.created])).toContainEqual(["it-admin@corp.test", "oidc", "konstruct-root", true]);

    // 2. Hire three AI employees from the bundled templates: the pre-filled form, posted as the page rendered it.
    const ids: Record<string, string> = {};
    for (const template of ["executive-assistant", "it-helpdesk", "hr-policy"]) {
      const page = await admin.send(`/admin/agents/new${q}&template=${template}`);
      expect(page.status).toBe(200);
      const fields = formValues(page.text, "/admin/agents?");
      const hired = await admin.form(`/admin/agents${q}`, { ...fields, models: fields.models || "mock/chat" });
      expect(hired.status).toBe(303);
      ids[fields.slug!] = new RegExp(`/admin/agents/(${UUID})`).exec(hired.location!)![1]!;
    }
    expect(Object.keys(ids).sort()).toEqual(["eva", "hana", "iris"]);

    // 3. A Telegram bot connected in the console (first answering as Iris), then the team: saving it points the bot at Eva.
    const channel = { id: crypto.randomUUID(), kind: "telegram", name: "acme-tg", agent_id: ids.iris!, mode: "polling", bot_token: tg.token, api_root: tg.apiRoot };
    expect((await admin.form(`/admin/channels${q}`, channel)).status).toBe(303);
    const members = "iris | IT helpdesk: laptops, passwords, VPN, Wi-Fi and e-mail problems.\nhana | HR: holidays, leave, benefits, payslips and workplace policies.";
    const team = await admin.form(`/admin/teams${q}`, { name: "Front desk", slug: "front-desk", coordinator: ids.eva!, max_fanout: "2", members, channels: "acme-tg" });
    expect(team.status).toBe(303);
    const teams = (await admin.send(`/admin/teams${q}`)).text;
    expect(teams).toContain("Front desk");
    expect(teams).toContain("Iris, Hana");

    // 4. A user writes in Telegram: Eva answers after handing the question to Iris.
    const ask = async (text: string) => {
      const had = tg.botReplies(CHAT).length;
      const calls = llm.journal().length;
      await tg.userSends(CHAT, text);
      const reply = await eventually(() => tg.botReplies(CHAT)[had], 20_000, `answer to ${JSON.stringify(text)}`);
      return { reply: reply.visible, calls: llm.journal().slice(calls) };
    };
    const first = await ask("I forgot my password and I'm locked out of my laptop");
    expect(first.reply).toBe("Iris from IT says: reset it at id.acme.test/reset, then restart the laptop.");
    const system = (c: (typeof first.calls)[number]) => String(c.messages.find((m) => m.role === "system")!.content);
    expect(first.calls.map((c) => system(c).match(/You are (\w+)/)?.[1])).toEqual(["Iris", "Eva"]);
    const hops = JSON.parse((await admin.send(`/admin/audit.json${q}&kind=team.delegate`)).text) as { summary: string; conversation_id: string; data: Record<string, unknown> }[];
    expect(hops.map((h) => h.summary).sort()).toEqual(["eva → iris", "iris → eva"]);
    expect(hops.find((h) => h.summary === "eva → iris")!.data).toMatchObject({ routed: "pre-route" });
    expect((await admin.send(`/admin/conversations/${hops[0]!.conversation_id}${q}`)).text).toContain("eva → iris");

    // 5. Eva's instructions changed in the console; her History shows the diff by the OIDC user.
    const edit = formValues((await admin.send(`/admin/agents/${ids.eva}${q}`)).text, `/admin/agents/${ids.eva}?`);
    const original = edit.instructions!;
    expect(edit.version).toBe("1");
    expect((await admin.form(`/admin/agents/${ids.eva}${q}`, { ...edit, instructions: `${original}\n${ADDED}` })).status).toBe(303);
    const changed = await ask("How do I book a meeting room?");
    const eva = (calls: typeof changed.calls) => calls.find((c) => system(c).startsWith("You are Eva"))!;
    expect(system(eva(changed.calls))).toContain(ADDED);
    const history = await admin.send(`/admin/history/agent/${ids.eva}${q}`);
    expect(history.status).toBe(200);
    expect(history.text).toContain("Version 2 (current)");
    expect(history.text).toContain("it-admin@corp.test · console ·");
    expect(history.text).toContain(`+ ${ADDED}`);

    // 6. Rolled back to version 1: a new version (source rollback), the instructions back, live in Telegram.
    expect((await admin.form(`/admin/history/agent/${ids.eva}/rollback${q}`, { version: "1" })).status).toBe(303);
    const after = formValues((await admin.send(`/admin/agents/${ids.eva}${q}`)).text, `/admin/agents/${ids.eva}?`);
    expect([after.instructions, after.version]).toEqual([original, "3"]);
    const rolled = (await admin.send(`/admin/history/agent/${ids.eva}${q}`)).text;
    expect(rolled).toContain("Version 3 (current)");
    expect(rolled).toContain("it-admin@corp.test · rollback ·");
    const again = await ask("How do I book a meeting room?");
    expect(again.reply).toBe("Happy to help.");
    expect(system(eva(again.calls))).not.toContain(ADDED);
  } catch (e) {
    console.error(out.split("\n").slice(-40).join("\n"));
    throw e;
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}, 120_000);
