/** @jsxImportSource @kitajs/html */
import { Csrf, Field, type FieldErrors, Flash, PostButton } from "./form.tsx";

export interface UserRow {
  id: string;
  email: string;
  role: string;
  tenantId: string | null;
}
export interface InvitationRow {
  id: string;
  email: string;
  role: string;
  tenantId: string;
  expiresAt: Date;
}

export interface UsersPageProps {
  csrf: string;
  selfId: string;
  /** Present for a platform admin: invitations may target any tenant. */
  tenants: { id: string; name: string }[] | null;
  users: UserRow[];
  invitations: InvitationRow[];
  flash?: string;
  /** An invitation link shown once, when no SMTP server is configured. */
  inviteLink?: string;
  errors?: FieldErrors;
  form?: { email?: string; role?: string; tenantId?: string };
}

const roleLabel = (r: string) => r.replace("_", " ");

export function UsersPage(props: UsersPageProps): JSX.Element {
  const tenantName = (id: string | null) => (id ? (props.tenants?.find((t) => t.id === id)?.name ?? "") : "all tenants");
  return (
    <section class="card">
      <h1>Users</h1>
      <Flash message={props.flash} />
      {props.inviteLink && (
        <div class="flash" role="status">
          <p>No mail server is configured: send this link to the invitee yourself. It is shown only now and works once.</p>
          <p class="secret-once" safe>{props.inviteLink}</p>
        </div>
      )}
      <table>
        <thead>
          <tr><th>E-mail</th><th>Role</th>{props.tenants && <th>Tenant</th>}<th><span class="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <td safe>{u.email}</td>
              <td safe>{roleLabel(u.role)}</td>
              {props.tenants && <td safe>{tenantName(u.tenantId)}</td>}
              <td>
                {u.id !== props.selfId && u.role !== "platform_admin" && (
                  <>
                    <form method="post" action={`/admin/users/${u.id}/role`} class="inline">
                      <Csrf token={props.csrf} />
                      <input type="hidden" name="role" value={u.role === "operator" ? "tenant_admin" : "operator"} />
                      <button type="submit" class="secondary">{u.role === "operator" ? "Make tenant admin" : "Make operator"}</button>
                    </form>
                    <PostButton action={`/admin/users/${u.id}/delete`} csrf={props.csrf} label="Remove" />
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Pending invitations</h2>
      {props.invitations.length === 0 ? (
        <p class="muted">No pending invitations. Invite someone below.</p>
      ) : (
        <table>
          <thead>
            <tr><th>E-mail</th><th>Role</th>{props.tenants && <th>Tenant</th>}<th>Expires</th><th><span class="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            {props.invitations.map((i) => (
              <tr>
                <td safe>{i.email}</td>
                <td safe>{roleLabel(i.role)}</td>
                {props.tenants && <td safe>{tenantName(i.tenantId)}</td>}
                <td safe>{i.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC</td>
                <td>
                  <PostButton action={`/admin/invitations/${i.id}/revoke`} csrf={props.csrf} label="Revoke" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Invite someone</h2>
      {props.tenants?.length === 0 ? (
        <p class="muted">Create a tenant first; invited users belong to one.</p>
      ) : (
        <form method="post" action="/admin/users/invite" class="stack">
          <Csrf token={props.csrf} />
          <Field name="email" label="E-mail" type="email" value={props.form?.email} errors={props.errors} />
          <Field name="role" label="Role" errors={props.errors}>
            <select id="f-role" name="role">
              <option value="operator" selected={props.form?.role !== "tenant_admin"}>Operator (read only)</option>
              <option value="tenant_admin" selected={props.form?.role === "tenant_admin"}>Tenant admin</option>
            </select>
          </Field>
          {props.tenants && (
            <Field name="tenant_id" label="Tenant" errors={props.errors}>
              <select id="f-tenant_id" name="tenant_id">
                {props.tenants.map((t) => (
                  <option value={t.id} selected={props.form?.tenantId === t.id} safe>{t.name}</option>
                ))}
              </select>
            </Field>
          )}
          <button type="submit">Send invitation</button>
        </form>
      )}
    </section>
  );
}
