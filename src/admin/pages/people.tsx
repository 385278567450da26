/** @jsxImportSource @kitajs/html */
/**
 * /admin/people: one person's data in the tenant (src/privacy/) — what each AI employee remembers
 * about them (delete one memory), a JSON export, and "Erase this person" — for tenant admins only
 * (personal data). Erasing takes a confirmation: the person's id typed again, so a stray click or a
 * forged form without it erases nothing. Forms carry CSRF like every console form.
 */
import { and, asc, eq } from "drizzle-orm";
import { PeopleView, type PeopleProps } from "../../../views/admin/people.tsx";
import { agents, memories } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { erasePerson } from "../../privacy/erase.ts";
import { exportPerson } from "../../privacy/export.ts";
import { listPeople, MAX_USER_KEY } from "../../privacy/person.ts";
import { audit } from "../../agent/audit.ts";
import { requireAdmin } from "../auth/principal.ts";
import { isUniqueViolation } from "../forms.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext as PageCtx } from "../lazy.ts";
import { formText, idParam } from "../request.ts";
import type { AdminDeps } from "../routes.ts";
import { pageScope } from "../scope.ts";
import { t, tText } from "../../i18n/i18n.ts";

/** A memory as the People page edits it (the remember tool's facts are far shorter). */
const MAX_MEMORY = 2000;

async function scoped(deps: AdminDeps, ctx: PageCtx) {
  const s = await pageScope(deps, ctx, "people");
  if (s.tenantId) requireAdmin(s.p, s.tenantId);
  return s;
}

function userKeyOf(raw: string | undefined): string {
  const key = (raw ?? "").trim();
  if (key.length > MAX_USER_KEY) throw new KonstructError("bad_request", `person: at most ${MAX_USER_KEY} characters`);
  return key;
}

async function view(deps: AdminDeps, ctx: PageCtx, userKey: string, extra: Partial<PeopleProps> = {}, status = 200): Promise<Response> {
  const { db, scope, tenantId } = await scoped(deps, ctx);
  const props: PeopleProps = { scope, csrf: ctx.csrfToken, people: null, person: userKey, memories: [], flash: flashMessage(ctx.query.flash), ...extra };
  if (tenantId)
    await db.withTenant(tenantId, async (tx) => {
      props.people = await listPeople(tx);
      if (userKey)
        props.memories = await tx
          .select({ id: memories.id, agent: agents.name, kind: memories.kind, content: memories.content, createdAt: memories.createdAt })
          .from(memories)
          .innerJoin(agents, and(eq(agents.tenantId, memories.tenantId), eq(agents.id, memories.agentId)))
          .where(eq(memories.userKey, userKey))
          .orderBy(asc(agents.name), asc(memories.createdAt));
    });
  return render(ctx, <PeopleView {...props} />, t("nav.people"), status);
}

/** GET /admin/people[?user=<id>] */
export const showPeople = (deps: AdminDeps, ctx: PageCtx) => view(deps, ctx, userKeyOf(ctx.query.user));

/** GET /admin/people/export?user=<id> — a JSON download. */
export async function exportPersonJson(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { db, tenantId } = await scoped(deps, ctx);
  const userKey = userKeyOf(ctx.query.user);
  if (!tenantId || !userKey) throw new KonstructError("not_found", "no such person");
  const body = JSON.stringify(await exportPerson(db, tenantId, userKey), null, 2);
  return new Response(body, { headers: { "content-type": "application/json; charset=utf-8", "content-disposition": 'attachment; filename="person.json"', "cache-control": "no-store" } });
}

/** POST /admin/people/memories/:id/delete?user=<id> */
export async function deleteMemoryForm(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { db, tenantId } = await scoped(deps, ctx);
  const userKey = userKeyOf(ctx.query.user);
  const id = idParam(ctx.params.id, "memory");
  const done = tenantId ? await db.withTenant(tenantId, (tx) => tx.delete(memories).where(and(eq(memories.id, id), eq(memories.userKey, userKey))).returning({ id: memories.id })) : [];
  if (!done.length) throw new KonstructError("not_found", "no such memory");
  return redirect(ctx.request, withFlash(`/admin/people?tenant=${tenantId}&user=${encodeURIComponent(userKey)}`, "memory_deleted"));
}

/** POST /admin/people/memories/:id?user=<id> — `content`: the memory's new text, embedded again; audited (without the text). */
export async function editMemoryForm(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, tenantId } = await scoped(deps, ctx);
  const userKey = userKeyOf(ctx.query.user);
  const id = idParam(ctx.params.id, "memory");
  const memory = deps.knowledge()?.memory;
  if (!tenantId || !memory) throw new KonstructError("not_found", "no such memory");
  const content = formText(ctx.body, "content").slice(0, MAX_MEMORY + 1).trim();
  const error = !content ? "write what the AI employee should remember, or delete the memory" : content.length > MAX_MEMORY ? `at most ${MAX_MEMORY} characters` : null;
  if (error) return view(deps, ctx, userKey, { errors: { [`memory-${id}`]: error } }, 400);
  try {
    const done = await memory.revise(tenantId, id, userKey, content, (tx, m) =>
      audit(tx, { tenantId, kind: "privacy.memory_edit", agentId: m.agentId, actor: p.email, summary: "edited a memory about a person", data: { memory: id } }),
    );
    if (!done) throw new KonstructError("not_found", "no such memory");
  } catch (e) {
    if (isUniqueViolation(e)) return view(deps, ctx, userKey, { errors: { [`memory-${id}`]: "another memory of this AI employee about this person already says this" } }, 400);
    throw e;
  }
  return redirect(ctx.request, withFlash(`/admin/people?tenant=${tenantId}&user=${encodeURIComponent(userKey)}`, "memory_edited"));
}

/** POST /admin/people/erase — `user` and `confirm` (the same id typed again). */
export async function erasePersonForm(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) throw new KonstructError("not_found", "no tenant");
  const userKey = userKeyOf(formText(ctx.body, "user").slice(0, MAX_USER_KEY + 1));
  if (!userKey) throw new KonstructError("bad_request", "person: required");
  if (formText(ctx.body, "confirm").trim() !== userKey) return view(deps, ctx, userKey, { errors: { confirm: tText("people.confirmId") } }, 400);
  const counts = await erasePerson(db, tenantId, userKey, p.email, deps.attachments() ?? undefined);
  return view(deps, ctx, "", { erased: counts });
}
