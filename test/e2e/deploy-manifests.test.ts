/**
 * The deployment manifests, checked without Docker or Helm (neither is on CI machines):
 *  - docker-compose.yml parsed with `yaml`: the external profile scales (`deploy.replicas`, no host
 *    port, no shared volume, one key for all), behind Caddy, with Postgres + pgvector and Redis.
 *    When `docker compose` is installed it must also accept the file.
 *  - helm/konstruct: there is no Helm-compatible renderer on the npm registry (searched: helm,
 *    helm-template, go-template, sprig), so the chart gets a structural check: values parse, every
 *    template's actions nest (if/with/range/define ↔ end), and the parts that make replicas safe
 *    are present — PodDisruptionBudget, probes, secrets from Secret objects, the refusal of
 *    replicas without an external database, and no emptyDir for the data of the embedded mode.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(import.meta.dir, "../..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

type Service = { image?: string; build?: unknown; profiles?: string[]; ports?: string[]; volumes?: string[]; environment?: Record<string, string> | string[]; deploy?: { replicas?: unknown } };

describe("docker-compose.yml", () => {
  const compose = parse(read("docker-compose.yml")) as { services: Record<string, Service>; volumes: Record<string, unknown> };
  const external = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes("external"));

  test("the external profile runs N replicas with no host port and no shared volume", () => {
    const replica = compose.services.replica!;
    expect(replica.profiles).toEqual(["external"]);
    expect(String(replica.deploy?.replicas)).toMatch(/^\$\{KONSTRUCT_REPLICAS:-[2-9]\}$/);
    expect(replica.ports).toBeUndefined();
    // Only read-only bind mounts: a named volume would be shared by every replica.
    for (const v of replica.volumes ?? []) expect(v).toMatch(/^\.\/[^:]+:[^:]+:ro$/);
    const env = replica.environment as Record<string, string>;
    expect(env.KONSTRUCT_DATABASE__URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    expect(env.KONSTRUCT_REDIS__URL).toBe("redis://redis:6379");
    // One key on every replica, required (`:?`), never generated per container.
    expect(env.KONSTRUCT_SECRETS__KEY).toMatch(/^\$\{KONSTRUCT_SECRETS__KEY:\?/);
  });

  test("a reverse proxy is the only published port and spreads over every replica", () => {
    const published = external.filter(([, s]) => s.ports?.length).map(([n, s]) => [n, s.ports]);
    expect(published).toEqual([["proxy", ["8080:8080"]]]);
    expect(compose.services.proxy!.image).toMatch(/^caddy:/);
    const caddyfile = read("deploy/Caddyfile");
    expect(caddyfile).toContain("dynamic a replica 8080");
    expect(caddyfile).toContain("health_uri /readyz");
  });

  test("Postgres with pgvector and Redis in the external profile; the embedded service is its own profile", () => {
    expect(compose.services.postgres!.image).toMatch(/^pgvector\/pgvector:/);
    expect(compose.services.redis!.profiles).toEqual(["external"]);
    expect(compose.services.konstruct!.profiles).toEqual(["embedded"]);
    expect(compose.services.konstruct!.volumes).toContain("konstruct-data:/var/lib/konstruct");
    expect(external.some(([, s]) => s.volumes?.some((v) => v.startsWith("konstruct-data:")))).toBe(false);
  });

  test("docker compose accepts it, when installed", () => {
    const probe = Bun.spawnSync(["docker", "compose", "version"], { stdout: "ignore", stderr: "ignore" });
    if (probe.exitCode !== 0) return void expect(probe.exitCode).not.toBe(0); // no compose plugin here: the parse above is the check
    const res = Bun.spawnSync(["docker", "compose", "-f", join(ROOT, "docker-compose.yml"), "--profile", "external", "config", "--quiet"], { env: { ...process.env, KONSTRUCT_SECRETS__KEY: "k" }, stderr: "pipe" });
    expect(res.stderr.toString()).toBe("");
    expect(res.exitCode).toBe(0);
  });
});

describe("helm/konstruct (structural check)", () => {
  const dir = "helm/konstruct/templates";
  const templates = Object.fromEntries(readdirSync(join(ROOT, dir)).map((f) => [f, read(`${dir}/${f}`)]));

  test("values parse and every template's actions nest", () => {
    const values = parse(read("helm/konstruct/values.yaml")) as Record<string, any>;
    expect(values.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
    for (const [name, text] of Object.entries(templates)) {
      let depth = 0;
      for (const m of text.matchAll(/\{\{-?\s*(if|with|range|define|end)\b/g)) {
        depth += m[1] === "end" ? -1 : 1;
        expect({ name, depth: Math.min(depth, 0) }).toEqual({ name, depth: 0 });
      }
      expect({ name, depth }).toEqual({ name, depth: 0 });
      expect((text.match(/\{\{/g) ?? []).length).toBe((text.match(/\}\}/g) ?? []).length);
    }
  });

  test("replicas > 1: a PodDisruptionBudget, and a refusal without an external database and Redis", () => {
    const pdb = templates["pdb.yaml"]!;
    expect(pdb).toContain("kind: PodDisruptionBudget");
    expect(pdb).toContain("apiVersion: policy/v1");
    expect(pdb).toMatch(/gt \(int \.Values\.replicaCount\) 1/);
    expect(templates["_helpers.tpl"]).toContain('fail "replicaCount > 1 requires an external database (database.*) and Redis (redis.*)"');
    const deploy = templates["deployment.yaml"]!;
    expect(deploy).toContain('include "konstruct.validate"');
    expect(deploy).toMatch(/type: \{\{ if \$externalDb \}\}RollingUpdate/);
  });

  test("probes, secrets from Secret objects, and no emptyDir for the embedded database", () => {
    const deploy = templates["deployment.yaml"]!;
    expect(deploy).toMatch(/livenessProbe:\s+httpGet:\s+path: \/healthz/);
    expect(deploy).toMatch(/readinessProbe:\s+httpGet:\s+path: \/readyz/);
    for (const env of ["KONSTRUCT_DATABASE__URL", "KONSTRUCT_REDIS__URL", "KONSTRUCT_SECRETS__KEY"]) expect(deploy).toContain(`"name" "${env}"`);
    expect(templates["_helpers.tpl"]).toMatch(/secretKeyRef:/);
    expect(templates["_helpers.tpl"]).not.toMatch(/value: \{\{ \.inline/);
    // The data volume is a PVC whenever the data lives there (embedded); emptyDir only otherwise.
    expect(deploy).toMatch(/\{\{- if and \.Values\.persistence\.enabled \(not \$externalDb\) \}\}\s+persistentVolumeClaim:[\s\S]*?\{\{- else \}\}\s+emptyDir: \{\}/);
    // Models come from the image: no volume or init container fetches them.
    expect(deploy).not.toMatch(/models/i);
    expect(existsSync(join(ROOT, "helm/konstruct/Chart.yaml"))).toBe(true);
  });
});
