/**
 * A fake S3-compatible object store for tests, written from the S3 API reference and the AWS
 * Signature Version 4 specification:
 *  - path-style `PUT|GET|HEAD|DELETE /{bucket}/{key}`; PUT 200 with an `ETag` (MD5 of the body),
 *    GET/HEAD 200 with `Content-Length` and `ETag` or 404 `NoSuchKey`, DELETE 204 whether or not the
 *    key existed; an unknown bucket is 404 `NoSuchBucket`.
 *  - every request must carry `Authorization: AWS4-HMAC-SHA256 Credential=<id>/<yyyymmdd>/<region>/s3/
 *    aws4_request, SignedHeaders=…, Signature=…` over the canonical request (method, URI, sorted
 *    query, the signed headers, `x-amz-content-sha256`), with `host` and `x-amz-date` signed and the
 *    date within 15 minutes; otherwise 403 (`SignatureDoesNotMatch`, `InvalidAccessKeyId`,
 *    `RequestTimeTooSkewed`, `AccessDenied`). A payload hash other than `UNSIGNED-PAYLOAD` must
 *    match the body (`XAmzContentSHA256Mismatch`, 400).
 *  - error bodies are S3's XML `<Error><Code>…</Code><Message>…</Message></Error>`.
 * Deviations: one bucket, objects in memory, no multipart, no listing, no presigned (query) auth.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface S3Fake {
  url: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  objects: Map<string, Uint8Array>;
  /** Every request as seen, with the verdict (status). */
  log: { method: string; key: string; status: number }[];
  stop(): Promise<void>;
}

const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const sha256hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

function error(status: number, code: string, message: string): Response {
  return new Response(status === 404 || status >= 400 ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>` : null, { status, headers: { "content-type": "application/xml" } });
}

/** SigV4 verification of a header-signed request; null when it holds, else the S3 error. */
function verify(req: Request, url: URL, body: Uint8Array, creds: { id: string; secret: string; region: string }): Response | null {
  const auth = req.headers.get("authorization") ?? "";
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return error(403, "AccessDenied", "missing or malformed Authorization");
  const [, id, day, region, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
  if (id !== creds.id) return error(403, "InvalidAccessKeyId", "The AWS access key Id you provided does not exist in our records.");
  const amzDate = req.headers.get("x-amz-date") ?? "";
  const names = signedHeaders.split(";");
  if (!names.includes("host") || !names.includes("x-amz-date") || !/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day || region !== creds.region) return error(403, "AccessDenied", "host and x-amz-date must be signed, in the credential's day and region");
  const at = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
  if (Math.abs(Date.now() - at) > 15 * 60_000) return error(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
  const payload = req.headers.get("x-amz-content-sha256");
  if (!payload) return error(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
  if (payload !== "UNSIGNED-PAYLOAD" && payload !== sha256hex(body)) return error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
  const query = [...url.searchParams].map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join("&");
  const headers = names.map((n) => `${n}:${(req.headers.get(n) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonical = [req.method, url.pathname, query, headers, signedHeaders, payload].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256hex(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secret}`, day), region), "s3"), "aws4_request");
  const expected = hmac(key, toSign);
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) return error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
  return null;
}

export function startS3Fake(opts: { bucket?: string; region?: string; accessKeyId?: string; secretAccessKey?: string } = {}): S3Fake {
  const bucket = opts.bucket ?? "konstruct-test";
  const creds = { id: opts.accessKeyId ?? "AKIAFAKE0000EXAMPLE", secret: opts.secretAccessKey ?? "fake/secret/key+0123456789abcdefEXAMPLE", region: opts.region ?? "us-east-1" };
  const objects = new Map<string, Uint8Array>();
  const log: S3Fake["log"] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const body = new Uint8Array(await req.arrayBuffer());
      const [, b, ...rest] = url.pathname.split("/");
      const key = decodeURIComponent(rest.join("/"));
      const answer = (res: Response) => (log.push({ method: req.method, key, status: res.status }), res);
      const denied = verify(req, url, body, creds);
      if (denied) return answer(denied);
      if (b !== bucket) return answer(error(404, "NoSuchBucket", "The specified bucket does not exist"));
      if (!key) return answer(error(400, "InvalidRequest", "a key is required"));
      const etag = (bytes: Uint8Array) => `"${createHash("md5").update(bytes).digest("hex")}"`;
      switch (req.method) {
        case "PUT":
          objects.set(key, body);
          return answer(new Response(null, { status: 200, headers: { etag: etag(body) } }));
        case "GET":
        case "HEAD": {
          const o = objects.get(key);
          if (!o) return answer(req.method === "HEAD" ? new Response(null, { status: 404 }) : error(404, "NoSuchKey", "The specified key does not exist."));
          return answer(new Response(req.method === "HEAD" ? null : o, { status: 200, headers: { "content-length": String(o.byteLength), etag: etag(o), "content-type": "application/octet-stream" } }));
        }
        case "DELETE":
          objects.delete(key);
          return answer(new Response(null, { status: 204 }));
        default:
          return answer(error(405, "MethodNotAllowed", "The specified method is not allowed against this resource."));
      }
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, bucket, region: creds.region, accessKeyId: creds.id, secretAccessKey: creds.secret, objects, log, stop: async () => void server.stop(true) };
}
