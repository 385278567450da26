/** GET /static/*: assets compiled into the binary; immutable per build. htmx comes from the pinned npm package. */
import { Elysia } from "elysia";
// A file, not a string: it is read from the binary when asked for instead of living in the heap.
import htmxFile from "htmx.org/dist/htmx.min.js" with { type: "file" };
import css from "../../../views/static/app.css" with { type: "text" };
import js from "../../../views/static/app.js" with { type: "text" };
import inboxKeys from "../../../views/static/inbox-keys.js" with { type: "text" };

const ASSETS: Record<string, { body: () => string | Blob; type: string }> = {
  "app.css": { body: () => css, type: "text/css; charset=utf-8" },
  "app.js": { body: () => js, type: "text/javascript; charset=utf-8" },
  "inbox-keys.js": { body: () => inboxKeys, type: "text/javascript; charset=utf-8" },
  "htmx.min.js": { body: () => Bun.file(htmxFile), type: "text/javascript; charset=utf-8" },
};

export const staticAssets = () =>
  new Elysia().get("/static/:file", ({ params, set }) => {
    const asset = ASSETS[params.file];
    if (!asset) return ((set.status = 404), "not found");
    return new Response(asset.body(), {
      headers: { "content-type": asset.type, "cache-control": "public, max-age=3600" },
    });
  });
