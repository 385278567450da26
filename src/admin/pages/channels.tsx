/** @jsxImportSource @kitajs/html */
/**
 * /admin/channels: connect Slack, Telegram and WhatsApp (tenant admins of the tenant). Saving seals the
 * secrets and restarts the connection in the running gateway; "test connection" calls auth.test /
 * getMe with the stored credentials. Secrets are shown masked (last four characters), never in full.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { type ChannelKind, ChannelFormView, ChannelList, ConnectionTestResult } from "../../../views/admin/channels.tsx";
import type { FieldErrors } from "../../../views/admin/form.tsx";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { listAgents } from "../agents/save.ts";
import { hookUrl, slackManifest } from "../channels/manifest.ts";
import { type ChannelView, channelToForm, deleteChannel, getChannel, listChannels, SECRET_FIELDS, saveChannel } from "../channels/save.ts";
import { testChannel } from "../channels/test-connection.ts";
import { pageNumber } from "../filters.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { slicePage } from "../queries/page.ts";
import { formFields, uuidParam, versionField } from "../forms.ts";
import { channelKind } from "../../versions/channel.ts";
import { latest } from "../../versions/store.ts";
import { maskSecret } from "../mask.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { database } from "../request.ts";
import { t } from "../../i18n/i18n.ts";
import { secretBox } from "../running.ts";
import { pageScope } from "../scope.ts";
import { recordConfig } from "../trail/config.ts";

const asKind = (k: string | undefined): ChannelKind => (k === "slack" || k === "whatsapp" ? k : "telegram");
const scoped = (deps: ConsoleDeps, ctx: AdminContext) => pageScope(deps, ctx, "channels");
const editable = (v: ChannelView) => {
  // Web chat (and terminal) connections have nothing to configure.
  if (!SECRET_FIELDS[v.channel.kind]) throw new KonstructError("not_found", "no such channel");
  return v;
};
const form = async (deps: ConsoleDeps, ctx: AdminContext, tenantId: string, id: string, kind: ChannelKind, existing: ChannelView | null, values: Record<string, string>, errors?: FieldErrors, status = 200) => {
  const agents = await listAgents(database(deps), tenantId);
  const publicUrl = deps.config.server.public_url;
  const url = hookUrl(publicUrl, kind, id);
  const agentName = agents.find((a) => a.id === values.agent_id)?.name ?? "Konstruct";
  const stored = Object.fromEntries((SECRET_FIELDS[kind] ?? []).map((k) => [k, existing?.secrets[k] ? maskSecret(existing.secrets[k]) : ""]));
  const flash = flashMessage(ctx.query.flash);
  const view = (
    <ChannelFormView
      csrf={ctx.csrfToken}
      tenantId={tenantId}
      id={id}
      kind={kind}
      channel={existing?.channel ?? null}
      agents={agents}
      values={values}
      errors={errors}
      stored={stored}
      hookUrl={url}
      publicUrlSet={Boolean(publicUrl)}
      manifest={kind === "slack" ? slackManifest({ name: agentName, mode: values.mode === "socket" ? "socket" : "events", requestUrl: url }) : undefined}
      flash={errors ? t("form.correctFields") : flash}
      flashError={Boolean(errors) || ctx.query.flash === "not_started"}
    />
  );
  return render(ctx, view, existing?.channel.name ?? t("channels.connectAChannel"), status);
};
const save = async (deps: ConsoleDeps, ctx: AdminContext, id: string, existing: ChannelView | null) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const fields = formFields(ctx.body);
  const kind = asKind(existing?.channel.kind ?? fields.kind);
  const by = { author: ctx.principal?.email ?? "console", source: "console" as const, expected: existing ? versionField(fields.version) : undefined };
  const result = await saveChannel(db, secretBox(deps), deps.outbound, tenantId, id, fields, existing, by);
  if ("errors" in result) return form(deps, ctx, tenantId, id, kind, existing, fields, result.errors, 400);
  const saved = await getChannel(db, secretBox(deps), tenantId, id);
  await recordConfig(db, ctx, {
    tenantId, object: "channel", id, name: saved.channel.name,
    before: existing ? channelToForm(existing.channel) : null, after: channelToForm(saved.channel), secretsBefore: existing?.secrets, secretsAfter: saved.secrets,
  });
  let flash: "restarted" | "not_started" = "restarted";
  try {
    await deps.connections()?.reload(tenantId, id);
  } catch (e) {
    deps.log.warn({ err: e, channel: id }, "channel saved but its connection did not start");
    flash = "not_started";
  }
  return redirect(ctx.request, withFlash(`/admin/channels/${id}?tenant=${tenantId}`, flash));
};

export const listChannelsPage: Handler = async (deps, ctx) => {
  const { db, scope, tenantId } = await scoped(deps, ctx);
  const list = slicePage(tenantId ? await listChannels(db, tenantId) : [], pageNumber(ctx.query.page));
  const agents = tenantId ? (await listAgents(db, tenantId)).length : 0;
  return render(ctx, <ChannelList scope={scope} channels={list} agents={agents} flash={flashMessage(ctx.query.flash)} />, t("nav.channels"));
};

export const newChannel: Handler = async (deps, ctx) => {
  const { tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const kind = asKind(ctx.query.kind);
  // WhatsApp: a fresh verify token the admin pastes into Meta's webhook settings.
  const defaults: Record<string, string> =
    kind === "slack" ? { mode: "events" } : kind === "whatsapp" ? { mode: "webhook", verify_token: randomBytes(18).toString("base64url"), template_language: "en_US" } : { mode: "polling", groups: "mention" };
  // The id is chosen now so the Slack manifest can carry this connection's request URL.
  return form(deps, ctx, tenantId, randomUUID(), kind, null, { ...defaults, agent_id: ctx.query.agent ?? "" });
};

export const createChannel: Handler = (deps, ctx) => save(deps, ctx, uuidParam(formFields(ctx.body).id, "channel"), null);

export const showChannel: Handler = async (deps, ctx) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const v = editable(await getChannel(db, secretBox(deps), tenantId, uuidParam(ctx.params.id, "channel")));
  const version = await db.withTenant(tenantId, async (tx) => (await latest(tx, channelKind(secretBox(deps)), v.channel.id))?.version ?? 0);
  return form(deps, ctx, tenantId, v.channel.id, asKind(v.channel.kind), v, { ...channelToForm(v.channel), version: String(version) });
};

export const updateChannel: Handler = async (deps, ctx) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const v = editable(await getChannel(db, secretBox(deps), tenantId, uuidParam(ctx.params.id, "channel")));
  return save(deps, ctx, v.channel.id, v);
};

export const testChannelConnection: Handler = async (deps, ctx) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const v = editable(await getChannel(db, secretBox(deps), tenantId, uuidParam(ctx.params.id, "channel")));
  const result = await testChannel(deps.outbound, v.channel.kind, v.channel.settings, v.secrets);
  return render(ctx, <ConnectionTestResult result={result} />, t("channels.connectionTest"));
};

export const removeChannel: Handler = async (deps, ctx) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const v = await getChannel(db, secretBox(deps), tenantId, uuidParam(ctx.params.id, "channel"));
  await deleteChannel(db, tenantId, v.channel.id);
  await recordConfig(db, ctx, { tenantId, object: "channel", id: v.channel.id, name: v.channel.name, before: channelToForm(v.channel), after: null });
  await deps.connections()?.reload(tenantId, v.channel.id);
  return redirect(ctx.request, withFlash(`/admin/channels?tenant=${tenantId}`, "deleted"));
};
