/// <reference types="@kitajs/html/all-types.d.ts" />
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "htmx.org/dist/htmx.min.js" {
  /** Imported `with { type: "file" }`: the path of the embedded file. */
  const path: string;
  export default path;
}
declare module "*/static/app.js" {
  /** The console's script, imported `with { type: "text" }`. */
  const text: string;
  export default text;
}
declare module "*/static/inbox-keys.js" {
  /** The console inbox's keyboard shortcuts, imported `with { type: "text" }`. */
  const text: string;
  export default text;
}
declare module "*/widget/client.js" {
  /** The website widget's script, imported `with { type: "text" }`. */
  const text: string;
  export default text;
}
