#!/usr/bin/env bash
# Installs what the benchmark compares against, into bench/.tools (git ignores it):
# Hurl 8.0.1 (cargo), Newman (npm), and nginx-light, wrk and hyperfine-free helpers (Debian).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tools="$here/.tools"
mkdir -p "$tools"

need_apt=()
command -v nginx >/dev/null || need_apt+=(nginx-light)
command -v wrk >/dev/null || need_apt+=(wrk)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
dpkg -s libclang-dev >/dev/null 2>&1 || need_apt+=(libclang-dev)
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need_apt+=(libcurl4-openssl-dev)
dpkg -s libxml2-dev >/dev/null 2>&1 || need_apt+=(libxml2-dev)
command -v /usr/bin/time >/dev/null || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$tools/bin/hurl" ]; then
  cargo install hurl --version 8.0.1 --locked --root "$tools"
fi
if [ ! -x "$tools/node_modules/.bin/newman" ]; then
  (cd "$tools" && npm install --silent --no-audit --no-fund newman@6 >/dev/null)
fi
echo "hurl:   $("$tools/bin/hurl" --version | head -1)"
echo "newman: $("$tools/node_modules/.bin/newman" --version)"
echo "nginx:  $(nginx -v 2>&1)"
echo "wrk:    $(wrk --version 2>&1 | head -1)"
