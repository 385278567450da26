/** @jsxImportSource @kitajs/html */
/** /admin/usage: usage and cost per day, agent and model over a date range (operators and up). */
import { UsageView } from "../../../views/admin/usage.tsx";
import { render } from "../../http/render.ts";
import { listAgents } from "../agents/save.ts";
import { filterDate, filterId } from "../filters.ts";
import { defaultRange, fillDays, type UsageRange, usageReport } from "../queries/usage.ts";
import type { Handler } from "../lazy.ts";
import { pageScope } from "../scope.ts";
import { t } from "../../i18n/i18n.ts";

/** At most a year per chart, so a typo'd range cannot ask for decades of rows. */
const MAX_DAYS = 366;


export const showUsage: Handler = async (deps, ctx) => {
  const { db, scope } = await pageScope(deps, ctx, "usage");
  const d = defaultRange();
  const range: UsageRange = { from: filterDate(ctx.query.from) ?? d.from, to: filterDate(ctx.query.to) ?? d.to, agentId: filterId(ctx.query.agent) };
  const errors: Record<string, string> = {};
  const span = (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000;
  if (span < 0) errors.to = "must be on or after From";
  else if (span >= MAX_DAYS) errors.from = `at most ${MAX_DAYS} days at once`;
  if (Object.keys(errors).length) Object.assign(range, { from: d.from, to: d.to });
  if (!scope.tenantId) return render(ctx, <UsageView scope={scope} range={range} report={null} days={[]} agents={[]} />, t("usage.usageCost"));
  const report = await usageReport(db, scope.tenantId, range);
  const view = <UsageView scope={scope} range={range} report={report} days={fillDays(range, report.byDay)} agents={await listAgents(db, scope.tenantId)} errors={errors} />;
  return render(ctx, view, t("usage.usageCost"), Object.keys(errors).length ? 400 : 200);
};
