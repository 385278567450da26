/** GET /healthz: liveness — the process serves requests; says nothing about its dependencies. */
import { Elysia } from "elysia";

export const healthz = () => new Elysia().get("/healthz", () => ({ status: "ok" }));
