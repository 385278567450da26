/** @jsxImportSource @kitajs/html */
/** GET /admin/api: the admin API's endpoints, rendered from the OpenAPI document. */
import { render } from "../../http/render.ts";
import { ApiDocsPage, type Endpoint } from "../../../views/admin/api-docs.tsx";
import { requireArea } from "../access.ts";
import { OPENAPI } from "../api/openapi.ts";
import type { Handler } from "../lazy.ts";
import { publicBase } from "../mail.ts";
import { t } from "../../i18n/i18n.ts";

const METHODS = ["get", "post", "patch", "put", "delete"] as const;

const ENDPOINTS: Endpoint[] = Object.entries(OPENAPI.paths).flatMap(([path, item]) =>
  METHODS.flatMap((m) => {
    const o = (item as Record<string, { summary: string; description?: string } | undefined>)[m];
    return o ? [{ method: m.toUpperCase(), path, summary: o.summary, role: o.description?.replace(/^Least role: |\.$/g, "") ?? "anyone" }] : [];
  }),
);

export const showApiDocs: Handler = (deps, ctx) => {
  requireArea(ctx.principal, "api");
  return render(ctx, <ApiDocsPage base={publicBase(deps.config, ctx.request)} endpoints={ENDPOINTS} />, t("apiDocs.adminApi"));
};
