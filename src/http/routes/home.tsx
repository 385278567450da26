/** @jsxImportSource @kitajs/html */
/** GET /: a status page until the admin console (issue 4) takes this route over. */
import { Elysia } from "elysia";
import { HomePage } from "../../../views/pages/home.tsx";
import { render } from "../render.ts";

export const home = (deps: { version: string; dbMode: () => string }) =>
  new Elysia().get("/", ({ request }) => render(request, <HomePage version={deps.version} dbMode={deps.dbMode()} />));
