#!/usr/bin/env bash
# run.sh -- `make run`: create a demo database the first time, then serve it.
set -euo pipefail
bin=$1 db=$2 listen=$3 households=$4
if [ ! -f "$db" ]; then
  echo "Creating a demo county of $households households in $db ..."
  "$bin" --db "$db" demo --households "$households" --seed 1 --password 'Demo-2026!'
  echo "Pairing members with households (liaison, then assistance) ..."
  "$bin" --db "$db" assign --layer liaison >/dev/null
  "$bin" --db "$db" assign --layer assistance >/dev/null
  echo "Generating a year of contact history ..."
  "$bin" --db "$db" history --years 1 --seed 1
  echo "Opening some requests from the people ..."
  "$bin" --db "$db" cases demo --count 80
  echo
  echo "Every account above has the password Demo-2026! and must choose a new one at first login."
fi
echo
echo "Lianxin serves http://$listen : open it in a browser (the web application, web/dist)."
echo "The API is under /api/v1 (see docs/api.md). To log in from the command line:"
echo "  curl -c cookies -H 'Content-Type: application/json' \\"
echo "       -d '{\"username\":\"county\",\"password\":\"Demo-2026!\"}' http://$listen/api/v1/auth/login"
echo
# make run builds web/dist first; without it the server shows a placeholder page at /.
web=()
if [ -f web/dist/index.html ]; then web=(--web web/dist); fi
exec "$bin" --db "$db" serve --listen "$listen" "${web[@]}"
