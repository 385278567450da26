/** @jsxImportSource @kitajs/html */
/** Tenants (platform admins): the list, and the create/edit form. */
import type { Tenant } from "../../src/db/schema/index.ts";
import { Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import type { Page } from "./page.ts";
import { Empty, PageHead, Pager, when } from "./parts.tsx";
import { t as tr } from "../../src/i18n/i18n.ts";

export function TenantList(props: { tenants: Page<Tenant>; flash?: string }): JSX.Element {
  return (
    <section>
      <PageHead title={tr("nav.tenants")}>
        <a href="/admin/tenants/new" class="button">{tr("tenants.newTenant")}</a>
      </PageHead>
      <Flash message={props.flash} />
      {props.tenants.rows.length === 0 && props.tenants.page === 1 ? (
        <Empty>
          <p>{tr("tenants.noTenantYetATenant")}</p>
          <p><a href="/admin/tenants/new">{tr("common.createFirstTenant")}</a></p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{tr("common.name")}</th><th scope="col">{tr("agents.slug")}</th><th scope="col">{tr("tenants.managedBy")}</th><th scope="col">{tr("common.created")}</th></tr></thead>
            <tbody>
              {props.tenants.rows.map((t) => (
                <tr>
                  <td><a href={`/admin/tenants/${t.id}`} safe>{t.name}</a></td>
                  <td safe>{t.slug}</td>
                  <td>{t.source === "config" ? "konstruct.config.yaml" : "console"}</td>
                  <td>{when(t.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager base="/admin/tenants" params={{}} page={props.tenants.page} hasNext={props.tenants.hasNext} />
        </div>
      )}
    </section>
  );
}

export function TenantFormView(props: { csrf: string; tenant: Tenant | null; values: Record<string, string>; errors?: FieldErrors; flash?: string }): JSX.Element {
  const t = props.tenant;
  return (
    <section class="card">
      <h1>{t ? tr("tenants.editTenant") : tr("tenants.newTenant")}</h1>
      <Flash message={props.flash} />
      {t?.source === "config" ? <p class="muted">{tr("tenants.thisTenantIsDeclaredIn")}</p> : ""}
      <form method="post" action={t ? `/admin/tenants/${t.id}` : "/admin/tenants"} class="stack">
        <Csrf token={props.csrf} />
        <Text name="name" label={tr("common.name")} values={props.values} errors={props.errors} required />
        <Text name="slug" label={tr("agents.slug")} values={props.values} errors={props.errors} required hint={tr("tenants.shortIdUsedInThe")} />
        <div class="actions">
          <button type="submit">{t ? tr("common.save") : tr("tenants.createTenant")}</button>
          <a href="/admin/tenants">{tr("common.cancel")}</a>
        </div>
      </form>
      {t ? (
        <form method="post" action={`/admin/tenants/${t.id}/delete`} class="actions danger">
          <Csrf token={props.csrf} />
          <p class="muted">{tr("tenants.deletingATenantDeletesIts")}</p>
          <button type="submit" class="secondary">{tr("tenants.deleteTenant")}</button>
        </form>
      ) : ""}
    </section>
  );
}
