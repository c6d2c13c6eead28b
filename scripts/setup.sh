#!/usr/bin/env bash
# Installs what a fresh machine lacks: Debian packages the tests use and the npm dependencies.
# Each step is skipped when already satisfied, so a warm machine pays nothing.
#   --demo           only what `make demo` needs (openssl for the control plane's certificates)
#   --control-plane  also builds the local control plane (test/cluster/build.sh), in the
#                    background while the packages install, since its cold build is the long part
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }

demo=false control_plane=false
for arg in "$@"; do
  case "$arg" in
    --demo) demo=true ;;
    --control-plane) control_plane=true ;;
    *) say "unknown option $arg (known: --demo, --control-plane)"; exit 2 ;;
  esac
done

command -v go >/dev/null 2>&1 || { say "Go 1.26 or newer is required to build the local control plane and helm (kwok v0.8.0 and helm v3.22.0 need it)"; exit 1; }

build_pid="" sudo_cmd="" policy_rc_added=false
# On any exit: remove the policy-rc.d this run added, and if the set-up failed, stop the
# control plane's build with it (its own process group; build.sh installs each tool atomically,
# so a stopped build leaves nothing half-written).
cleanup() {
  local status=$?
  if $policy_rc_added; then $sudo_cmd rm -f /usr/sbin/policy-rc.d; fi
  if [ "$status" -ne 0 ] && [ -n "$build_pid" ] && kill -0 "$build_pid" 2>/dev/null; then
    say "stopping the control plane's build"
    kill -- -"$build_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

if $control_plane; then
  set -m
  bash test/cluster/build.sh >/dev/null &
  build_pid=$!
  set +m
fi

missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if ! $demo; then
  command -v prometheus >/dev/null 2>&1 || [ -x /usr/bin/prometheus ] || missing+=(prometheus)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  # Argo CD's Lua health check and actions for Rollouts run under Lua 5.1 (as Argo CD's gopher-lua).
  command -v lua5.1 >/dev/null 2>&1 || missing+=(lua5.1)
  lua5.1 -e 'require "cjson"' >/dev/null 2>&1 || missing+=(lua-cjson)
  # The Graphite provider's integration test runs graphite-web over whisper files (system Python).
  /usr/bin/python3 -c 'import graphite' >/dev/null 2>&1 || missing+=(graphite-web)
  /usr/bin/python3 -c 'import whisper' >/dev/null 2>&1 || missing+=(python3-whisper)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  # policy-rc.d keeps the prometheus package from starting a system service: tests run their own.
  if [ -d /usr/sbin ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
    $sudo_cmd chmod +x /usr/sbin/policy-rc.d
    policy_rc_added=true
  fi
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp=node_modules/.ramp-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

if [ -n "$build_pid" ]; then
  wait "$build_pid" || { say "the local control plane did not build (its log is above); run: bash test/cluster/build.sh"; exit 1; }
fi
