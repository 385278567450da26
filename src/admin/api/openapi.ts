/**
 * The OpenAPI 3.1 description of /api/v1, written by hand (a generator would need the handlers to
 * carry schemas they validate with zod instead). routes.test.ts checks that every /api/v1 route of
 * the router is described here and nothing else is, so the two cannot drift apart.
 */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const uuid: Schema = { type: "string", format: "uuid" };
const time: Schema = { type: "string", format: "date-time" };
const str: Schema = { type: "string" };
const int: Schema = { type: "integer" };
const num: Schema = { type: "number" };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: "null" }] });
const obj = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: "object", properties, required });
const list = (item: Schema, paged = false): Schema => obj(paged ? { items: { type: "array", items: item }, next: nullable(str) } : { items: { type: "array", items: item } });

const tenantParam = { name: "tenantId", in: "path", required: true, schema: uuid };
const idParam = { name: "id", in: "path", required: true, schema: uuid };
const q = (name: string, schema: Schema, description: string) => ({ name, in: "query", required: false, schema, description });
const paging = [q("limit", { ...int, minimum: 1, maximum: 200, default: 50 }, "page size"), q("cursor", str, "`next` of the previous page")];

const errors = {
  "400": { description: "invalid input; `error.message` names the field", content: { "application/json": { schema: ref("Error") } } },
  "401": { description: "no or invalid credentials", content: { "application/json": { schema: ref("Error") } } },
  "403": { description: "the role may not do this (or not for this tenant)", content: { "application/json": { schema: ref("Error") } } },
  "404": { description: "no such resource", content: { "application/json": { schema: ref("Error") } } },
};
const json = (schema: Schema, description = "OK") => ({ description, content: { "application/json": { schema } } });
const op = (summary: string, role: string, ok: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  summary,
  description: `Least role: ${role}.`,
  responses: { ...ok, ...errors },
  ...extra,
});
const body = (schema: Schema) => ({ requestBody: { required: true, content: { "application/json": { schema } } } });
// The knowledge base names its tenant by slug or id (src/http/routes/kb/tenant.ts).
const kbTenantParam = { name: "tenant", in: "path", required: true, schema: str, description: "tenant slug or id" };
const upload = {
  requestBody: {
    required: true,
    content: { "multipart/form-data": { schema: obj({ file: { type: "array", items: { type: "string", format: "binary" }, description: "one or more: .md .txt .html .pdf .docx" } }) } },
  },
};

const agentFields = {
  slug: { ...str, pattern: "^[a-z0-9][a-z0-9-]{0,62}$" },
  name: str,
  role: str,
  persona: str,
  instructions: str,
  models: { type: "array", items: { ...str, description: "provider_id/model, with \" vision\" appended when the model sees images" } },
  budget: obj({ daily_usd: num, monthly_usd: num }, []),
  context_tokens: { ...int, minimum: 256 },
  max_tool_iterations: { ...int, minimum: 0, maximum: 32 },
};

export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "Konstruct admin API",
    version: "1",
    description:
      "JSON API of the admin console. Authenticate with a personal access token (create one under API tokens): `Authorization: Bearer kpat_…`. A token acts with its owner's role; role rules are the console's. Channel credentials and provider keys are never returned.",
  },
  servers: [{ url: "/" }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "personal access token (kpat_…)" } },
    schemas: {
      Error: obj({ error: obj({ code: str, message: str }) }),
      Me: obj({ user_id: uuid, email: str, role: { enum: ["platform_admin", "tenant_admin", "operator"] }, tenant_id: nullable(uuid) }),
      Tenant: obj({ id: uuid, slug: str, name: str, source: { enum: ["config", "ui"] }, created_at: time, updated_at: time }),
      Agent: obj({ id: uuid, tenant_id: uuid, ...agentFields, source: str, version: int, created_at: time, updated_at: time }),
      AgentInput: obj(agentFields, ["slug", "name"]),
      Channel: obj({
        id: uuid,
        tenant_id: uuid,
        agent_id: uuid,
        kind: { enum: ["slack", "telegram", "whatsapp"] },
        name: str,
        mode: str,
        settings: { type: "object", additionalProperties: str },
        webhook_url: nullable(str),
        source: str,
        created_at: time,
        updated_at: time,
      }),
      Team: obj({
        id: uuid,
        tenant_id: uuid,
        slug: str,
        name: str,
        coordinator_id: uuid,
        max_fanout: int,
        specialists: { type: "array", items: obj({ agent_id: uuid, slug: str, description: str }) },
        created_at: time,
        updated_at: time,
      }),
      TeamInput: obj(
        {
          slug: str,
          name: str,
          coordinator_id: uuid,
          max_fanout: { ...int, minimum: 1, maximum: 10, default: 3 },
          specialists: { type: "array", maxItems: 12, items: obj({ agent_id: uuid, description: str }) },
        },
        ["slug", "name", "coordinator_id"],
      ),
      Conversation: obj({ id: uuid, agent_id: uuid, channel_id: uuid, chat_key: str, started_at: time, last_message_at: time, closed_at: nullable(time) }),
      Transcript: {
        allOf: [
          ref("Conversation"),
          obj({
            messages: { type: "array", items: obj({ id: uuid, role: str, content: str, created_at: time }) },
            llm_calls: {
              type: "array",
              items: obj({ id: uuid, provider: str, model: str, ok: { type: "boolean" }, error: nullable(str), prompt_tokens: int, completion_tokens: int, latency_ms: int, cost_usd: num, created_at: time }),
            },
          }),
        ],
      },
      AuditEntry: obj({ id: uuid, at: time, kind: str, agent_id: nullable(uuid), conversation_id: nullable(uuid), actor: str, summary: str, data: { type: "object" } }),
      KbDocument: obj({
        id: uuid,
        title: str,
        filename: str,
        mime: str,
        contentHash: str,
        bytes: int,
        status: { enum: ["queued", "embedding", "ready", "failed"] },
        chunksTotal: int,
        chunksDone: int,
        progress: { ...int, minimum: 0, maximum: 100 },
        error: nullable(str),
        // SHA-256 of the stored original (re-extraction); null for documents stored before it was kept.
        sourceSha256: nullable(str),
        createdAt: time,
        updatedAt: time,
      }),
      KbPassage: obj({
        chunkId: uuid, documentId: uuid, title: str, section: str, content: str, score: num, citation: str, fusedRank: int,
        // Each side's rank (1 = best) and score (full text: ts_rank; vector: cosine similarity); null = that side missed it.
        text: nullable(obj({ rank: int, score: num })), vector: nullable(obj({ rank: int, score: num })),
      }),
      UsageRow: obj({ day: { ...str, format: "date" }, agent_id: uuid, provider: str, model: str, calls: int, failed_calls: int, prompt_tokens: int, completion_tokens: int, cost_usd: num }),
    },
  },
  paths: {
    "/api/v1/me": { get: op("Who the token belongs to", "operator", { "200": json(ref("Me")) }) },
    "/api/v1/tenants": {
      get: op("Tenants the caller may read", "operator", { "200": json(list(ref("Tenant"))) }),
      post: op("Create a tenant", "platform admin", { "201": json(ref("Tenant"), "Created") }, body(obj({ slug: agentFields.slug, name: str }))),
    },
    "/api/v1/tenants/{tenantId}": {
      parameters: [tenantParam],
      get: op("One tenant", "operator (own tenant)", { "200": json(ref("Tenant")) }),
      patch: op("Rename a tenant", "platform admin", { "200": json(ref("Tenant")) }, body(obj({ name: str }))),
      delete: op("Delete a tenant and all its data", "platform admin", { "204": { description: "Deleted" } }),
    },
    "/api/v1/tenants/{tenantId}/agents": {
      parameters: [tenantParam],
      get: op("AI employees of the tenant", "tenant admin", { "200": json(list(ref("Agent"))) }),
      post: op("Create an AI employee", "tenant admin", { "201": json(ref("Agent"), "Created") }, body(ref("AgentInput"))),
    },
    "/api/v1/tenants/{tenantId}/agents/{id}": {
      parameters: [tenantParam, idParam],
      get: op("One AI employee, with `version` (its latest configuration version)", "tenant admin", { "200": json(ref("Agent")) }),
      patch: op(
        "Change fields of an AI employee (others kept); with `version` (the one GET returned), a change made after someone else's is refused with 409",
        "tenant admin",
        { "200": json(ref("Agent")), "409": json(ref("Error"), "Changed by someone else since `version`, or declared in the config file") },
        body(obj({ ...agentFields, version: { ...int, minimum: 0 } })),
      ),
      delete: op("Delete an AI employee (and its channels)", "tenant admin", { "204": { description: "Deleted" } }),
    },
    "/api/v1/tenants/{tenantId}/channels": {
      parameters: [tenantParam],
      get: op("Channel connections (never their credentials)", "tenant admin", { "200": json(list(ref("Channel"))) }),
    },
    "/api/v1/tenants/{tenantId}/channels/{id}": {
      parameters: [tenantParam, idParam],
      get: op("One channel connection", "tenant admin", { "200": json(ref("Channel")) }),
    },
    "/api/v1/tenants/{tenantId}/teams": {
      parameters: [tenantParam],
      get: op("Teams: a coordinator and its specialists", "tenant admin", { "200": json(list(ref("Team"))) }),
      post: op("Create a team", "tenant admin", { "201": json(ref("Team"), "Created") }, body(ref("TeamInput"))),
    },
    "/api/v1/tenants/{tenantId}/teams/{id}": {
      parameters: [tenantParam, idParam],
      get: op("One team", "tenant admin", { "200": json(ref("Team")) }),
      patch: op("Change fields of a team (others kept; specialists, when given, replace the list)", "tenant admin", { "200": json(ref("Team")) }, body(ref("TeamInput"))),
      delete: op("Delete a team (its agents stay)", "tenant admin", { "204": { description: "Deleted" } }),
    },
    "/api/v1/tenants/{tenantId}/conversations": {
      parameters: [tenantParam],
      get: op("Conversations, most recent first", "operator", { "200": json(list(ref("Conversation"), true)) }, {
        parameters: [q("agent_id", uuid, "only this agent"), q("channel_id", uuid, "only this channel"), ...paging],
      }),
    },
    "/api/v1/tenants/{tenantId}/conversations/{id}": {
      parameters: [tenantParam, idParam],
      get: op("One conversation with messages and LLM calls", "operator", { "200": json(ref("Transcript")) }),
    },
    "/api/v1/tenants/{tenantId}/audit": {
      parameters: [tenantParam],
      get: op("Audit trail, newest first", "tenant admin", { "200": json(list(ref("AuditEntry"), true)) }, {
        parameters: [q("kind", str, "inbound, llm_call, tool_call, outbound, refusal, budget_stop, error; people: sign_in, sign_in.failed, sign_out, invitation, user.removed, access_token, api_key, approval.decided, config"), q("agent_id", uuid, "only this agent"), q("actor", str, "only this actor (a person's e-mail)"), q("from", time, "at or after"), q("to", time, "before"), ...paging],
      }),
    },
    "/api/v1/tenants/{tenantId}/usage": {
      parameters: [tenantParam],
      get: op("Daily usage and cost per agent and model", "operator", {
        "200": json(obj({ from: str, to: str, items: { type: "array", items: ref("UsageRow") }, totals: obj({ calls: int, failed_calls: int, prompt_tokens: int, completion_tokens: int, cost_usd: num }) })),
      }, { parameters: [q("from", { ...str, format: "date" }, "first day (default: 29 days before `to`)"), q("to", { ...str, format: "date" }, "last day (default: today, UTC)"), q("agent_id", uuid, "only this agent")] }),
    },
    "/api/v1/tenants/{tenantId}/api-keys": {
      parameters: [tenantParam],
      get: op("Keys of the OpenAI-compatible API (/v1, docs/api.md): prefix, agent, last use; never the key", "tenant admin", {
        "200": json(obj({ items: { type: "array", items: obj({ id: uuid, name: str, prefix: str, agent_id: nullable(uuid), created_at: time, last_used_at: nullable(time), revoked_at: nullable(time) }) } })),
      }),
      post: op("Create a key for the tenant, or (agent_id) one AI employee; the key is in this response only", "tenant admin", { "201": json(obj({ id: uuid, name: str, agent_id: nullable(uuid), key: str }), "Created") }, body(obj({ name: str, agent_id: nullable(uuid) }))),
    },
    "/api/v1/tenants/{tenantId}/api-keys/{id}": {
      parameters: [tenantParam, idParam],
      delete: op("Revoke a key", "tenant admin", { "200": json(obj({ revoked: { type: "boolean" } }), "Revoked") }),
    },
    "/api/v1/kb/{tenant}/documents": {
      parameters: [kbTenantParam],
      get: op("Knowledge-base documents with ingestion status and progress", "operator", { "200": json(obj({ documents: { type: "array", items: ref("KbDocument") } })) }),
      post: op(
        "Upload documents; they are embedded in the background (poll a document for progress)",
        "tenant admin",
        {
          "201": json(obj({ documents: { type: "array", items: { allOf: [ref("KbDocument"), obj({ duplicate: { type: "boolean" } })] } } }), "Stored, embedding queued"),
          "200": json(obj({ documents: { type: "array", items: { allOf: [ref("KbDocument"), obj({ duplicate: { type: "boolean" } })] } } }), "Every file was already in the knowledge base"),
          "507": { description: "data_dir has less than disk.min_free_mb free, or would after this upload (`insufficient_storage`)", content: { "application/json": { schema: ref("Error") } } },
        },
        upload,
      ),
    },
    "/api/v1/kb/{tenant}/documents/{id}": {
      parameters: [kbTenantParam, idParam],
      get: op("One document and its ingestion progress", "operator", { "200": json(obj({ document: ref("KbDocument") })) }),
      delete: op("Delete a document and all its chunks", "tenant admin", { "200": json(obj({ deleted: uuid }), "Deleted") }),
    },
    "/api/v1/kb/{tenant}/search": {
      parameters: [kbTenantParam],
      get: op("Hybrid search: the passages kb_search would give the agent, with citations", "operator", { "200": json(obj({ passages: { type: "array", items: ref("KbPassage") } })) }, {
        parameters: [{ ...q("q", { ...str, maxLength: 500 }, "the query"), required: true }, q("k", { ...int, minimum: 1, maximum: 20, default: 5 }, "passages to return")],
      }),
    },
    "/api/v1/openapi.json": { get: { summary: "This document", security: [], responses: { "200": json({ type: "object" }) } } },
  },
} as const;
