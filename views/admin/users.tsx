/** @jsxImportSource @kitajs/html */
import { formatDateTime } from "../../src/i18n/format.ts";
import { t } from "../../src/i18n/i18n.ts";
import { roleName } from "./parts.tsx";
import { Csrf, Field, type FieldErrors, Flash, PostButton } from "./form.tsx";

export interface UserRow {
  id: string;
  email: string;
  role: string;
  tenantId: string | null;
  totpEnabledAt?: Date | null;
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
  /** The tenants whose two-factor rule this admin may set, with the rule. */
  twoFactorPolicy: { id: string; name: string; require: boolean }[];
  flash?: string;
  /** An invitation link shown once, when no SMTP server is configured. */
  inviteLink?: string;
  errors?: FieldErrors;
  form?: { email?: string; role?: string; tenantId?: string };
}

const roleLabel = roleName;

export function UsersPage(props: UsersPageProps): JSX.Element {
  const tenantName = (id: string | null) => (id ? (props.tenants?.find((x) => x.id === id)?.name ?? "") : t("common.allTenants"));
  return (
    <section class="card">
      <h1>{t("users.title")}</h1>
      <Flash message={props.flash} />
      {props.inviteLink && (
        <div class="flash" role="status">
          <p>{t("users.linkOnce")}</p>
          <p class="secret-once" safe>{props.inviteLink}</p>
        </div>
      )}
      <table>
        <thead>
          <tr><th>{t("common.email")}</th><th>{t("common.role")}</th>{props.tenants && <th>{t("users.tenant")}</th>}<th>{t("twoFactor.column")}</th><th><span class="visually-hidden">{t("common.actions")}</span></th></tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <td safe>{u.email}</td>
              <td>{roleLabel(u.role)}</td>
              {props.tenants && <td safe>{tenantName(u.tenantId)}</td>}
              <td data-two-factor={u.totpEnabledAt ? "on" : "off"}>{u.totpEnabledAt ? "✓" : "—"}</td>
              <td>
                {u.id !== props.selfId && u.totpEnabledAt && (props.tenants || u.role !== "platform_admin") && (
                  <PostButton action={`/admin/users/${u.id}/two-factor/reset`} csrf={props.csrf} label={t("twoFactor.reset")} />
                )}
                {u.id !== props.selfId && u.role !== "platform_admin" && (
                  <>
                    <form method="post" action={`/admin/users/${u.id}/role`} class="inline">
                      <Csrf token={props.csrf} />
                      <input type="hidden" name="role" value={u.role === "operator" ? "tenant_admin" : "operator"} />
                      <button type="submit" class="secondary">{u.role === "operator" ? t("users.makeAdmin") : t("users.makeOperator")}</button>
                    </form>
                    <PostButton action={`/admin/users/${u.id}/delete`} csrf={props.csrf} label={t("common.remove")} />
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("twoFactor.policyTitle")}</h2>
      {props.twoFactorPolicy.map((x) => (
        <form method="post" action="/admin/users/two-factor-policy" class="inline">
          <Csrf token={props.csrf} />
          <input type="hidden" name="tenant_id" value={x.id} />
          <label>
            <input type="checkbox" name="require" value="on" checked={x.require} />
            <span safe>{props.tenants ? `${x.name}: ${t("twoFactor.policyRequire")}` : t("twoFactor.policyRequire")}</span>
          </label>
          <button type="submit" class="secondary">{t("twoFactor.policySave")}</button>
        </form>
      ))}
      <h2>{t("users.pending")}</h2>
      {props.invitations.length === 0 ? (
        <p class="muted">{t("users.noPending")}</p>
      ) : (
        <table>
          <thead>
            <tr><th>{t("common.email")}</th><th>{t("common.role")}</th>{props.tenants && <th>{t("users.tenant")}</th>}<th>{t("users.expires")}</th><th><span class="visually-hidden">{t("common.actions")}</span></th></tr>
          </thead>
          <tbody>
            {props.invitations.map((i) => (
              <tr>
                <td safe>{i.email}</td>
                <td>{roleLabel(i.role)}</td>
                {props.tenants && <td safe>{tenantName(i.tenantId)}</td>}
                <td>{formatDateTime(i.expiresAt, false)}</td>
                <td>
                  <PostButton action={`/admin/invitations/${i.id}/revoke`} csrf={props.csrf} label={t("common.revoke")} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("users.inviteTitle")}</h2>
      {props.tenants?.length === 0 ? (
        <p class="muted">{t("users.tenantFirst")}</p>
      ) : (
        <form method="post" action="/admin/users/invite" class="stack">
          <Csrf token={props.csrf} />
          <Field name="email" label={t("common.email")} type="email" value={props.form?.email} errors={props.errors} />
          <Field name="role" label={t("common.role")} errors={props.errors}>
            <select id="f-role" name="role">
              <option value="operator" selected={props.form?.role !== "tenant_admin"}>{t("users.roleOperator")}</option>
              <option value="tenant_admin" selected={props.form?.role === "tenant_admin"}>{t("users.roleAdmin")}</option>
            </select>
          </Field>
          {props.tenants && (
            <Field name="tenant_id" label={t("users.tenant")} errors={props.errors}>
              <select id="f-tenant_id" name="tenant_id">
                {props.tenants.map((x) => (
                  <option value={x.id} selected={props.form?.tenantId === x.id} safe>{x.name}</option>
                ))}
              </select>
            </Field>
          )}
          <button type="submit">{t("users.send")}</button>
        </form>
      )}
    </section>
  );
}
