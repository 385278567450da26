/** One page of a console list, as the views receive it (built by src/admin/queries/page.ts). */
export interface Page<T> {
  rows: T[];
  page: number;
  hasNext: boolean;
}
