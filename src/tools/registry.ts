/**
 * The tool registry: one `Tools` for the agent loop, composed of providers (built-ins, each
 * tenant's MCP servers, memory…), with every call going through the same gate:
 *   known tool → arguments valid against its JSON schema → allowed by the active skills
 *   (policy.ts; a refusal is audited and its reason returned to the model) → approved by a human
 *   when the policy says so (the call pauses, see approvals/) → secrets injected → run → secrets
 *   scrubbed from the output.
 * Providers never check permissions themselves, so a provider added later is fenced the same way.
 */
import { Validator } from "@cfworker/json-schema";
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import { audit } from "../agent/audit.ts";
import type { ToolContext, ToolPause, Tools } from "../agent/tools.ts";
import type { Database } from "../db/database.ts";
import { tenants } from "../db/schema/index.ts";
import type { ToolCall, ToolSpec } from "../llm/types.ts";
import type { SecretBox } from "../secrets/box.ts";
import type { SkillCatalog } from "../skills/catalog.ts";
import type { Skill } from "../skills/manifest.ts";
import { decide } from "./policy.ts";
import { inject, loadSecrets, scrub, secretRefs } from "./secrets.ts";
import { skillsPrompt, USE_SKILL, useSkillResult, useSkillSpec } from "./use-skill.ts";

export interface ProviderOptions {
  /** Tools that run without any active skill (use_skill; read-only helpers such as kb_search). */
  baseline?: string[];
  /** Calls that only read; every other call counts as a write (on-write approvals, L1 refusals). */
  readOnly?: string[] | ((call: ToolCall) => boolean);
  /** One line describing the exact action, for the approval message. */
  describe?: (call: ToolCall) => string | undefined;
}
/** Providers that exist per tenant (its MCP servers). */
export type TenantSource = (tenantId: string) => Promise<{ provider: Tools; options?: ProviderOptions }[]>;

interface Entry {
  spec: ToolSpec;
  provider: Tools;
  options: ProviderOptions;
}

export class ToolRegistry implements Tools {
  private readonly providers: { provider: Tools; options: ProviderOptions }[] = [];
  private readonly sources: TenantSource[] = [];
  private readonly validators = new WeakMap<object, Validator>();
  private readonly slugs = new Map<string, string>();

  constructor(private readonly deps: { db: Database; box: SecretBox; catalog: SkillCatalog; log: Logger }) {}

  add(provider: Tools, options: ProviderOptions = {}): this {
    this.providers.push({ provider, options });
    return this;
  }

  addTenantSource(source: TenantSource): this {
    this.sources.push(source);
    return this;
  }

  /** The skills the turn's agent may load, by name. */
  async skills(ctx: ToolContext): Promise<Map<string, Skill>> {
    const all = this.deps.catalog.forTenant(await this.slug(ctx.tenantId));
    const enabled = ctx.turn?.enabledSkills;
    if (!enabled) return all;
    return new Map([...all].filter(([name]) => enabled.includes(name)));
  }

  async prompt(ctx: ToolContext): Promise<string> {
    return skillsPrompt([...(await this.skills(ctx)).values()]);
  }

  async specs(ctx?: ToolContext): Promise<ToolSpec[]> {
    return ctx ? (await this.entries(ctx)).map((e) => e.spec) : [];
  }

  async run(call: ToolCall, ctx: ToolContext): Promise<string | ToolPause> {
    const entry = (await this.entries(ctx)).find((e) => e.spec.name === call.name);
    if (!entry) return `error: no tool named ${call.name} is available`;
    const invalid = this.validate(entry.spec, call.arguments);
    if (invalid) return `error: invalid arguments for ${call.name}: ${invalid}`;
    if (call.name === USE_SKILL) return useSkillResult(await this.skills(ctx), call, ctx);

    const skills = await this.skills(ctx);
    const active = (ctx.turn?.activeSkills ?? []).flatMap((n) => (skills.has(n) ? [skills.get(n)!] : []));
    const readOnly = entry.options.readOnly;
    const writes = typeof readOnly === "function" ? !readOnly(call) : !(readOnly ?? []).includes(call.name);
    const secrets = secretRefs(call.arguments);
    const decision = decide({ tool: call.name, arguments: call.arguments, baseline: (entry.options.baseline ?? []).includes(call.name), writes, secrets }, active);
    if (decision.kind === "refuse") {
      await this.deps.db.withTenant(ctx.tenantId, (tx) =>
        audit(tx, { tenantId: ctx.tenantId, kind: "refusal", agentId: ctx.agentId, conversationId: ctx.conversationId, actor: ctx.turn?.requestedBy ?? "", summary: `tool ${call.name} refused`, data: { tool: call.name, arguments: call.arguments, reason: decision.reason, activeSkills: active.map((s) => s.name) } }),
      );
      this.deps.log.info({ tool: call.name, reason: decision.reason }, "tool call refused");
      return `refused: ${decision.reason}. Tell the user you are not permitted to do this.`;
    }
    if (decision.approval && ctx.turn?.approvedCallId !== call.id) {
      const summary = entry.options.describe?.(call) ?? `Call ${call.name} with ${JSON.stringify(call.arguments).slice(0, 600)}`;
      return { pause: { tool: call.name, arguments: call.arguments, skill: decision.skill, summary } };
    }
    const values = await loadSecrets(this.deps.db, this.deps.box, ctx.tenantId, secrets);
    const missing = secrets.filter((n) => !(n in values));
    if (missing.length) return `error: secret(s) ${missing.join(", ")} are not set for this workspace; an administrator must add them`;
    const out = await entry.provider.run({ ...call, arguments: inject(call.arguments, values) }, { ...ctx, network: decision.network });
    return typeof out === "string" ? scrub(out, values) : out;
  }

  private async entries(ctx: ToolContext): Promise<Entry[]> {
    const out: Entry[] = [];
    const skills = await this.skills(ctx);
    if (skills.size) out.push({ spec: useSkillSpec([...skills.keys()]), provider: this, options: { baseline: [USE_SKILL] } });
    const tenantOwn = (await Promise.all(this.sources.map((s) => s(ctx.tenantId)))).flat();
    for (const { provider, options } of [...this.providers, ...tenantOwn]) {
      for (const spec of await provider.specs(ctx)) {
        if (out.some((e) => e.spec.name === spec.name)) continue; // first provider wins a name
        out.push({ spec, provider, options: options ?? {} });
      }
    }
    return out;
  }

  private validate(spec: ToolSpec, args: unknown): string | null {
    let v = this.validators.get(spec.parameters);
    if (!v) this.validators.set(spec.parameters, (v = new Validator(spec.parameters as never, "2020-12", false)));
    const r = v.validate(args);
    if (r.valid) return null;
    // The deepest errors say what is wrong; the outer ones only repeat "properties failed".
    const leaves = r.errors.filter((e) => e.keyword !== "properties" && e.keyword !== "$ref");
    return (leaves.length ? leaves : r.errors).slice(0, 3).map((e) => `${e.instanceLocation} ${e.error}`).join("; ");
  }

  private async slug(tenantId: string): Promise<string> {
    let s = this.slugs.get(tenantId);
    if (s === undefined) {
      const [row] = await this.deps.db.platform((tx) => tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, tenantId)));
      s = row?.slug ?? "";
      this.slugs.set(tenantId, s);
    }
    return s;
  }
}
