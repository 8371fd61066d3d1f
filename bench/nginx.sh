#!/usr/bin/env bash
# bench/nginx.sh -- the ceiling: the very same JSON bodies that http.sh got from
# lianxin, served by nginx as static files on this machine, with the same wrk
# settings; and the ratio lianxin / nginx for each endpoint.
#
#   bench/nginx.sh            # after bench/http.sh (needs bench/out/http/bodies and result.tsv)
#   DURATION=5s bench/nginx.sh
#
# nginx runs in the foreground (daemon off) from a config written to
# bench/out/nginx/nginx.conf: 127.0.0.1:<free port>, worker_processes 2,
# access_log off, keep-alive like lianxin. It is stopped at the end.
# Writes bench/out/nginx/result.tsv (nginx figures) and ratio.tsv.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need nginx wrk curl
H=$OUT/http
N=$OUT/nginx
[ -f "$H/result.tsv" ] && [ -d "$H/bodies" ] || die "run bench/http.sh first"
rm -rf "$N"
mkdir -p "$N/www" "$N/wrk" "$N/tmp"
cp "$H"/bodies/*.json "$N/www/"
chmod 755 "$N" "$N/www" && chmod 644 "$N"/www/*.json

port=$(free_port)
cat >"$N/nginx.conf" <<EOF
# Written by bench/nginx.sh: static copies of lianxin's JSON responses.
worker_processes 2;
pid $N/nginx.pid;
error_log $N/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    default_type application/json;
    charset utf-8;
    charset_types application/json;
    client_body_temp_path $N/tmp/body;
    proxy_temp_path $N/tmp/proxy;
    fastcgi_temp_path $N/tmp/fastcgi;
    uwsgi_temp_path $N/tmp/uwsgi;
    scgi_temp_path $N/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $N/www;
        location / { }
    }
}
EOF

nginx -t -p "$N/" -e "$N/error.log" -c "$N/nginx.conf" 2>"$N/nginx-t.txt" ||
    { cat "$N/nginx-t.txt" >&2; die "nginx config test failed"; }
nginx -p "$N/" -e "$N/error.log" -c "$N/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
trap 'kill -QUIT $NGINX_PID 2>/dev/null; wait $NGINX_PID 2>/dev/null || true' EXIT
for i in $(seq 1 50); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/detail.json" && break
    sleep 0.1
done
log "nginx: pid $NGINX_PID on 127.0.0.1:$port"

printf 'endpoint\trps\tp50_ms\tp99_ms\terrors\tbody_bytes\n' >"$N/result.tsv"
endpoints=$(awk -F'\t' 'NR > 1 {print $2}' "$H/result.tsv" | awk '!seen[$0]++')
for ep in $endpoints; do
    url="http://127.0.0.1:$port/$ep.json"
    cmp -s <(curl -sf "$url") "$H/bodies/$ep.json" || die "nginx does not serve $ep.json as saved"
    log "nginx: wrk -t$WRK_THREADS -c$CONNS -d$DURATION $ep.json"
    read -r rps p50 p99 errs _ < <(run_wrk "$ep" "$url" "$N/wrk/$ep.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$ep" "$rps" "$p50" "$p99" "$errs" \
        "$(stat -c %s "$N/www/$ep.json")" >>"$N/result.tsv"
    log "nginx: $ep: $rps req/s, p99 $p99 ms"
done

# Ratio lianxin/nginx, for each server thread count measured by http.sh.
awk -F'\t' -v OFS='\t' '
    FNR == 1 { next }
    FILENAME == ARGV[1] { ng[$1] = $2; next }
    { lx[$2, $1] = $3; if (!($1 in th)) { th[$1] = 1; tl[++nt] = $1 }; order[++n] = $2 }
    END {
        printf "endpoint\tnginx_rps"
        for (j = 1; j <= nt; j++) printf "\tlianxin_t%s_rps\tratio_t%s", tl[j], tl[j]
        printf "\n"
        for (i = 1; i <= n; i++) {
            e = order[i]; if (done[e]++) continue
            printf "%s\t%s", e, ng[e]
            for (j = 1; j <= nt; j++) {
                t = tl[j]
                printf "\t%s\t%.4f", lx[e, t], (ng[e] > 0 ? lx[e, t] / ng[e] : 0)
            }
            printf "\n"
        }
    }' "$N/result.tsv" "$H/result.tsv" >"$N/ratio.tsv"
column -t -s $'\t' "$N/result.tsv"
echo
column -t -s $'\t' "$N/ratio.tsv"
