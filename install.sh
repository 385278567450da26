#!/usr/bin/env bash
# Konstruct installer: builds the single `konstruct` executable (or takes a prebuilt one) and
# installs it, optionally as a hardened systemd service. Idempotent: re-run it to upgrade.
#
#   sudo ./install.sh --systemd          # build, install to /usr/local/bin, set up the service
#   ./install.sh --prefix ~/.local       # build and install for the current user only
#   ./install.sh --help
#
# KONSTRUCT_INSTALL_ROOT (default empty = /) is prepended to every /etc and /var path, so tests
# and packagers can stage the files in a scratch directory. When it is set, nothing touches the
# live system: no useradd, no chown, no systemctl (each is printed instead).
set -euo pipefail

BUN_VERSION=1.4.4
SERVICE_USER=konstruct
CONFIG_PATH=/etc/konstruct/konstruct.config.yaml # path as the service sees it (never prefixed)
DATA_DIR=/var/lib/konstruct

PREFIX=/usr/local
BINARY=dist/konstruct
BUILD=1
SYSTEMD=0
DRY_RUN=0
ROOT="${KONSTRUCT_INSTALL_ROOT:-}"
ROOT="${ROOT%/}"

usage() {
  cat <<EOF
Usage: ./install.sh [options]          (run from the Konstruct repository root)

Builds dist/konstruct with Bun ${BUN_VERSION} and installs it as PREFIX/bin/konstruct.

Options:
  --prefix DIR     install under DIR (default /usr/local; binary goes to DIR/bin/konstruct)
  --systemd        also create the '${SERVICE_USER}' system user, ${CONFIG_PATH}
                   (only if absent) and /etc/systemd/system/konstruct.service
  --no-build       skip 'bun install' and 'bun run build'; install the existing dist/konstruct
  --binary PATH    install PATH instead of dist/konstruct (implies --no-build)
  --dry-run        print the actions without changing anything
  -h, --help       show this help

Environment:
  KONSTRUCT_INSTALL_ROOT   stage /etc and /var files under this directory instead of /
                           (user creation, chown and systemctl are then only printed)
EOF
}

log() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}
# Print a command (shell-quoted), then run it unless --dry-run.
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  [ "$DRY_RUN" = 1 ] || "$@"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix)
      [ $# -ge 2 ] || die "--prefix needs a directory"
      PREFIX="$2"
      shift 2
      ;;
    --prefix=*)
      PREFIX="${1#*=}"
      shift
      ;;
    --binary)
      [ $# -ge 2 ] || die "--binary needs a path"
      BINARY="$2"
      BUILD=0
      shift 2
      ;;
    --binary=*)
      BINARY="${1#*=}"
      BUILD=0
      shift
      ;;
    --systemd) SYSTEMD=1 && shift ;;
    --no-build) BUILD=0 && shift ;;
    --dry-run) DRY_RUN=1 && shift ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

PREFIX="${PREFIX%/}"
# The prefix ends up in the unit's ExecStart, which needs an absolute path without spaces.
case "$PREFIX" in
  /*) ;;
  *) die "--prefix must be an absolute path (got '$PREFIX')" ;;
esac
case "$PREFIX" in *[[:space:]]*) die "--prefix must not contain whitespace" ;; esac

if [ "$SYSTEMD" = 1 ] && [ -z "$ROOT" ] && [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
  die "--systemd writes to /etc and creates a user: run it as root (sudo)"
fi
if ! grep -qs '"name": *"konstruct"' package.json; then
  die "run this from the Konstruct repository root (no Konstruct package.json in $PWD)"
fi
if [ "$DRY_RUN" = 1 ]; then log "dry run: nothing will be changed"; fi

# --- 1. build -------------------------------------------------------------------------------
ensure_bun() {
  if command -v bun >/dev/null 2>&1 && [ "$(bun --version 2>/dev/null)" = "$BUN_VERSION" ]; then
    log "bun $BUN_VERSION already installed"
    return
  fi
  # The lockfile and build are pinned to one Bun version; npm is the supported way to get it.
  command -v npm >/dev/null 2>&1 || die "bun $BUN_VERSION is required and npm is not available to install it"
  run npm i -g "bun@$BUN_VERSION"
  if [ "$DRY_RUN" = 0 ]; then
    hash -r
    [ "$(bun --version 2>/dev/null)" = "$BUN_VERSION" ] ||
      die "bun $BUN_VERSION was installed but '$(command -v bun || echo bun)' is another version; fix PATH"
  fi
}

if [ "$BUILD" = 1 ]; then
  ensure_bun
  run bun install --frozen-lockfile
  run bun run build
fi

if [ ! -f "$BINARY" ] || [ ! -x "$BINARY" ]; then
  # In a dry run with a build, the binary does not exist yet: that is expected.
  if [ "$DRY_RUN" = 1 ]; then
    [ "$BUILD" = 1 ] || warn "$BINARY does not exist or is not executable"
  else
    die "$BINARY does not exist or is not executable (build it, or drop --no-build)"
  fi
fi

# --- 2. install the binary ------------------------------------------------------------------
DEST="$PREFIX/bin/konstruct"
log "installing $BINARY -> $DEST"
run install -d -m 0755 "$PREFIX/bin"
if [ -f "$DEST" ] && cmp -s "$BINARY" "$DEST"; then
  log "$DEST is already up to date"
else
  # Copy beside the target, then rename: replacing a running binary in place fails with
  # "Text file busy", and the rename is atomic for a service that restarts meanwhile.
  run install -m 0755 "$BINARY" "$DEST.new"
  run mv -f "$DEST.new" "$DEST"
fi
if [ "$DRY_RUN" = 0 ]; then
  # Smoke test: a binary for the wrong CPU or libc fails here, not at service start.
  "$DEST" version >/dev/null || die "$DEST does not run ('$DEST version' failed)"
fi

# --- 3. systemd service ---------------------------------------------------------------------
# Write $2 to file $1 only when the content differs (keeps re-runs quiet and mtimes stable);
# sets CHANGED=1 when it wrote. (A status code would do, but `f && x` disables set -e inside f.)
write_file() {
  local path="$1" content="$2" mode="$3"
  CHANGED=0
  if [ -f "$path" ] && [ "$(cat "$path")" = "$content" ]; then
    log "$path is unchanged"
    return
  fi
  CHANGED=1
  log "writing $path"
  if [ "$DRY_RUN" = 1 ]; then
    printf '%s\n' "$content" | sed 's/^/    | /'
    return
  fi
  install -d -m 0755 "$(dirname "$path")"
  printf '%s\n' "$content" >"$path.tmp"
  chmod "$mode" "$path.tmp"
  mv -f "$path.tmp" "$path"
}

unit_file() {
  cat <<EOF
# Written by Konstruct's install.sh; re-running it overwrites this file.
# Put local changes in a drop-in instead: systemctl edit konstruct
[Unit]
Description=Konstruct AI employees
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=$SERVICE_USER
Group=$SERVICE_USER
ExecStart=$PREFIX/bin/konstruct serve --config $CONFIG_PATH
Environment=KONSTRUCT_DATA_DIR=$DATA_DIR
# Optional KEY=value overrides, e.g. KONSTRUCT_SECRETS__KEY=... (keep it 0640 root:$SERVICE_USER).
EnvironmentFile=-/etc/konstruct/konstruct.env
# systemd creates $DATA_DIR owned by $SERVICE_USER before start.
StateDirectory=konstruct
StateDirectoryMode=0750
WorkingDirectory=$DATA_DIR
Restart=on-failure
RestartSec=5
# Exit 2 is a configuration error (bad config, bad master key, full disk): restarting cannot fix it,
# so stop and leave the one-line reason in the journal instead of looping.
RestartPreventExitStatus=2
# Longer than server.shutdown_timeout_ms (10 s) so in-flight work can drain.
TimeoutStopSec=30
LimitNOFILE=65536

# Hardening. MemoryDenyWriteExecute is deliberately unset: the JavaScriptCore JIT needs W+X memory.
# No capabilities at all, so server.port must be >= 1024 (default 8080).
NoNewPrivileges=true
ProtectSystem=strict
ReadWritePaths=$DATA_DIR
ProtectHome=true
PrivateTmp=true
PrivateDevices=true
ProtectKernelTunables=true
ProtectKernelModules=true
ProtectKernelLogs=true
ProtectControlGroups=true
ProtectClock=true
ProtectHostname=true
RestrictSUIDSGID=true
RestrictNamespaces=true
RestrictRealtime=true
LockPersonality=true
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
CapabilityBoundingSet=
AmbientCapabilities=

[Install]
WantedBy=multi-user.target
EOF
}

STUB_CONFIG="# Konstruct configuration, written by install.sh. Every key is optional: built-in defaults
# apply, and KONSTRUCT_* environment variables override any key (see 'konstruct config --help')."

SYSTEMD_LIVE=0 # 1 when systemctl can be used on this machine
if [ "$SYSTEMD" = 1 ]; then
  log "setting up the systemd service"

  # 3a. system user
  NOLOGIN="$(command -v nologin 2>/dev/null || echo /usr/sbin/nologin)"
  USERADD=(useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home --shell "$NOLOGIN" "$SERVICE_USER")
  if [ -n "$ROOT" ]; then
    log "KONSTRUCT_INSTALL_ROOT is set: skipped creating the user; on the target run:"
    printf '    %s\n' "${USERADD[*]}"
  elif id -u "$SERVICE_USER" >/dev/null 2>&1; then
    log "user '$SERVICE_USER' already exists"
  else
    run "${USERADD[@]}"
  fi

  # 3b. directories: the config may hold tokens, so it is readable by root and the service only.
  OWNER=()
  if [ -z "$ROOT" ]; then OWNER=(-o root -g "$SERVICE_USER"); fi
  run install -d -m 0755 "$ROOT/etc/konstruct"
  if [ -z "$ROOT" ]; then
    run install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$DATA_DIR"
  else
    run install -d -m 0750 "$ROOT$DATA_DIR"
  fi

  # 3c. config: copied once, never overwritten (it is the operator's file after that).
  if [ -e "$ROOT$CONFIG_PATH" ]; then
    log "$ROOT$CONFIG_PATH exists: kept as is"
  elif [ -f konstruct.config.yaml ]; then
    run install -m 0640 "${OWNER[@]}" konstruct.config.yaml "$ROOT$CONFIG_PATH"
  else
    # The unit passes --config, which must name an existing file; a comments-only file means
    # built-in defaults.
    log "no konstruct.config.yaml in $PWD: writing a stub $ROOT$CONFIG_PATH"
    write_file "$ROOT$CONFIG_PATH" "$STUB_CONFIG" 0640
    if [ -z "$ROOT" ]; then run chown root:"$SERVICE_USER" "$CONFIG_PATH"; fi
  fi

  # 3d. unit
  UNIT="$ROOT/etc/systemd/system/konstruct.service"
  write_file "$UNIT" "$(unit_file)" 0644

  # 3e. reload only on a live systemd (/run/systemd/system exists iff systemd is PID 1).
  if [ -z "$ROOT" ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    SYSTEMD_LIVE=1
    if [ "$CHANGED" = 1 ]; then run systemctl daemon-reload; fi
  else
    log "systemd is not running here (or KONSTRUCT_INSTALL_ROOT is set): run 'systemctl daemon-reload' on the target"
  fi
fi

# --- 4. next steps --------------------------------------------------------------------------
case ":$PATH:" in
  *":$PREFIX/bin:"*) ;;
  *) warn "$PREFIX/bin is not on PATH; add it or call $DEST directly" ;;
esac

echo
log "done. Next steps:"
if [ "$SYSTEMD" = 1 ]; then
  cat <<EOF
  1. Edit $CONFIG_PATH (agents, channels, LLM providers); check it with:
       sudo -u $SERVICE_USER KONSTRUCT_DATA_DIR=$DATA_DIR $DEST doctor --config $CONFIG_PATH
  2. Start it (and at boot):   sudo systemctl enable --now konstruct
     After an upgrade:         sudo systemctl restart konstruct
  3. Follow the logs:          journalctl -u konstruct -f
  4. Check it is up:           curl -fsS http://127.0.0.1:8080/healthz
EOF
  if [ "$SYSTEMD_LIVE" = 1 ] && systemctl is-active --quiet konstruct 2>/dev/null; then
    warn "konstruct is running the previous binary until 'systemctl restart konstruct'"
  fi
else
  cat <<EOF
  1. Check the setup:  $DEST doctor            (reads ./konstruct.config.yaml or --config PATH)
  2. Run it:           $DEST serve             (data in ./data unless KONSTRUCT_DATA_DIR is set)
  3. Check it is up:   curl -fsS http://127.0.0.1:8080/healthz
  For a service that starts at boot, re-run with --systemd (as root).
EOF
fi
