/** Retention settings: a tenant's keys over the platform defaults, validation, and "anything to do". */
import { describe, expect, test } from "bun:test";
import { validate } from "../config/load.ts";
import { anyRetention, retentionFor } from "./settings.ts";

describe("retention settings", () => {
  test("defaults: audit and messages kept forever, deliveries 30 days, LLM call rows 90", () => {
    const config = validate({});
    expect(retentionFor(config, "anyone")).toEqual({ messages: 0, deliveries: 30, audit: 0, llm_calls: 90, files: 0, memories: 0 });
    expect(config.retention).toMatchObject({ batch_rows: 5000, time_budget_seconds: 600 });
  });

  test("a tenant's keys override the platform's, each on its own; other tenants take the platform's", () => {
    const config = validate({ retention: { audit_days: 400 }, tenants: [{ slug: "acme", name: "Acme", retention: { messages_days: 30, audit_days: 0, files_days: 14 } }] });
    expect(retentionFor(config, "acme")).toEqual({ messages: 30, deliveries: 30, audit: 0, llm_calls: 90, files: 14, memories: 0 });
    expect(retentionFor(config, "globex")).toEqual({ messages: 0, deliveries: 30, audit: 400, llm_calls: 90, files: 0, memories: 0 });
  });

  test("negative days, fractions, unknown keys and tiny batches are refused, naming the key", () => {
    expect(() => validate({ retention: { audit_days: -1 } })).toThrow(/retention\.audit_days/);
    expect(() => validate({ retention: { batch_rows: 10 } })).toThrow(/retention\.batch_rows/);
    expect(() => validate({ tenants: [{ slug: "acme", name: "A", retention: { messages_days: 1.5 } }] })).toThrow(/messages_days/);
    expect(() => validate({ tenants: [{ slug: "acme", name: "A", retention: { photos_days: 3 } }] })).toThrow(/photos_days/);
  });

  test("nothing to delete anywhere: the daily job is not even queued", () => {
    expect(anyRetention(validate({ retention: { deliveries_days: 0, llm_calls_days: 0 } }))).toBe(false);
    expect(anyRetention(validate({ retention: { deliveries_days: 0, llm_calls_days: 0 }, tenants: [{ slug: "a", name: "A", retention: { audit_days: 9 } }] }))).toBe(true);
    expect(anyRetention(validate({}))).toBe(true);
  });
});
