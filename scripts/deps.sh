#!/usr/bin/env bash
# deps.sh -- install what the build, the server and the tests need, if missing.
# Debian packages only; run as root on a fresh machine (make run / make test call it).
set -euo pipefail

# Packages for building and running the server and its unit tests.
BUILD_PKGS=(build-essential cmake pkg-config
  libmicrohttpd-dev libsqlite3-dev sqlite3 libjansson-dev libsodium-dev
  libcsv-dev libxlsxwriter-dev libzip-dev libexpat1-dev libopencc-dev
  libcmocka-dev libopencc-data liblemon-dev libqrencode-dev)
# Packages only the tests use: the browser tests (tests/e2e) need Debian's Chromium,
# driven by playwright-core from npm, zbarimg to read the QR codes on printed cards back
# from a screenshot, and CJK fonts so that pages are laid out (and screenshots read) with
# real Chinese glyphs; lunar is the Chinese calendar that tests/unit/test_festival.c checks
# the festival table against.
TEST_PKGS=(chromium zbar-tools fonts-noto-cjk lunar)
# Extra packages used only by benchmarks (bench/).
BENCH_PKGS=(wrk hyperfine nginx-light jq)

want=("${BUILD_PKGS[@]}")
tests=0
for a in "$@"; do
  case $a in
    --test) want+=("${TEST_PKGS[@]}"); tests=1 ;;
    --bench) want+=("${BENCH_PKGS[@]}") ;;
    *) echo "usage: deps.sh [--test] [--bench]" >&2; exit 2 ;;
  esac
done

missing=()
# Node.js may come from elsewhere with npm inside it: ask Debian only for what is absent.
command -v node >/dev/null 2>&1 || want+=(nodejs)
command -v npm >/dev/null 2>&1 || want+=(npm)
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
root=$(cd "$(dirname "$0")/.." && pwd)

# npm packages from a lock file, installed again only when it changed (a stamp in
# node_modules): the web application's build (web/, for make run and make test) and
# the browser tests (tests/e2e, with --test).
npm_ci_in() {
  local dir=$root/$1 stamp=$root/$1/node_modules/.lock-stamp
  if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then return 0; fi
  echo "deps.sh: npm ci in $1"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$dir/package-lock.json" "$stamp"
}
npm_ci() {
  npm_ci_in web
  if [ $tests -eq 1 ]; then npm_ci_in tests/e2e; fi
}

if [ ${#missing[@]} -eq 0 ]; then npm_ci; exit 0; fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages: ${missing[*]}" >&2
  echo "deps.sh: run as root, or install them with apt-get" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_ci
