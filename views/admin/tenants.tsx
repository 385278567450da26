/** @jsxImportSource @kitajs/html */
/** Tenants (platform admins): the list, and the create/edit form. */
import type { Tenant } from "../../src/db/schema/index.ts";
import { Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import type { Page } from "./page.ts";
import { Empty, PageHead, Pager, when } from "./parts.tsx";

export function TenantList(props: { tenants: Page<Tenant>; flash?: string }): JSX.Element {
  return (
    <section>
      <PageHead title="Tenants">
        <a href="/admin/tenants/new" class="button">New tenant</a>
      </PageHead>
      <Flash message={props.flash} />
      {props.tenants.rows.length === 0 && props.tenants.page === 1 ? (
        <Empty>
          <p>No tenant yet. A tenant is one company: its AI employees, channels, users and usage are kept apart from every other tenant's.</p>
          <p><a href="/admin/tenants/new">Create the first tenant</a></p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Slug</th><th scope="col">Managed by</th><th scope="col">Created</th></tr></thead>
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
      <h1>{t ? "Edit tenant" : "New tenant"}</h1>
      <Flash message={props.flash} />
      {t?.source === "config" ? <p class="muted">This tenant is declared in konstruct.config.yaml; the file wins at the next start.</p> : ""}
      <form method="post" action={t ? `/admin/tenants/${t.id}` : "/admin/tenants"} class="stack">
        <Csrf token={props.csrf} />
        <Text name="name" label="Name" values={props.values} errors={props.errors} required />
        <Text name="slug" label="Slug" values={props.values} errors={props.errors} required hint="Short id used in the CLI and in config, e.g. acme" />
        <div class="actions">
          <button type="submit">{t ? "Save" : "Create tenant"}</button>
          <a href="/admin/tenants">Cancel</a>
        </div>
      </form>
      {t ? (
        <form method="post" action={`/admin/tenants/${t.id}/delete`} class="actions danger">
          <Csrf token={props.csrf} />
          <p class="muted">Deleting a tenant deletes its AI employees, channels and conversations.</p>
          <button type="submit" class="secondary">Delete tenant</button>
        </form>
      ) : ""}
    </section>
  );
}
