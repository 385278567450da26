/**
 * Ingestion is a durable job: an app stopped while a document is being embedded resumes after the
 * restart and finishes it, every chunk embedded once with the current model; with the model
 * missing, the document fails visibly with the reason (and an upload of it again retries).
 */
import { afterAll, expect, test } from "bun:test";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../src/db/set-sql.ts";
import { tenantAdmins } from "../support/admin.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { tempDir } from "../support/db.ts";
import { MODELS_DIR, TEST_MODEL } from "../support/models.ts";

const apps: TestApp[] = [];
const models = tempDir("konstruct-models-");
afterAll(async () => {
  for (const a of apps) await a.cleanup();
  models.remove();
});

const manual = () => {
  const sections = Array.from({ length: 120 }, (_, i) => `## Procedure ${i}\n\n${`Step ${i} of the procedure explains what to check before continuing with the next task. `.repeat(8)}`);
  const form = new FormData();
  form.append("file", new Blob([`# Operations Manual\n\n${sections.join("\n\n")}`], { type: "text/markdown" }), "manual.md");
  return form;
};

test("stopped mid-embedding, the job resumes after restart and finishes", async () => {
  const t = await startTestApp("embedded", { embeddings: { models_dir: MODELS_DIR }, tenants: [{ slug: "acme", name: "Acme" }] });
  apps.push(t);
  const { acme } = await tenantAdmins(() => t.app, ["acme"]);
  const res = await acme.api("/api/v1/kb/acme/documents", { method: "POST", body: manual() });
  const { documents } = (await res.json()) as { documents: { id: string; chunksTotal: number }[] };
  const { id, chunksTotal } = documents[0]!;
  const progress = async () => ((await (await acme.api(`/api/v1/kb/acme/documents/${id}`)).json()) as { document: { status: string; chunksDone: number } }).document;
  await eventually(async () => (await progress()).chunksDone > 0, 30_000, "embedding started");
  await t.app.stop();
  await t.restart();
  const midway = await progress();
  expect(midway.chunksDone).toBeLessThan(chunksTotal);
  await t.app.semantic.jobs.drained();
  expect(await progress()).toMatchObject({ status: "ready", chunksDone: chunksTotal });
  const tenantId = (await t.app.db.platform((tx) => rowsOf<{ id: string }>(tx, sql`select id from tenants where slug = 'acme'`)))[0]!.id;
  const rows = await t.app.db.withTenant(tenantId, (tx) => rowsOf<{ model: string; n: number }>(tx, sql`select model, count(*)::int as n from kb_chunks group by model`));
  expect(rows).toEqual([{ model: TEST_MODEL, n: chunksTotal }]);
}, 120_000);

test("with the model missing the document fails visibly; uploading it again after the fix retries", async () => {
  // Not the built-in id (that one is always there): a model the admin has yet to install.
  const model = "acme/handbook-model";
  const t = await startTestApp("embedded", { embeddings: { models_dir: models.path, model }, tenants: [{ slug: "acme", name: "Acme" }] });
  apps.push(t);
  const { acme } = await tenantAdmins(() => t.app, ["acme"]);
  const post = () => acme.api("/api/v1/kb/acme/documents", { method: "POST", body: manual() });
  const { documents } = (await (await post()).json()) as { documents: { id: string }[] };
  const get = async () => ((await (await acme.api(`/api/v1/kb/acme/documents/${documents[0]!.id}`)).json()) as { document: { status: string; error: string | null } }).document;
  const failed = await eventually(async () => ((await get()).status === "failed" ? get() : null), 30_000, "document failed");
  expect(failed.error).toContain(`embedding model ${model}`);
  // The admin installs the model and uploads the document again.
  cpSync(join(MODELS_DIR, TEST_MODEL), join(models.path, model), { recursive: true });
  await t.restart();
  expect((await post()).status).toBe(201);
  await t.app.semantic.jobs.drained();
  expect(await get()).toMatchObject({ status: "ready", error: null });
}, 120_000);
