#!/usr/bin/env bash
# deps.sh -- install what the build, the server and the tests need, if missing.
# Debian packages only; run as root on a fresh machine (make run / make test call it).
set -euo pipefail

# Packages for building and running the server and its unit tests (lunar: the Chinese
# calendar that tests/unit/test_festival.c checks the festival table against).
BUILD_PKGS=(build-essential cmake pkg-config
  libmicrohttpd-dev libsqlite3-dev sqlite3 libjansson-dev libsodium-dev
  libcsv-dev libxlsxwriter-dev libzip-dev libexpat1-dev libopencc-dev
  libcmocka-dev libopencc-data liblemon-dev libqrencode-dev
  lunar)
# Extra packages used only by benchmarks (bench/).
BENCH_PKGS=(wrk hyperfine nginx-light jq)

want=("${BUILD_PKGS[@]}")
if [ "${1:-}" = "--bench" ]; then want+=("${BENCH_PKGS[@]}"); fi

missing=()
# Node.js may come from elsewhere with npm inside it: ask Debian only for what is absent.
command -v node >/dev/null 2>&1 || want+=(nodejs)
command -v npm >/dev/null 2>&1 || want+=(npm)
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages: ${missing[*]}" >&2
  echo "deps.sh: run as root, or install them with apt-get" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
