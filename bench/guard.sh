#!/usr/bin/env bash
# The guard's price and its worth, on loopback, in one run:
#
#   cost    keep-alive req/s and Palisade CPU per request with the guard off, on (defaults), and on with a
#           rate-limit policy keyed by address; switched with SIGHUP in one JVM, rounds interleaved
#   flood   a well-behaved client (wrk from 127.0.0.1) measured alone, then while bench/Flood.java floods
#           idle connections from 127.0.0.2..25, then while it holds slowloris connections from
#           127.0.0.26..50; for Palisade (gate defaults) and for nginx with limit_conn / limit_req
#
# slowhttptest is not used: it cannot choose its source address, so its connections would share
# 127.0.0.1 with the measured client and a per-address defence would (rightly) limit both.
# A benchmark, not a test: it prints figures and never fails on a timing. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

BUILD=1
JAR="$REPO_DIR/target/palisade.jar"
KEEP_TMP=0
PALISADE_JAVA_OPTS=${PALISADE_JAVA_OPTS:-"-Xms512m -Xmx512m"}
PALISADE_ARGS=${PALISADE_ARGS:-}
DURATION=8
ROUNDS=3
CONNECTIONS=50
FLOOD=15000
SLOWLORIS=2000
ONLY="cost,flood"
TARGETS="palisade,nginx"
LOG_TAG=guard

usage() {
    cat <<EOF
Usage: bench/guard.sh [options]

  --duration N       seconds per wrk run (default $DURATION)
  --rounds N         cost scenario: rounds of off / on / on+rate-limit, interleaved (default $ROUNDS)
  --connections N    wrk connections (default $CONNECTIONS)
  --flood N          idle flood connections (default $FLOOD, at most 15000)
  --slowloris N      slowloris connections (default $SLOWLORIS, at most 5000)
  --only LIST        scenarios: cost, flood (default: both)
  --targets LIST     flood scenario targets: palisade, nginx (default: both)
  --no-build         do not run 'mvn package'; use the existing jar
  --jar PATH         Palisade jar (default target/palisade.jar)
  --keep-tmp         keep the temporary directory (configs, logs, wrk output)
EOF
}

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

while (($#)); do
    case "$1" in
        --duration) DURATION=${2:-}; shift 2 ;;
        --rounds) ROUNDS=${2:-}; shift 2 ;;
        --connections) CONNECTIONS=${2:-}; shift 2 ;;
        --flood) FLOOD=${2:-}; shift 2 ;;
        --slowloris) SLOWLORIS=${2:-}; shift 2 ;;
        --only) ONLY=${2:-}; shift 2 ;;
        --targets) TARGETS=${2:-}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --jar) JAR=${2:-}; shift 2 ;;
        --keep-tmp) KEEP_TMP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
for v in DURATION ROUNDS CONNECTIONS FLOOD SLOWLORIS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} needs a whole number"
done
((DURATION >= 2 && DURATION <= 60)) || die "--duration must be 2..60"
((ROUNDS >= 1 && ROUNDS <= 10)) || die "--rounds must be 1..10"

setup_env
build_palisade
[[ -z $PALISADE_SKIP && -f $JAR ]] || die "palisade is not available: ${PALISADE_SKIP:-$JAR is missing}"
start_origin

field() { # file key (a BENCH_RESULT line of bench/report.lua)
    awk -v k="$2" '/^BENCH_RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$1"
}

wrk_run() { # port seconds outfile pid -> prints "rps p99_ms errors cpu_us_per_request"
    local c0 c1 e=0 k
    c0=$(cpu_ticks "$4")
    timeout $(($2 + 30)) "$WRK" -t1 -c"$CONNECTIONS" -d"${2}s" --timeout 5s -s "$BENCH_DIR/report.lua" \
        -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' \
        "http://127.0.0.1:$1$SMALL_PATH" >"$3" 2>&1 || true
    c1=$(cpu_ticks "$4")
    if [[ -z $(field "$3" rps) ]]; then
        echo "0 0 wrk-failed 0"
        return 0
    fi
    for k in err_connect err_read err_write err_timeout err_status; do e=$((e + $(field "$3" $k))); done
    awk -v rps="$(field "$3" rps)" -v p99="$(field "$3" p99_us)" -v e="$e" -v d=$((c1 - c0)) -v hz="$CLK_TCK" \
        -v n="$(field "$3" requests)" 'BEGIN { printf "%.0f %.2f %d %.1f\n", rps, p99 / 1000, e, (n > 0 ? d * 1e6 / hz / n : 0) }'
}

# ---------------------------------------------------------------------------------------------
# Palisade with a config file of our own (the lib's start_palisade raises the gate limits)

write_palisade() { # mode: off | on | ratelimit | flood
    local guard
    case "$1" in
        off) guard="guard:
  enabled: false" ;;
        on) guard="guard:
  gate:
    max_connections_per_address: 20000
    new_connections_per_second: 200000
    new_connections_burst: 400000" ;;
        ratelimit) guard="guard:
  gate:
    max_connections_per_address: 20000
    new_connections_per_second: 200000
    new_connections_burst: 400000
  rate_limits:
    - name: per-address
      key: [address]
      limits: [{requests: 10000000, per: 1s}]" ;;
        flood) guard="" ;; # the shipped defaults: what an operator runs
    esac
    cat >"$TMP/palisade/palisade.yaml" <<YAML
listeners:
  - name: http
    bind: 127.0.0.1:$PALISADE_PORT
origins:
  origin:
    servers: [127.0.0.1:$ORIGIN_PORT]
rules:
  dir: $REPO_DIR/rules
log:
  access: off
admin:
  enabled: false
$guard
YAML
}

start_own_palisade() { # mode
    mkdir -p "$TMP/palisade"
    free_port PALISADE_PORT
    write_palisade "$1"
    launch_palisade || die "palisade: $PALISADE_SKIP"
    log "palisade runs with guard: $1"
}

reload_palisade() { # mode
    local before i
    before=$(grep -c "configuration reloaded" "$TMP/palisade/palisade.log" || true)
    write_palisade "$1"
    kill -HUP "$PALISADE_PID"
    for ((i = 0; i < 100; i++)); do
        (($(grep -c "configuration reloaded" "$TMP/palisade/palisade.log" || true) > before)) && return 0
        sleep 0.1
    done
    die "palisade did not reload (see $TMP/palisade/palisade.log)"
}

start_limited_nginx() { # nginx with the per-address limits an operator would set against floods
    local prefix=$TMP/nginx-limited
    mkdir -p "$prefix/tmp"
    free_port NGINX_PORT
    {
        nginx_common "$prefix"
        echo "http {"
        nginx_http_common "$prefix"
        cat <<EOF
    limit_conn_zone \$binary_remote_addr zone=peraddr:10m;
    limit_req_zone \$binary_remote_addr zone=reqs:10m rate=100000r/s;
    client_header_timeout 10s;
    client_body_timeout 10s;
    send_timeout 60s;
    reset_timedout_connection on;
    upstream origin {
        server 127.0.0.1:$ORIGIN_PORT;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        limit_conn peraddr 256;
        limit_req zone=reqs burst=2000 nodelay;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
    } >"$prefix/nginx.conf"
    start_nginx nginx-limited "$prefix/nginx.conf"
    NGINX_PID=$STARTED_PID
    wait_ready nginx "$NGINX_PID" "$NGINX_PORT" 20 || die "nginx did not start; see $prefix/error.log"
    log "nginx       pid $NGINX_PID on 127.0.0.1:$NGINX_PORT (limit_conn 256 per address, limit_req 100000r/s burst 2000, client_header_timeout 10s)"
}

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

# ---------------------------------------------------------------------------------------------
if [[ ,$ONLY, == *,cost,* ]]; then
    start_own_palisade on
    log "JIT warm-up 10 s"
    wrk_run "$PALISADE_PORT" 10 "$TMP/wrk-warmup.txt" "$PALISADE_PID" >/dev/null
    declare -A SUM_RPS SUM_CPU
    echo "== cost: keep-alive small reply, wrk -t1 -c$CONNECTIONS, ${DURATION}s per run, $ROUNDS rounds interleaved"
    printf '%-10s %5s %10s %9s %7s %12s\n' mode round "req/s" "p99 ms" errors "CPU us/req"
    for ((r = 1; r <= ROUNDS; r++)); do
        for mode in off on ratelimit; do
            reload_palisade "$mode"
            read -r rps p99 errs cpu < <(wrk_run "$PALISADE_PORT" "$DURATION" "$TMP/wrk-cost-$mode-$r.txt" "$PALISADE_PID")
            printf '%-10s %5d %10s %9s %7s %12s\n' "$mode" "$r" "$rps" "$p99" "$errs" "$cpu"
            SUM_RPS[$mode]=$(awk -v a="${SUM_RPS[$mode]:-0}" -v b="$rps" 'BEGIN { print a + b }')
            SUM_CPU[$mode]=$(awk -v a="${SUM_CPU[$mode]:-0}" -v b="$cpu" 'BEGIN { print a + b }')
        done
    done
    for mode in on ratelimit; do
        awk -v m="$mode" -v r1="${SUM_RPS[off]}" -v r2="${SUM_RPS[$mode]}" -v c1="${SUM_CPU[off]}" -v c2="${SUM_CPU[$mode]}" \
            -v n="$ROUNDS" 'BEGIN { printf "cost: guard %-9s vs off: req/s %+.1f%%, CPU per request %+.1f%% (means of %d rounds: %.0f vs %.0f req/s, %.1f vs %.1f us)\n",
                m, (r2 - r1) * 100 / r1, (c2 - c1) * 100 / c1, n, r2 / n, r1 / n, c2 / n, c1 / n }'
    done
    stop_pid "$PALISADE_PID"
fi

# ---------------------------------------------------------------------------------------------
flood_target() { # name port pid
    local name=$1 port=$2 pid=$3 base flood slow
    # a fresh JVM needs its JIT warm-up before it is measured; nginx needs none
    wrk_run "$port" "$([[ $name == palisade ]] && echo 15 || echo 3)" "$TMP/wrk-$name-warm.txt" "$pid" >/dev/null
    base=$(wrk_run "$port" "$DURATION" "$TMP/wrk-$name-base.txt" "$pid")
    timeout 300 java -Xmx256m "$BENCH_DIR/Flood.java" --target "127.0.0.1:$port" --path "$SMALL_PATH" --flood "$FLOOD" \
        --hold $((DURATION + 4)) --slowloris 0 >"$TMP/flood-$name.txt" 2>&1 &
    local fpid=$!
    PIDS+=("$fpid")
    sleep 3
    flood=$(wrk_run "$port" "$DURATION" "$TMP/wrk-$name-flood.txt" "$pid")
    wait "$fpid" 2>/dev/null || true
    timeout 300 java -Xmx256m "$BENCH_DIR/Flood.java" --target "127.0.0.1:$port" --path "$SMALL_PATH" --flood 0 \
        --slowloris "$SLOWLORIS" --interval 1 --duration $((DURATION + 6)) >"$TMP/slow-$name.txt" 2>&1 &
    fpid=$!
    PIDS+=("$fpid")
    sleep 4
    slow=$(wrk_run "$port" "$DURATION" "$TMP/wrk-$name-slow.txt" "$pid")
    wait "$fpid" 2>/dev/null || true
    local b f s
    read -r -a b <<<"$base"
    read -r -a f <<<"$flood"
    read -r -a s <<<"$slow"
    printf '%-9s alone      %8s req/s  p99 %7s ms  errors %s\n' "$name" "${b[0]}" "${b[1]}" "${b[2]}"
    awk -v n="$name" -v r="${f[0]}" -v p="${f[1]}" -v e="${f[2]}" -v b="${b[0]}" \
        'BEGIN { printf "%-9s flood      %8s req/s  p99 %7s ms  errors %s  (%.0f%% of alone)\n", n, r, p, e, (b > 0 ? r * 100 / b : 0) }'
    awk -v n="$name" -v r="${s[0]}" -v p="${s[1]}" -v e="${s[2]}" -v b="${b[0]}" \
        'BEGIN { printf "%-9s slowloris  %8s req/s  p99 %7s ms  errors %s  (%.0f%% of alone)\n", n, r, p, e, (b > 0 ? r * 100 / b : 0) }'
    grep -E "^(flood|slowloris):" "$TMP/flood-$name.txt" "$TMP/slow-$name.txt" 2>/dev/null | sed "s|^$TMP/|    |" || true
    if [[ $name == palisade ]]; then
        printf '          peak RSS %s MiB\n' "$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")"
    fi
}

if [[ ,$ONLY, == *,flood,* ]]; then
    echo "== flood: wrk -t1 -c$CONNECTIONS from 127.0.0.1 alone, during $FLOOD idle connections from 24 addresses," \
        "during $SLOWLORIS slowloris connections from 25 addresses; ${DURATION}s each"
    if [[ ,$TARGETS, == *,palisade,* ]]; then
        start_own_palisade flood
        flood_target palisade "$PALISADE_PORT" "$PALISADE_PID"
        stop_pid "$PALISADE_PID"
    fi
    if [[ ,$TARGETS, == *,nginx,* ]]; then
        start_limited_nginx
        flood_target nginx "$NGINX_PORT" "$NGINX_PID"
        stop_pid "$NGINX_PID"
    fi
fi

log "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
