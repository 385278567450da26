/// <reference types="@kitajs/html/all-types.d.ts" />
declare module "*.css" {
  const text: string;
  export default text;
}
