/** @jsxImportSource @kitajs/html */
/** GET /admin: placeholder landing page (part B of issue 4 replaces it with the dashboard). */
import { render } from "../../http/render.ts";
import { requireArea } from "../access.ts";
import type { Handler } from "../lazy.ts";

export const showDashboard: Handler = (_deps, ctx) => {
  const p = requireArea(ctx.principal, "dashboard");
  return render(
    ctx,
    <section class="card">
      <h1>Welcome</h1>
      <p>
        Signed in as <strong safe>{p.email}</strong> ({p.role.replace("_", " ")}).
      </p>
    </section>,
    "Dashboard",
  );
};
