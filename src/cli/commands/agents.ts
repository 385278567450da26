/**
 * `konstruct agents templates | new --template ID --tenant SLUG`: hire an AI employee from a role
 * template without a browser. The template becomes the Agent Designer's fields (template-form.ts)
 * and is saved through the Designer's own parse and save, so the CLI cannot store what the console
 * would refuse. On the embedded database the server must not be running (one process owns the data dir).
 */
import { eq } from "drizzle-orm";
import { resolve } from "node:path";
import { listAgents, parseAgentForm, saveAgent } from "../../admin/agents/save.ts";
import { modelHint, templateToForm } from "../../admin/agents/template-form.ts";
import { openDatabase } from "../../db/database.ts";
import { migrate } from "../../db/migrate.ts";
import { tenants } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { listTemplates } from "../../templates/catalog.ts";
import { formatTemplateProblem } from "../../templates/format.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

export const agents: Command = {
  name: "agents",
  usage: `Usage: konstruct agents templates
       konstruct agents new --template ID --tenant SLUG [--name NAME] [--models provider/model,...]

templates   the role templates (bundled, and data_dir/templates/<id>.md); invalid files are named
            with their problem (exit 1)
new         hire an AI employee from a template into a tenant; migrates the database first

Options:
      --template ID     the template's id (see 'konstruct agents templates')
  -t, --tenant SLUG     the tenant that hires
  -n, --name NAME       the AI employee's name (default: the template's); its slug follows
  -m, --models LIST     model chain, comma separated (default: that of the tenant's first AI employee)
${COMMON_USAGE}`,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "--help" || sub === "-h") return console.log(this.usage), 0;
    if (sub !== "templates" && sub !== "new") throw new KonstructError("usage", `unknown agents subcommand '${sub ?? ""}' (see konstruct agents --help)`);
    const { values } = parse(rest, { template: { type: "string" }, tenant: { type: "string", short: "t" }, name: { type: "string", short: "n" }, models: { type: "string", short: "m" } });
    if (values.help) return console.log(this.usage), 0;
    const { config } = load(values.config);
    const catalog = listTemplates(resolve(config.data_dir));
    for (const p of catalog.problems) console.error(`template not loaded: ${formatTemplateProblem(p)}`);
    if (sub === "templates") {
      for (const t of catalog.templates) console.log(`${t.id.padEnd(24)} ${t.source.padEnd(8)} ${t.title} — ${modelHint(t).slice(0, 60)}`);
      return catalog.problems.length ? 1 : 0;
    }
    if (!values.template || !values.tenant) throw new KonstructError("usage", "new needs --template ID and --tenant SLUG (see konstruct agents --help)");
    const template = catalog.templates.find((t) => t.id === values.template);
    if (!template) throw new KonstructError("not_found", `no template '${values.template}' (see konstruct agents templates)`);
    const db = await openDatabase({ url: config.database.url, dataDir: config.data_dir, poolSize: 1, connectAttempts: config.database.connect_attempts });
    try {
      await migrate(db.driver.raw);
      const [t] = await db.platform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, values.tenant!)));
      if (!t) throw new KonstructError("not_found", `no tenant with slug '${values.tenant}'`);
      const models = values.models ? values.models.split(",").map((m) => m.trim()).filter(Boolean) : ((await listAgents(db, t.id))[0]?.models ?? []);
      if (!models.length) throw new KonstructError("usage", `the tenant has no AI employee to copy a model chain from: pass --models provider/model (hint: ${modelHint(template)})`);
      const parsed = parseAgentForm(templateToForm(template, { name: values.name, models }));
      const saved = parsed.ok ? await saveAgent(db, t.id, null, parsed.value, { author: "konstruct CLI", source: "console" }) : { errors: parsed.errors };
      if ("errors" in saved) throw new KonstructError("usage", Object.entries(saved.errors).map(([k, v]) => `${k}: ${v}`).join("; "));
      const f = parsed.ok ? parsed.value : null;
      console.log(`hired ${f!.name} (${f!.slug}) as ${template.title} in ${values.tenant}: id ${saved.id}`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
