/** Query-string filters of the list pages: anything malformed is treated as "no filter", never passed to SQL. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const filterId = (v: string | undefined): string | undefined => (v && UUID.test(v) ? v : undefined);

export const filterDate = (v: string | undefined): string | undefined => (v && DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? v : undefined);

export const pageNumber = (v: string | undefined): number => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
};

/** Free text compared for equality (an actor's e-mail): trimmed, bounded, empty = no filter. */
export const filterText = (v: string | undefined, max = 320): string | undefined => {
  const t = (v ?? "").trim();
  return t && t.length <= max ? t : undefined;
};
