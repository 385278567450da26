/** Offset pagination for admin lists: fetch one row more than shown to know whether a next page exists. */
export const PAGE_SIZE = 25;

export type { Page } from "../../../views/admin/page.ts";
import type { Page } from "../../../views/admin/page.ts";

export function pageWindow(page: number, size = PAGE_SIZE): { limit: number; offset: number } {
  const p = Number.isFinite(page) && page >= 1 ? Math.floor(page) : 1;
  return { limit: size + 1, offset: (p - 1) * size };
}

export function toPage<T>(rows: T[], page: number, size = PAGE_SIZE): Page<T> {
  return { rows: rows.slice(0, size), page: Math.max(1, Math.floor(page) || 1), hasNext: rows.length > size };
}

/** A page of a list already in memory (tenants, agents, channels: small tables read whole). */
export function slicePage<T>(rows: T[], page: number, size = PAGE_SIZE): Page<T> {
  const { offset } = pageWindow(page, size);
  return toPage(rows.slice(offset, offset + size + 1), page, size);
}
