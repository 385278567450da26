/** @jsxImportSource @kitajs/html */
/** GET /: a status page until the admin console (issue 4) takes this route over. */
import { Elysia } from "elysia";
import { HomePage } from "../../../views/pages/home.tsx";
import { pickLocale, withLocale } from "../../i18n/i18n.ts";
import { render } from "../render.ts";

export const home = (deps: { version: string; dbMode: () => string }) =>
  new Elysia().get("/", ({ request }) =>
    withLocale(pickLocale(null, request.headers.get("accept-language")), () => render(request, <HomePage version={deps.version} dbMode={deps.dbMode()} />)),
  );
