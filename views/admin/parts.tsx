/** @jsxImportSource @kitajs/html */
/** Pieces shared by the console's list pages: tenant picker, pager, empty state, number formats. */
import type { Children } from "@kitajs/html";
import type { Scope } from "./scope.ts";

/** A platform admin's tenant switch: a plain GET form, so it works without script and by keyboard. */
export function TenantPicker(props: { scope: Scope; action: string }): JSX.Element {
  if (props.scope.tenants.length === 0) return <></>;
  return (
    <form method="get" action={props.action} class="inline picker">
      <label for="f-tenant-pick">
        <span>Tenant</span>
        <select id="f-tenant-pick" name="tenant">
          {props.scope.tenants.map((t) => (
            <option value={t.id} selected={t.id === props.scope.tenantId} safe>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="secondary">Switch</button>
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
    <nav class="pager" aria-label="Pages">
      {props.page > 1 ? <a href={href(props.page - 1)} rel="prev">← Previous</a> : <span />}
      <span class="muted">Page {String(props.page)}</span>
      {props.hasNext ? <a href={href(props.page + 1)} rel="next">Next →</a> : <span />}
    </nav>
  );
}

export function Empty(props: { children: Children }): JSX.Element {
  return <div class="empty">{props.children}</div>;
}

export function NoTenant(): JSX.Element {
  return (
    <Empty>
      <p>There is no tenant yet.</p>
      <p>
        <a href="/admin/tenants/new">Create the first tenant</a> — a company whose AI employees, channels and usage live here.
      </p>
    </Empty>
  );
}

export const usd = (n: number): string => `$${n < 1 && n > 0 ? n.toFixed(4) : n.toFixed(2)}`;
export const when = (d: Date | null | undefined): string => (d ? d.toISOString().replace("T", " ").slice(0, 19) + " UTC" : "—");
export const int = (n: number): string => n.toLocaleString("en-US");

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
