/** @jsxImportSource @kitajs/html */
/** GET /admin/start: the newcomer's path; GET /admin/start/steps: its steps alone, polled every 3 s. */
import { StartSteps, StartView } from "../../../views/admin/start.tsx";
import { render } from "../../http/render.ts";
import type { Handler } from "../lazy.ts";
import { firstRunOf } from "../queries/first-run.ts";
import { pageScope } from "../scope.ts";
import { t } from "../../i18n/i18n.ts";

export const showStart: Handler = async (deps, ctx) => {
  const { db, scope } = await pageScope(deps, ctx, "dashboard");
  const first = scope.tenantId ? await firstRunOf(db, scope.tenantId) : null;
  return render(ctx, <StartView scope={scope} first={first} />, t("nav.start"));
};

export const startStepsPartial: Handler = async (deps, ctx) => {
  const { db, scope } = await pageScope(deps, ctx, "dashboard");
  if (!scope.tenantId) return new Response(null, { status: 204 });
  return render(ctx, <StartSteps tenantId={scope.tenantId} first={await firstRunOf(db, scope.tenantId)} />);
};
