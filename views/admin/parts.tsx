/** @jsxImportSource @kitajs/html */
/** Pieces shared by the console's list pages: tenant picker, pager, empty state, number formats. */
import type { Children } from "@kitajs/html";
import { formatDateTime, formatMoney, formatNumber } from "../../src/i18n/format.ts";
import { type MessageKey, t } from "../../src/i18n/i18n.ts";
import type { Scope } from "./scope.ts";

/** A platform admin's tenant switch: a plain GET form, so it works without script and by keyboard. */
export function TenantPicker(props: { scope: Scope; action: string }): JSX.Element {
  if (props.scope.tenants.length === 0) return <></>;
  return (
    <form method="get" action={props.action} class="inline picker">
      <label for="f-tenant-pick">
        <span>{t("common.tenant")}</span>
        <select id="f-tenant-pick" name="tenant">
          {props.scope.tenants.map((t) => (
            <option value={t.id} selected={t.id === props.scope.tenantId} safe>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="secondary">{t("common.switch")}</button>
    </form>
  );
}

/** Previous/next links that keep the current filters. */
export function Pager(props: { base: string; params: Record<string, string | undefined>; page: number; hasNext: boolean }): JSX.Element {
  if (props.page <= 1 && !props.hasNext) return <></>;
  const href = (page: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(props.params)) if (v && k !== "page") q.set(k, v);
    q.set("page", String(page));
    return `${props.base}?${q}`;
  };
  return (
    <nav class="pager" aria-label={t("common.pages")}>
      {props.page > 1 ? <a href={href(props.page - 1)} rel="prev">{t("common.previous")}</a> : <span />}
      <span class="muted">{t("common.page", { page: props.page })}</span>
      {props.hasNext ? <a href={href(props.page + 1)} rel="next">{t("common.next")}</a> : <span />}
    </nav>
  );
}

export function Empty(props: { children: Children }): JSX.Element {
  return <div class="empty">{props.children}</div>;
}

export function NoTenant(): JSX.Element {
  return (
    <Empty>
      <p>{t("common.noTenant")}</p>
      <p>
        <a href="/admin/tenants/new">{t("common.createFirstTenant")}</a> {t("common.noTenantHint")}
      </p>
    </Empty>
  );
}

/** Money, times and counts in the request's language (src/i18n/format.ts). */
export const usd = formatMoney;
export const when = (d: Date | null | undefined): string => formatDateTime(d);
export const int = (n: number): string => formatNumber(n);

/** A page header with the title, the tenant picker and an optional action. */
export function PageHead(props: { title: string; scope?: Scope; action?: string; children?: Children }): JSX.Element {
  return (
    <div class="page-head">
      <h1 safe>{props.title}</h1>
      {props.children}
      {props.scope && props.action ? <TenantPicker scope={props.scope} action={props.action} /> : ""}
    </div>
  );
}

const ROLES = new Set(["platform_admin", "tenant_admin", "operator"]);
/** A console role in words, in the request's language. */
export const roleName = (role: string): string => (ROLES.has(role) ? t(`common.role.${role}` as MessageKey) : role.replace("_", " "));
