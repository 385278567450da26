/**
 * The OpenAI-compatible API, outside the admin console's auth (its own bearer keys, keys.ts):
 *   POST /v1/chat/completions   one turn of the AI employee named by `model` (`<tenant>/<agent>`)
 *   GET  /v1/models             the AI employees this key may use
 * Order of checks: key (401) → rate limit per key (429) → body (400; bounded before it is read,
 * http/body-limit.ts) → model (404, the same for unknown and not-yours) → budget (429) → the turn.
 * Every error is in OpenAI's shape (errors.ts).
 */
import { Elysia } from "elysia";
import type { Logger } from "pino";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import type { Connections } from "../gateway/connections.ts";
import { MemoryBucketStore } from "../gateway/limits/memory.ts";
import type { BucketStore } from "../gateway/limits/bucket.ts";
import type { SecretBox } from "../secrets/box.ts";
import { completionJson, completionStream } from "./completion.ts";
import { badKey, badRequest, errorJson, OpenAiError, toOpenAiError } from "./errors.ts";
import { type KeyScope, keyScope } from "./keys.ts";
import { listModels, resolveModel } from "./models.ts";
import { parseCompletion } from "./request.ts";
import { beginTurn } from "./turn.ts";

export interface OpenAiDeps {
  config: Config;
  log: Logger;
  db: () => Database | null;
  connections: () => Connections | null;
  secrets: () => SecretBox | null;
}

export function openAiApi(deps: OpenAiDeps) {
  let store: Promise<BucketStore> | null = null;
  const buckets = () =>
    (store ??= deps.config.redis.url
      ? import("../gateway/limits/redis.ts").then((m) => m.createRedisBucketStore(deps.config.redis.url, { log: deps.log }))
      : Promise.resolve(new MemoryBucketStore()));

  /** The database and the caller's key scope, rate-limited per key. */
  async function authorize(request: Request): Promise<{ db: Database; scope: KeyScope }> {
    const db = deps.db();
    if (!db) throw new OpenAiError(503, "starting; try again in a moment", "server_error", "unavailable");
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const scope = bearer ? await keyScope(db, bearer) : null;
    if (!scope) throw badKey();
    const { capacity, refill_per_sec } = deps.config.api.key;
    const taken = await (await buckets()).take(`api:${scope.keyId}`, capacity, refill_per_sec);
    if (!taken.allowed) {
      const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      throw new OpenAiError(429, `Rate limit of this API key reached; try again in ${seconds} s.`, "rate_limit_error", "rate_limit_exceeded", null, { "retry-after": String(seconds) });
    }
    return { db, scope };
  }

  const failed = (e: unknown) => {
    const err = toOpenAiError(e);
    if (err.status >= 500 && !(e instanceof OpenAiError)) deps.log.error({ err: e }, "openai api request failed");
    return errorJson(err);
  };

  return new Elysia()
    .get("/v1/models", async ({ request }) => {
      try {
        const { db, scope } = await authorize(request);
        return Response.json(await listModels(db, scope));
      } catch (e) {
        return failed(e);
      }
    })
    .post(
      "/v1/chat/completions",
      async ({ request }) => {
        try {
          const { db, scope } = await authorize(request);
          const req = parseCompletion(await request.text(), request.headers, deps.config.api.max_messages);
          const idem = request.headers.get("idempotency-key");
          if (idem !== null && (idem.length < 1 || idem.length > 200)) throw badRequest("Idempotency-Key: 1-200 characters");
          const { agent } = await resolveModel(db, scope, req.model);
          const box = deps.secrets();
          if (!box) throw new OpenAiError(503, "starting; try again in a moment", "server_error", "unavailable");
          const turnDeps = { db, box, connections: deps.connections(), timeoutMs: deps.config.api.timeout_seconds * 1000 };
          const meta = { id: `chatcmpl-${crypto.randomUUID()}`, model: req.model, created: Math.floor(Date.now() / 1000) };
          const wait = await beginTurn(turnDeps, scope, agent, req, idem);
          if (!req.stream) return Response.json(completionJson(meta, await wait(), req.conversation));
          return completionStream(meta, req.includeUsage, req.conversation, wait(), (e) => deps.log.warn({ err: e }, "openai api stream ended in an error"));
        } catch (e) {
          return failed(e);
        }
      },
      { parse: "none" },
    );
}
