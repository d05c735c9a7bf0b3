#!/usr/bin/env bash
# Load balancing under trouble, on loopback: three origins behind Palisade (and nginx for reference).
#
#   kill   steady keep-alive load over three origins; one origin process is killed (SIGKILL) part-way:
#          errors the client saw, when /api/stats showed the server out of rotation, and, after the
#          origin is started again, how long until the health checks bring it back
#   slow   one of the three origins answers SLOW_MS later than the others: p50/p99 and the share of
#          requests each origin got, per balancing policy (switched with SIGHUP between runs)
#
# The origins are bench/Origin.java (JDK HTTP server, body names the origin); the driver is
# bench/Steady.java (closed loop on keep-alive connections). A benchmark, not a test: it prints figures
# and never fails on a timing. Every process it starts is stopped by PID on exit. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

DURATION=10
CONNECTIONS=16
SLOW_MS=20
KILL_AT=3
POLICIES="round_robin,least_outstanding,p2c_ewma,random"
ONLY="kill,slow"
NGINX_REF=1
LOG_TAG=balance

usage() {
    cat <<EOF
Usage: bench/balance.sh [options]

  --duration N       seconds per measured run (default $DURATION)
  --connections N    keep-alive connections of the driver (default $CONNECTIONS)
  --slow-ms N        added latency of the slow origin (default $SLOW_MS)
  --kill-at S        second of the kill run at which one origin is killed (default $KILL_AT)
  --policies LIST    policies for the slow scenario (default $POLICIES)
  --only LIST        scenarios: kill, slow (default: both)
  --no-nginx         skip nginx's round robin and least_conn in the slow scenario
  --no-build         do not run 'mvn package'; use the existing jar
  --jar PATH         Palisade jar (default target/palisade.jar)
  --keep-tmp         keep the temporary directory (configs, logs)
EOF
}

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_defaults "-Xms256m -Xmx256m"

while (($#)); do
    case "$1" in
        --duration) DURATION=${2:-}; shift 2 ;;
        --connections) CONNECTIONS=${2:-}; shift 2 ;;
        --slow-ms) SLOW_MS=${2:-}; shift 2 ;;
        --kill-at) KILL_AT=${2:-}; shift 2 ;;
        --policies) POLICIES=${2:-}; shift 2 ;;
        --only) ONLY=${2:-}; shift 2 ;;
        --no-nginx) NGINX_REF=0; shift ;;
        --no-build|--jar|--keep-tmp) common_option "$@"; shift "$SHIFT_BY" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
for v in DURATION CONNECTIONS SLOW_MS KILL_AT; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} needs a whole number"
done
((DURATION >= 2 && DURATION <= 60)) || die "--duration must be 2..60"
((KILL_AT < DURATION)) || die "--kill-at must be below --duration"

setup_env
build_palisade
[[ -z $PALISADE_SKIP && -f $JAR ]] || die "palisade is not available: ${PALISADE_SKIP:-$JAR is missing}"

# ---------------------------------------------------------------------------------------------
# Origins: three JDK servers named o1..o3

declare -A OPORT OPID
start_bench_origin() { # name delay_ms
    local name=$1 delay=$2
    [[ -n ${OPORT[$name]:-} ]] || free_port "OPORT[$name]"
    java -Xmx96m -XX:+UseSerialGC "$BENCH_DIR/Origin.java" --port "${OPORT[$name]}" --name "$name" --delay-ms "$delay" \
        >"$TMP/origin-$name.log" 2>&1 &
    OPID[$name]=$!
    PIDS+=("${OPID[$name]}")
    wait_ready "origin $name" "${OPID[$name]}" "${OPORT[$name]}" 30 || die "origin $name did not start; see $TMP/origin-$name.log"
}

stop_bench_origin() { stop_pid "${OPID[$1]}"; }

# ---------------------------------------------------------------------------------------------
# Palisade: one group over the three origins, admin listener for /api/stats

ADMIN_PORT=""
write_palisade_config() { # policy
    cat >"$TMP/palisade/palisade.yaml" <<YAML
listeners:
  - name: http
    bind: 127.0.0.1:$PALISADE_PORT
origins:
  app:
    servers: [127.0.0.1:${OPORT[o1]}, 127.0.0.1:${OPORT[o2]}, 127.0.0.1:${OPORT[o3]}]
    balance: $1
    slow_start: 5s
    health_check:
      path: /
      interval: 1s
      timeout: 500ms
      rise: 2
      fall: 2
    outlier:
      consecutive_failures: 3
      base_ejection: 10s
    retries:
      attempts: 3
guard:
  gate:
    max_connections_per_address: 20000
    new_connections_per_second: 200000
    new_connections_burst: 400000
rules:
  dir: $REPO_DIR/rules
log:
  access: off
admin:
  bind: 127.0.0.1:$ADMIN_PORT
  token: bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
YAML
}

start_balanced_palisade() { # policy
    mkdir -p "$TMP/palisade"
    free_port PALISADE_PORT
    free_port ADMIN_PORT
    write_palisade_config "$1"
    launch_palisade || die "palisade: $PALISADE_SKIP"
    log "palisade admin listener on 127.0.0.1:$ADMIN_PORT"
}

reload_policy() { # policy: rewrite the file, SIGHUP, wait for the log line
    local before
    before=$(grep -c "configuration reloaded" "$TMP/palisade/palisade.log" || true)
    write_palisade_config "$1"
    kill -HUP "$PALISADE_PID"
    for ((i = 0; i < 100; i++)); do
        (($(grep -c "configuration reloaded" "$TMP/palisade/palisade.log" || true) > before)) && return 0
        sleep 0.1
    done
    die "palisade did not reload to balance: $1 (see $TMP/palisade/palisade.log)"
}

server_state() { # host:port -> the state /api/stats shows for that server
    http_get_admin /api/stats | grep -o "\"origin\":\"$1\",\"state\":\"[a-z_]*\"" | sed 's/.*"state":"\([a-z_]*\)"/\1/' || true
}

http_get_admin() {
    # shellcheck disable=SC2016 # $0 and $1 belong to the inner bash
    timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
        printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$1" >&3; cat <&3' "$ADMIN_PORT" "$1" 2>/dev/null || true
}


drive() { # label target [Steady options...]: runs the driver, prints its lines and Palisade's CPU per request
    local label=$1 target=$2 c0 c1 out
    shift 2
    c0=$(cpu_ticks "${PALISADE_PID:-0}")
    out=$(timeout $((DURATION + 60)) java -Xmx512m "$BENCH_DIR/Steady.java" --target "$target" --label "$label" \
        --connections "$CONNECTIONS" --duration "$DURATION" "$@")
    c1=$(cpu_ticks "${PALISADE_PID:-0}")
    echo "$out"
    if [[ $target == "127.0.0.1:$PALISADE_PORT" ]]; then
        local n
        n=$(sed -n 's/.*: \([0-9]*\) requests in.*/\1/p' <<<"$out" | head -n1)
        awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v n="${n:-0}" -v l="$label" \
            'BEGIN { if (n > 0) printf "%s: palisade CPU %.1f us/request\n", l, d * 1e6 / hz / n }'
    fi
}

start_nginx_balancer() { # name directive
    local name=$1 directive=$2 prefix=$TMP/$1
    mkdir -p "$prefix/tmp"
    free_port "NPORT"
    {
        nginx_common "$prefix"
        echo "http {"
        nginx_http_common "$prefix"
        cat <<EOF
    upstream app {
        $directive
        server 127.0.0.1:${OPORT[o1]} max_fails=3 fail_timeout=10s;
        server 127.0.0.1:${OPORT[o2]} max_fails=3 fail_timeout=10s;
        server 127.0.0.1:${OPORT[o3]} max_fails=3 fail_timeout=10s;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$NPORT backlog=4096;
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_502 http_503 http_504;
        }
    }
}
EOF
    } >"$prefix/nginx.conf"
    start_nginx "$name" "$prefix/nginx.conf"
    NPID=$STARTED_PID
    wait_ready "$name" "$NPID" "$NPORT" 20 || die "$name did not start; see $prefix/error.log"
}

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

if [[ ,$ONLY, == *,kill,* ]]; then
    start_bench_origin o1 0
    start_bench_origin o2 0
    start_bench_origin o3 0
    start_balanced_palisade round_robin
    drive warmup "127.0.0.1:$PALISADE_PORT" >/dev/null
    echo "== kill: origin o2 killed at ${KILL_AT}s under ${CONNECTIONS} keep-alive connections (round_robin, retries 3," \
        "health check 1s rise 2 fall 2, outlier 3 failures)"
    drive kill "127.0.0.1:$PALISADE_PORT" --kill-pid "${OPID[o2]}" --kill-at "$KILL_AT" \
        --admin "127.0.0.1:$ADMIN_PORT" --watch "127.0.0.1:${OPORT[o2]}"
    start_bench_origin o2 0
    t0=$(date +%s%N)
    state=""
    for ((i = 0; i < 300; i++)); do
        state=$(server_state "127.0.0.1:${OPORT[o2]}")
        [[ $state == slow_start || $state == up ]] && break
        sleep 0.1
    done
    awk -v d=$(($(date +%s%N) - t0)) -v s="$state" \
        'BEGIN { printf "kill: o2 started again; back in rotation (%s) %.1f s later\n", s, d / 1e9 }'
    stop_pid "$PALISADE_PID"
    for o in o1 o2 o3; do stop_bench_origin "$o"; done
fi

if [[ ,$ONLY, == *,slow,* ]]; then
    start_bench_origin o1 0
    start_bench_origin o2 0
    start_bench_origin o3 "$SLOW_MS"
    IFS=, read -r -a policy_list <<<"$POLICIES"
    start_balanced_palisade "${policy_list[0]}"
    drive warmup "127.0.0.1:$PALISADE_PORT" >/dev/null
    drive warmup "127.0.0.1:$PALISADE_PORT" >/dev/null
    echo "== slow: o3 answers ${SLOW_MS} ms later than o1 and o2; ${CONNECTIONS} keep-alive connections, ${DURATION}s per policy"
    for p in "${policy_list[@]}"; do
        reload_policy "$p"
        drive "palisade $p" "127.0.0.1:$PALISADE_PORT"
    done
    if ((NGINX_REF)); then
        for policy in round_robin least_conn; do
            start_nginx_balancer "nginx-$policy" "$([[ $policy == least_conn ]] && echo "least_conn;")"
            drive "nginx $policy" "127.0.0.1:$NPORT"
            stop_pid "$NPID"
        done
    fi
fi

log "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
