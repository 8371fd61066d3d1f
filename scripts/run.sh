#!/usr/bin/env bash
# run.sh -- `make run`: create a demo database the first time, then serve it.
set -euo pipefail
bin=$1 db=$2 listen=$3 households=$4
if [ ! -f "$db" ]; then
  echo "Creating a demo county of $households households in $db ..."
  "$bin" --db "$db" demo --households "$households" --seed 1 --password 'Demo-2026!'
  echo
  echo "Log in at http://$listen with any account above and the password Demo-2026!"
  echo "(for example county / Demo-2026!); you will be asked to choose a new password."
fi
web=()
if [ -f web/dist/index.html ]; then web=(--web web/dist); fi
exec "$bin" --db "$db" serve --listen "$listen" "${web[@]}"
