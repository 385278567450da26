# syntax=docker/dockerfile:1
# Konstruct container image: one self-contained executable on a slim Debian base.
#   docker build -t konstruct .
#   docker run -p 8080:8080 -v konstruct-data:/var/lib/konstruct konstruct
# Configure with KONSTRUCT_* environment variables and/or a config file mounted at
# /etc/konstruct/konstruct.config.yaml (found there automatically).

# --- build --------------------------------------------------------------------------------------
# Bun comes from npm, pinned exactly as for install.sh and CI, and the builder is the same Debian
# release (bookworm) as the runtime stage, so the compiled binary's glibc requirement is met.
FROM node:20-bookworm-slim AS build
RUN npm i -g bun@1.4.4 && bun --version
WORKDIR /src
# Dependencies first: this layer is reused until the manifest or the lockfile changes.
COPY package.json bun.lock bunfig.toml ./
RUN bun install --frozen-lockfile
COPY . .
# `version` is a smoke test: a binary that cannot start fails the build, not the deployment.
RUN bun run build && ./dist/konstruct version

# --- runtime ------------------------------------------------------------------------------------
# Nothing is installed: the executable embeds the Bun runtime, PGlite and its own CA roots
# (for a private CA, mount it and set NODE_EXTRA_CA_CERTS=/path/ca.pem).
FROM debian:bookworm-slim
# A fixed numeric UID, so Kubernetes' runAsNonRoot can verify it and volume ownership is stable.
RUN groupadd --system --gid 10001 konstruct \
 && useradd --system --uid 10001 --gid konstruct --home-dir /var/lib/konstruct --no-create-home \
      --shell /usr/sbin/nologin konstruct \
 && install -d -o konstruct -g konstruct -m 0750 /var/lib/konstruct \
 && install -d -m 0755 /etc/konstruct
COPY --from=build /src/dist/konstruct /usr/local/bin/konstruct

ENV KONSTRUCT_DATA_DIR=/var/lib/konstruct \
    KONSTRUCT_SERVER__HOST=0.0.0.0
WORKDIR /var/lib/konstruct
USER 10001:10001
# Embedded database, generated secret key (secret.key) and files live here: keep it on a volume.
VOLUME /var/lib/konstruct
EXPOSE 8080

# No curl in the image (it would pull in ~10 MB of libraries for one probe). The binary probes
# itself instead: with BUN_BE_BUN=1 a Bun-compiled executable acts as the plain `bun` CLI, so
# `konstruct -e` runs a one-line fetch of /healthz. The port follows KONSTRUCT_SERVER__PORT, then
# PORT, then 8080; if you set the port only in the config file, override this HEALTHCHECK.
# Kubernetes ignores HEALTHCHECK: the Helm chart uses httpGet probes on /healthz and /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["env", "BUN_BE_BUN=1", "konstruct", "-e", "fetch('http://127.0.0.1:'+(process.env.KONSTRUCT_SERVER__PORT||process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["konstruct"]
CMD ["serve"]
