/** @jsxImportSource @kitajs/html */
/**
 * /admin/inbox/settings (tenant admins): the tenant's escalation chain — up to three destinations,
 * each with the minutes after which a handoff nobody took goes on to the next — and its business
 * hours (timeouts count open time; outside them the user is told when a person will answer). Every
 * statement runs in the scoped tenant's transaction: another tenant's channel id names nothing.
 */
import { DestinationView } from "../../../views/admin/inbox-destination.tsx";
import { CHAIN_MAX, destinationChannels, type DestinationStep, getDestinations, removeDestination, saveDestinations, stepField } from "../../handoff/destination.ts";
import { DAYS } from "../../handoff/hours.ts";
import { getHours, removeHours, saveHours } from "../../handoff/hours-store.ts";
import type { Database } from "../../db/database.ts";
import { redirect, render } from "../../http/render.ts";
import { requireAdmin } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { localizeReason } from "../form-errors.ts";
import { formText } from "../request.ts";
import { t } from "../../i18n/i18n.ts";
import { ownerOf, tenantScope } from "./inbox.tsx";

const STEP_FIELDS = ["channel_id", "chat", "timeout_minutes"] as const;
const HOURS_FIELDS = ["timezone", ...DAYS, "holidays", "language", "expected_wait_minutes"] as const;

/** The form's values as stored. */
async function stored(db: Database, tenantId: string): Promise<Record<string, string>> {
  const [chain, hours] = [await getDestinations(db, tenantId), await getHours(db, tenantId)];
  const values: Record<string, string> = {};
  for (let i = 0; i < CHAIN_MAX; i++) {
    values[stepField("channel_id", i)] = chain[i]?.channelId ?? "";
    values[stepField("chat", i)] = chain[i]?.chat ?? "";
    values[stepField("timeout_minutes", i)] = String(chain[i]?.timeoutMinutes ?? 0);
  }
  Object.assign(values, { timezone: hours?.timezone ?? "", holidays: hours?.holidays.join(" ") ?? "", language: hours?.language ?? "en", expected_wait_minutes: String(hours?.expectedWaitMinutes ?? "") });
  for (const d of DAYS) values[d] = hours?.week[d] ?? "";
  return values;
}

/** The page; after a refused form, its values as sent over the stored ones of the other form. */
async function page(deps: ConsoleDeps, ctx: AdminContext, sent: Record<string, string> = {}, errors?: Record<string, string>, status = 200) {
  const { p, db, scope, tenantId } = await tenantScope(deps, ctx);
  requireAdmin(p, tenantId);
  const values = { ...(await stored(db, tenantId)), ...sent };
  const view = <DestinationView scope={scope} csrf={ctx.csrfToken} channels={await destinationChannels(db, tenantId)} steps={CHAIN_MAX} values={values} errors={errors} flash={flashMessage(ctx.query.flash)} />;
  return render(ctx, view, t("inboxDestination.escalationDestination"), status);
}

/** GET /admin/inbox/settings */
export const showDestination: Handler = (deps, ctx) => page(deps, ctx);

/** POST /admin/inbox/settings — per step channel_id (empty: the chain ends before it; the first empty: none), chat, timeout_minutes. */
export const saveDestinationForm: Handler = async (deps, ctx) => {
  const { p, db, tenantId } = await tenantScope(deps, ctx);
  requireAdmin(p, tenantId);
  const values: Record<string, string> = {};
  for (let i = 0; i < CHAIN_MAX; i++) for (const f of STEP_FIELDS) values[stepField(f, i)] = formText(ctx.body, stepField(f, i)).trim().slice(0, 100);
  const steps: DestinationStep[] = [];
  for (let i = 0; i < CHAIN_MAX && values[stepField("channel_id", i)]; i++)
    steps.push({ channelId: values[stepField("channel_id", i)]!, chat: values[stepField("chat", i)]!, timeoutMinutes: Number(values[stepField("timeout_minutes", i)] || "0") });
  const back = withFlash(`/admin/inbox/settings?tenant=${tenantId}`, "saved");
  if (steps.length === 0) return (await removeDestination(db, tenantId, ownerOf(p)), redirect(ctx.request, back));
  const wrong = await saveDestinations(db, tenantId, steps, ownerOf(p));
  return wrong ? page(deps, ctx, values, { [wrong.field]: wrong.error }, 400) : redirect(ctx.request, back);
};

/** POST /admin/inbox/hours — timezone (empty: no hours, always open), mon..sun ranges, holidays (ISO dates), language, expected wait (empty: none). */
export const saveHoursForm: Handler = async (deps, ctx) => {
  const { p, db, tenantId } = await tenantScope(deps, ctx);
  requireAdmin(p, tenantId);
  const values: Record<string, string> = Object.fromEntries(HOURS_FIELDS.map((f) => [f, formText(ctx.body, f).trim().slice(0, f === "holidays" ? 1200 : 100)]));
  const back = withFlash(`/admin/inbox/settings?tenant=${tenantId}`, "saved");
  if (!values.timezone) return (await removeHours(db, tenantId, ownerOf(p)), redirect(ctx.request, back));
  const week = Object.fromEntries(DAYS.map((d) => [d, values[d]!]));
  const holidays = values.holidays!.split(/[\s,]+/).filter(Boolean);
  // Anything but empty or digits is NaN, refused by checkHours like an out-of-range number.
  const wait = values.expected_wait_minutes ? (/^\d{1,5}$/.test(values.expected_wait_minutes) ? Number(values.expected_wait_minutes) : Number.NaN) : null;
  const wrong = await saveHours(db, tenantId, { timezone: values.timezone, week, holidays, language: values.language || "en", expectedWaitMinutes: wait }, ownerOf(p));
  return wrong ? page(deps, ctx, values, { [wrong.field]: localizeReason(wrong.error) }, 400) : redirect(ctx.request, back);
};
