#!/usr/bin/env bash
# The cost of distributed mode: keep-alive req/s and p99 of Palisade with a rate-limit policy kept in
# Redis (cluster: sync exact, and sync delayed) against the same policy with local buckets, in one run.
#
#   bench/cluster.sh                 build, start an nginx origin, a Redis and three Palisades, measure
#   bench/cluster.sh --no-build      use target/palisade.jar as it is
#
# The policy is keyed by an X-Client header that wrk varies over --keys values (bench/cluster.lua), with a
# limit no request reaches: every request takes a token, none is refused. Redis is the system's
# redis-server when installed, else the Linux binary inside the embedded-redis test jar in ~/.m2 (the test
# build downloads it). Rounds alternate between the targets; the median of the rounds is shown, with the
# CPU time each Palisade (and Redis) spent per request. Every process started here is stopped by its PID.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

DURATION=8
WARMUP=8
ROUNDS=3
CONNECTIONS=50
THREADS=2
KEYS=100
LOG_TAG=cluster

usage() {
    cat <<EOF
Usage: bench/cluster.sh [options]

  --duration S       measured seconds per round and target (default $DURATION)
  --warmup S         warm-up seconds per target before the first round (default $WARMUP)
  --rounds N         rounds, alternating the targets (default $ROUNDS)
  --connections N    wrk connections (default $CONNECTIONS)
  --threads N        wrk threads (default $THREADS)
  --keys N           distinct X-Client values, so buckets (default $KEYS)
  --no-build         do not run 'mvn package'
  --jar PATH         Palisade jar (default target/palisade.jar)
  --keep-tmp         keep the temporary directory with configs and logs
EOF
}

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_defaults "-Xms512m -Xmx512m"

while (($#)); do
    case "$1" in
        --duration) DURATION=${2:-}; shift 2 ;;
        --warmup) WARMUP=${2:-}; shift 2 ;;
        --rounds) ROUNDS=${2:-}; shift 2 ;;
        --connections) CONNECTIONS=${2:-}; shift 2 ;;
        --threads) THREADS=${2:-}; shift 2 ;;
        --keys) KEYS=${2:-}; shift 2 ;;
        --no-build|--jar|--keep-tmp) common_option "$@"; shift "$SHIFT_BY" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
for v in DURATION WARMUP ROUNDS CONNECTIONS THREADS KEYS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} takes a number"
done
((DURATION <= 60 && ROUNDS <= 10 && CONNECTIONS <= 1000)) || die "keep runs short: --duration <= 60, --rounds <= 10, --connections <= 1000"

find_redis() {
    local r jar
    r=$(find_tool redis-server)
    if [[ -n $r ]]; then echo "$r"; return; fi
    jar=$(ls "$HOME"/.m2/repository/com/github/codemonstur/embedded-redis/*/embedded-redis-*.jar 2>/dev/null | tail -n 1)
    [[ -n $jar ]] || return 0
    unzip -p "$jar" redis-server-6.2.6-v5-linux-amd64 >"$TMP/redis-server" 2>/dev/null || return 0
    chmod 755 "$TMP/redis-server"
    echo "$TMP/redis-server"
}

start_redis() {
    local bin
    bin=$(find_redis)
    [[ -n $bin ]] || die "no redis-server: install it (apt-get install redis-server) or run 'mvn test-compile' once for the embedded-redis jar"
    mkdir -p "$TMP/redis"
    free_port REDIS_PORT
    "$bin" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP/redis" \
        >"$TMP/redis/redis.log" 2>&1 &
    REDIS_PID=$!
    PIDS+=("$REDIS_PID")
    local i
    for ((i = 0; i < 100; i++)); do port_open "$REDIS_PORT" && break; sleep 0.1; done
    port_open "$REDIS_PORT" || die "redis did not start; see $TMP/redis/redis.log"
    log "redis       pid $REDIS_PID on 127.0.0.1:$REDIS_PORT ($bin)"
}

POLICY='  rate_limits:
    - name: bench
      key: ["header:X-Client"]
      limits: ["1000000/s burst 1000000"]'

start_target() { # name cluster-yaml (three Palisades run at once: start_palisade turns off the admin listener, whose port is fixed)
    PALISADE_NAME=$1 PALISADE_EXTRA_YAML="$POLICY
$2" start_palisade || die "palisade ($1) did not start: $PALISADE_SKIP"
    PORT[$1]=$PALISADE_PORT
    PID[$1]=$PALISADE_PID
}

run_wrk() { # port seconds outfile
    timeout $(($2 + 30)) "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" --timeout 5s -s "$BENCH_DIR/cluster.lua" \
        -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' \
        "http://127.0.0.1:$1$SMALL_PATH" -- "$KEYS" >"$3" 2>&1
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

setup_env
build_palisade
start_origin
start_redis
declare -A PORT PID
TARGETS=(local exact delayed)
start_target local ""
start_target exact "cluster:
  redis: redis://127.0.0.1:$REDIS_PORT
  node_id: bench-exact
  key_prefix: 'exact:'"
start_target delayed "cluster:
  redis: redis://127.0.0.1:$REDIS_PORT
  node_id: bench-delayed
  key_prefix: 'delayed:'
  sync: delayed"

for t in "${TARGETS[@]}"; do
    log "warm-up $t (${WARMUP}s)"
    run_wrk "${PORT[$t]}" "$WARMUP" "$TMP/wrk-$t-warmup.txt" || true
done
for ((r = 1; r <= ROUNDS; r++)); do
    for t in "${TARGETS[@]}"; do
        out=$TMP/wrk-$t-$r.txt
        c0=$(cpu_ticks "${PID[$t]}")
        r0=$(cpu_ticks "$REDIS_PID")
        run_wrk "${PORT[$t]}" "$DURATION" "$out" || log "wrk failed against $t: $(tr '\n' ' ' <"$out" | cut -c1-200)"
        c1=$(cpu_ticks "${PID[$t]}")
        r1=$(cpu_ticks "$REDIS_PID")
        n=$(field "$out" requests)
        if [[ -n $n && $n -gt 0 ]]; then
            echo "$(field "$out" rps) $(field "$out" p99_us) $(awk -v c=$((c1 - c0)) -v k="$CLK_TCK" -v n="$n" 'BEGIN { printf "%.1f", c / k * 1e6 / n }') $(awk -v c=$((r1 - r0)) -v k="$CLK_TCK" -v n="$n" 'BEGIN { printf "%.1f", c / k * 1e6 / n }') $(field "$out" err_status)" >>"$TMP/results-$t.txt"
        fi
        log "round $r $t: $(grep -o 'rps=[0-9.]* .*p99_us=[0-9]*' "$out" | sed 's/ bytes=[0-9]*//; s/ p50_us=[0-9]* p90_us=[0-9]*//' || true)"
    done
done

col() { awk -v c="$2" '{print $c}' "$TMP/results-$1.txt" | median; }
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "## Distributed rate limits vs local ($(date -u +%Y-%m-%dT%H:%MZ), load average $LOAD, $(nproc) cores)"
echo
echo "wrk -t$THREADS -c$CONNECTIONS keep-alive GET $SMALL_PATH, X-Client over $KEYS values, ${WARMUP}s warm-up, $ROUNDS x ${DURATION}s rounds alternating, medians; wrk, Redis, the origin and the Palisades share the cores."
echo
echo "| target | req/s | vs local | p99 ms | added p99 ms | Palisade CPU us/req | Redis CPU us/req | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
base_rps=$(col local 1)
base_p99=$(col local 2)
for t in "${TARGETS[@]}"; do
    [[ -s $TMP/results-$t.txt ]] || { echo "| $t | no result | | | | | | |"; continue; }
    rps=$(col "$t" 1); p99=$(col "$t" 2)
    awk -v t="$t" -v rps="$rps" -v p99="$p99" -v brps="$base_rps" -v bp99="$base_p99" -v cpu="$(col "$t" 3)" \
        -v rcpu="$(col "$t" 4)" -v err="$(col "$t" 5)" 'BEGIN {
        printf "| %s | %.0f | %+.1f%% | %.2f | %+.2f | %s | %s | %s |\n", t, rps, (rps / brps - 1) * 100, p99 / 1000,
            (p99 - bp99) / 1000, cpu, rcpu, err }'
done
