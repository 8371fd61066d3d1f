#!/usr/bin/env bash
# test.sh -- `make test`: unit tests and API tests, on the plain build and under ASan/UBSan.
set -euo pipefail
build=$1 asan=$2
root=$(cd "$(dirname "$0")/.." && pwd)
failed=0

run_unit() {
  echo "== unit tests ($1)"
  (cd "$1" && ctest --output-on-failure -j2) || failed=1
}

run_api() {
  echo "== API tests against $1/lianxin"
  LIANXIN_BIN="$root/$1/lianxin" node --test --test-concurrency=1 "$root"/tests/api/*.test.mjs || failed=1
}

# The web application's own logic: Vitest (web/tests).
run_vitest() {
  echo "== web unit tests (Vitest)"
  (cd "$root/web" && npm test --silent -- --reporter=dot) || failed=1
}

# Browser tests: Debian's Chromium driven by playwright-core (tests/e2e/node_modules).
run_e2e() {
  echo "== browser tests against $1/lianxin"
  LIANXIN_BIN="$root/$1/lianxin" node --test --test-concurrency=1 "$root"/tests/e2e/*.test.mjs || failed=1
}

# Checks that would skip without a test dependency fail instead (deps.sh --test installs them).
export LX_TEST_STRICT=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_unit "$build"
run_unit "$asan"
run_vitest
run_api "$build"
run_api "$asan"
run_e2e "$build"
run_e2e "$asan"
if [ $failed -ne 0 ]; then echo "make test: FAILED"; exit 1; fi
echo "make test: all passed"
