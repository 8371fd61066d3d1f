#!/usr/bin/env bash
# api-routes.sh -- rewrite the route table at the end of docs/api.md from `lianxin routes`.
# Usage: scripts/api-routes.sh build/lianxin
set -euo pipefail
bin=${1:-build/lianxin}
doc=docs/api.md
head=$(sed '/^## Routes$/q' "$doc")
{
  printf '%s\n\n' "$head"
  "$bin" routes | python3 -c '
import json, sys
print("| method | path | permission | what it does |")
print("| --- | --- | --- | --- |")
for r in json.load(sys.stdin):
    print("| %s | `%s` | %s | %s |" % (r["method"], r["path"], r["perm"], r["doc"]))'
} > "$doc.new"
mv "$doc.new" "$doc"
