#!/usr/bin/env bash
# Runs every test suite: TypeScript typecheck, vitest unit tests, pytest (toolchain), Playwright e2e (production build
# in Debian's chromium). Exits non-zero if any suite fails; prints one summary line per suite.
set -uo pipefail
cd "$(dirname "$0")/.."
declare -A status
run() { local name=$1; shift; echo "=== $name: $*"; "$@"; status[$name]=$?; }
run typecheck npx tsc -b
run vitest npx vitest run
run pytest bash -c "cd toolchain && .venv/bin/python -m pytest -q"
run e2e npx playwright test -c e2e/playwright.config.ts
echo "=== summary"
fail=0
for k in typecheck vitest pytest e2e; do
  echo "$k: $([ "${status[$k]}" = 0 ] && echo passed || echo FAILED)"
  [ "${status[$k]}" = 0 ] || fail=1
done
exit $fail
