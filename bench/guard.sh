#!/usr/bin/env bash
# The guard's price and its worth, on loopback, in one run:
#
#   cost    keep-alive req/s and Palisade CPU per request with the guard off, on (defaults), and on with a
#           rate-limit policy keyed by address; switched with SIGHUP in one JVM, rounds interleaved
#   flood   a well-behaved client (wrk from 127.0.0.1) measured alone, then during three attacks: a steady
#           connection flood from 127.0.0.2..25 and a slowloris from 127.0.0.26..50 (both bench/Flood.java),
#           and slowhttptest's slowloris from ::1; for Palisade (gate defaults) and for nginx with
#           limit_conn / limit_req
#
# On a machine with 2 or more cores the proxy under test runs alone on the last core (Palisade with one
# event loop, nginx with one worker); wrk, the origin and the attackers share the others, and the
# attackers run at SCHED_IDLE, so they only get CPU the client and the origin leave over and cannot take
# it from the proxy or the client. What each attack achieved (connections per second, the driver's own
# CPU) is printed next to the client's figures. A benchmark, not a test: it prints figures and never fails
# on a timing. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

DURATION=8
ROUNDS=5
JIT_WARMUP=20
WARMUP_REQUESTS=150000
CONNECTIONS=50
FLOOD_RATE=2000
FLOOD_SOURCES=4
ATTACKERS=normal
SLOWLORIS=2000
SLOWHTTP=2000
PIN=auto
JFR=0
RENICE=0
ONLY="cost,flood"
TARGETS="palisade,nginx"
LOG_TAG=guard

usage() {
    cat <<EOF
Usage: bench/guard.sh [options]

  --duration N       seconds per wrk run (default $DURATION)
  --rounds N         cost scenario: rounds of off / on / on+rate-limit, interleaved (default $ROUNDS)
  --jit-warmup N     Palisade's JIT warm-up: at least N seconds and $WARMUP_REQUESTS requests (at most 90 s;
                     default $JIT_WARMUP)
  --connections N    wrk connections (default $CONNECTIONS)
  --flood-rate N     new flood connections a second, kept up through each measurement (default $FLOOD_RATE)
  --flood-sources N  flood source addresses 127.0.0.2 onwards, 1..24 (default $FLOOD_SOURCES: each above the
                     gate's default 200 new connections/s; 24 at 2000/s stays under it)
  --attackers P      attackers' priority: normal (default), nice (nice -n 19) or idle (SCHED_IDLE)
  --slowloris N      Flood.java slowloris connections from 25 addresses (default $SLOWLORIS, at most 5000)
  --slowhttp N       slowhttptest slowloris connections from ::1 (default $SLOWHTTP; 0: skip that phase)
  --no-pin           do not pin the proxy to a core of its own (default: pin when there are 2+ cores)
  --renice N         run wrk, the origin and the proxy at nice N (-10..0, default 0) against other load on
                     the machine; the attackers stay at the priority --attackers gives them
  --jfr              record Palisade with JFR during the flood phases into bench/out/guard-flood-DATE.jfr
  --only LIST        scenarios: cost, flood (default: both)
  --targets LIST     flood scenario targets: palisade, nginx (default: both)
  --no-build         do not run 'mvn package'; use the existing jar
  --jar PATH         Palisade jar (default target/palisade.jar)
  --keep-tmp         keep the temporary directory (configs, logs, wrk output)
EOF
}

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_defaults "-Xms512m -Xmx512m"

while (($#)); do
    case "$1" in
        --duration) DURATION=${2:-}; shift 2 ;;
        --rounds) ROUNDS=${2:-}; shift 2 ;;
        --jit-warmup) JIT_WARMUP=${2:-}; shift 2 ;;
        --connections) CONNECTIONS=${2:-}; shift 2 ;;
        --flood-rate) FLOOD_RATE=${2:-}; shift 2 ;;
        --flood-sources) FLOOD_SOURCES=${2:-}; shift 2 ;;
        --attackers) ATTACKERS=${2:-}; shift 2 ;;
        --slowloris) SLOWLORIS=${2:-}; shift 2 ;;
        --slowhttp) SLOWHTTP=${2:-}; shift 2 ;;
        --no-pin) PIN=0; shift ;;
        --renice) RENICE=${2:-}; shift 2 ;;
        --jfr) JFR=1; shift ;;
        --only) ONLY=${2:-}; shift 2 ;;
        --targets) TARGETS=${2:-}; shift 2 ;;
        --no-build|--jar|--keep-tmp) common_option "$@"; shift "$SHIFT_BY" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
for v in DURATION ROUNDS JIT_WARMUP CONNECTIONS FLOOD_RATE FLOOD_SOURCES SLOWLORIS SLOWHTTP; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} needs a whole number"
done
((FLOOD_RATE >= 1 && FLOOD_RATE <= 5000)) || die "--flood-rate must be 1..5000"
((FLOOD_SOURCES >= 1 && FLOOD_SOURCES <= 24)) || die "--flood-sources must be 1..24"
[[ $RENICE =~ ^-?[0-9]+$ ]] && ((RENICE >= -10 && RENICE <= 0)) || die "--renice must be -10..0"
((DURATION >= 2 && DURATION <= 60)) || die "--duration must be 2..60"
((ROUNDS >= 1 && ROUNDS <= 20)) || die "--rounds must be 1..20"

# Placement: the proxy alone on the last core; wrk, the origin and the attackers on the others.
CORES=$(nproc)
[[ $PIN == auto ]] && PIN=$((CORES >= 2 ? 1 : 0))
if ((PIN)); then
    PROXY_CPU=$((CORES - 1))
    OTHER_CPUS=0-$((CORES - 2))
    ON_OTHERS=(taskset -c "$OTHER_CPUS")
    # one event loop and one GC thread, like nginx's one worker
    PALISADE_JAVA_OPTS="$PALISADE_JAVA_OPTS -XX:ActiveProcessorCount=1"
else
    ON_OTHERS=()
fi
case "$ATTACKERS" in
    normal) ATTACKER=("${ON_OTHERS[@]}") ;;
    nice) ATTACKER=("${ON_OTHERS[@]}" nice -n 19) ;;
    idle) ATTACKER=("${ON_OTHERS[@]}" chrt -i 0) ;; # only CPU nobody else wants: starved on a busy machine
    *) die "--attackers takes normal, nice or idle" ;;
esac

pin() { # pid cpus: the process, its threads and its children (nginx workers); and --renice
    local p
    for p in "$1" $(children_of "$1"); do
        ((PIN)) && { taskset -a -p -c "$2" "$p" >/dev/null 2>&1 || true; }
        ((RENICE)) && { renice -n "$RENICE" -p $(ls "/proc/$p/task") >/dev/null 2>&1 || true; }
    done
    return 0
}
((RENICE)) && ON_OTHERS=(nice -n "$RENICE" "${ON_OTHERS[@]}")

if ((SLOWHTTP > 0)) && ! command -v slowhttptest >/dev/null; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        log "installing slowhttptest"
        (apt-get install -y -q slowhttptest || { apt-get update -q && apt-get install -y -q slowhttptest; }) >/dev/null 2>&1 ||
            die "could not install slowhttptest (or pass --slowhttp 0)"
    else
        die "slowhttptest is missing (apt-get install slowhttptest, or pass --slowhttp 0)"
    fi
fi

setup_env
build_palisade
[[ -z $PALISADE_SKIP && -f $JAR ]] || die "palisade is not available: ${PALISADE_SKIP:-$JAR is missing}"
start_origin
pin "$ORIGIN_PID" "${OTHER_CPUS:-0}"
# the flood driver, compiled once (the single-file launch would compile it on every start, inside the figures)
mkdir -p "$TMP/flood-classes"
javac -d "$TMP/flood-classes" "$BENCH_DIR/Flood.java" || die "bench/Flood.java does not compile"
FLOOD_JAVA=(java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$TMP/flood-classes" Flood)

wrk_run() { # port seconds outfile pid -> prints "rps p99_ms errors cpu_us_per_request proxy_cpu_percent"
    local c0 c1 e=0 k
    c0=$(cpu_ticks "$4")
    timeout $(($2 + 30)) "${ON_OTHERS[@]}" "$WRK" -t1 -c"$CONNECTIONS" -d"${2}s" --timeout 5s -s "$BENCH_DIR/report.lua" \
        -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' \
        "http://127.0.0.1:$1$SMALL_PATH" >"$3" 2>&1 || true
    c1=$(cpu_ticks "$4")
    if [[ -z $(field "$3" rps) ]]; then
        echo "0 0 wrk-failed 0 0"
        return 0
    fi
    for k in err_connect err_read err_write err_timeout err_status; do e=$((e + $(field "$3" $k))); done
    awk -v rps="$(field "$3" rps)" -v p99="$(field "$3" p99_us)" -v e="$e" -v d=$((c1 - c0)) -v hz="$CLK_TCK" \
        -v n="$(field "$3" requests)" -v s="$2" \
        'BEGIN { printf "%.0f %.2f %d %.1f %.0f\n", rps, p99 / 1000, e, (n > 0 ? d * 1e6 / hz / n : 0), d * 100 / hz / s }'
}

# JIT warm-up by work done, not by time (on a busy machine 15 s may be a few thousand requests): 5 s runs
# until WARMUP_REQUESTS requests have been served, at least JIT_WARMUP seconds and at most 90 s.
warm_up() { # port pid
    local n=0 t=0 rps
    while ((t < 90 && (n < WARMUP_REQUESTS || t < JIT_WARMUP))); do
        read -r rps _ < <(wrk_run "$1" 5 "$TMP/wrk-warmup.txt" "$2")
        n=$((n + rps * 5))
        t=$((t + 5))
    done
    log "JIT warm-up: about $n requests in ${t}s"
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
    local v6=""
    # the same port on ::1 for slowhttptest, whose connections cannot come from another IPv4 address
    [[ $1 == flood ]] && v6="  - name: http6
    bind: \"[::1]:$PALISADE_PORT\""
    cat >"$TMP/palisade/palisade.yaml" <<YAML
listeners:
  - name: http
    bind: 127.0.0.1:$PALISADE_PORT
$v6
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
    pin "$PALISADE_PID" "${PROXY_CPU:-}"
    log "palisade runs with guard: $1${PROXY_CPU:+, pinned to cpu $PROXY_CPU}"
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
        listen [::1]:$NGINX_PORT backlog=4096;
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
    pin "$NGINX_PID" "${PROXY_CPU:-}"
    log "nginx       pid $NGINX_PID on 127.0.0.1:$NGINX_PORT (limit_conn 256 per address, limit_req 100000r/s burst 2000, client_header_timeout 10s)"
}

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

# ---------------------------------------------------------------------------------------------
if [[ ,$ONLY, == *,cost,* ]]; then
    start_own_palisade on
    log "JIT warm-up, then one unrecorded round"
    warm_up "$PALISADE_PORT" "$PALISADE_PID"
    for mode in off on ratelimit; do
        reload_palisade "$mode"
        wrk_run "$PALISADE_PORT" 3 "$TMP/wrk-warmup-$mode.txt" "$PALISADE_PID" >/dev/null
    done
    echo "== cost: keep-alive small reply, wrk -t1 -c$CONNECTIONS, ${DURATION}s per run, $ROUNDS rounds interleaved"
    printf '%-10s %5s %10s %9s %7s %12s\n' mode round "req/s" "p99 ms" errors "CPU us/req"
    : >"$TMP/cost.txt"
    for ((r = 1; r <= ROUNDS; r++)); do
        for mode in off on ratelimit; do
            reload_palisade "$mode"
            read -r rps p99 errs cpu _ < <(wrk_run "$PALISADE_PORT" "$DURATION" "$TMP/wrk-cost-$mode-$r.txt" "$PALISADE_PID")
            printf '%-10s %5d %10s %9s %7s %12s\n' "$mode" "$r" "$rps" "$p99" "$errs" "$cpu"
            echo "$r $mode $rps $cpu" >>"$TMP/cost.txt"
        done
    done
    # The three modes of a round run back to back, so a round's ratios see the same machine load; the
    # median of the rounds' ratios is the figure (the mean is dragged by a round another build disturbed).
    for mode in on ratelimit; do
        awk -v m="$mode" '
            function median(a, n,   i, j, t) {
                for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
                return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
            }
            { rps[$1, $2] = $3; cpu[$1, $2] = $4; if ($1 > rounds) rounds = $1 }
            END {
                for (r = 1; r <= rounds; r++) {
                    if (rps[r, "off"] > 0 && cpu[r, "off"] > 0) { n++; rr[n] = rps[r, m] / rps[r, "off"]; cr[n] = cpu[r, m] / cpu[r, "off"]; co[n] = cpu[r, "off"]; cm[n] = cpu[r, m] }
                }
                if (n == 0) { print "cost: no usable rounds"; exit }
                printf "cost: guard %-9s vs off: CPU per request %+.1f%%, req/s %+.1f%% (medians of %d rounds'\'' ratios; median CPU %.1f vs %.1f us/req)\n",
                    m, (median(cr, n) - 1) * 100, (median(rr, n) - 1) * 100, n, median(cm, n), median(co, n)
            }' "$TMP/cost.txt"
    done
    stop_pid "$PALISADE_PID"
fi

# ---------------------------------------------------------------------------------------------
# One attack at a time, started here in the background: it must be in full swing before the client is
# measured and go on until the measurement is over.
FLOOD_CONNS=$((FLOOD_RATE * (DURATION + 8)))
((FLOOD_CONNS <= 100000)) || FLOOD_CONNS=100000

attack() { # name port outfile: starts it, sets ATTACK_PID
    local what=$1 port=$2 out=$3
    case "$what" in
        flood) "${ATTACKER[@]}" timeout 300 "${FLOOD_JAVA[@]}" --target "127.0.0.1:$port" --path "$SMALL_PATH" \
            --flood "$FLOOD_CONNS" --rate "$FLOOD_RATE" --sources "$FLOOD_SOURCES" --hold 5 --slowloris 0 >"$out" 2>&1 & ;;
        slowloris) "${ATTACKER[@]}" timeout 300 "${FLOOD_JAVA[@]}" --target "127.0.0.1:$port" --path "$SMALL_PATH" \
            --flood 0 --slowloris "$SLOWLORIS" --interval 1 --duration $((DURATION + 8)) >"$out" 2>&1 & ;;
        slowhttp) # slowloris (-H) from ::1, a header line every second; `times` gives its CPU time
            (
                "${ATTACKER[@]}" timeout $((DURATION + 40)) slowhttptest -H -c "$SLOWHTTP" -r 500 -i 1 -x 16 -p 3 \
                    -l $((DURATION + 8)) -u "http://[::1]:$port$SMALL_PATH" </dev/null >"$out.log" 2>&1
                times
            ) >"$out" 2>&1 & ;;
    esac
    ATTACK_PID=$!
    PIDS+=("$ATTACK_PID")
}

summary() { # outfile -> a line on what the attacker achieved
    local f=$1
    if grep -q '^FLOOD_RESULT' "$f" 2>/dev/null; then
        awk '/^FLOOD_RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            printf "%d attempted (%.0f/s), %d connected, %d failed to connect, %d reset and %d closed by the proxy, %d held to the end; driver CPU %.1f s (%.0f us per connection)",
                v["attempted"], v["attempted"] / v["seconds"], v["connected"], v["failed"], v["reset"], v["closed"], v["held"],
                v["driver_cpu_ms"] / 1000, (v["attempted"] > 0 ? v["driver_cpu_ms"] * 1000 / v["attempted"] : 0) }' "$f"
    else # slowhttptest: its last status block, and `times` (children user + system)
        awk '/closed:/ { c = $NF } /connected:/ { o = $NF } /pending:/ { p = $NF } /error:/ { e = $NF }
             /available:/ { a = $NF } /^[0-9]+m[0-9.]+s [0-9]+m[0-9.]+s$/ { t = $0 }
             END { printf "at its end: %s connected, %s pending, %s closed, %s errors, service available %s; driver CPU (user sys) %s", o, p, c, e, a, t }' \
            "$f.log" "$f"
    fi
}

flood_target() { # name port pid
    local name=$1 port=$2 pid=$3 what line base r
    # a fresh JVM needs its JIT warm-up before it is measured; nginx needs none
    if [[ $name == palisade ]]; then warm_up "$port" "$pid"; else wrk_run "$port" 3 "$TMP/wrk-$name-warm.txt" "$pid" >/dev/null; fi
    # and so do the refusal and slow-client paths, with the client's traffic at the same time, for every target:
    # an unmeasured flood (127.0.0.100 on) and slowloris (127.0.0.150..174) beside wrk. A JIT that compiled
    # the request path alone deoptimizes and recompiles the event loop's outermost methods when the attacks
    # first change their profiles (seconds of compiler time on the proxy's one core); a proxy that has been
    # up a while has seen every kind of traffic. The measured attacks come from addresses of their own.
    local warm_pids=()
    "${ATTACKER[@]}" timeout 60 "${FLOOD_JAVA[@]}" --target "127.0.0.1:$port" --path "$SMALL_PATH" --flood $((FLOOD_RATE * 6)) \
        --rate "$FLOOD_RATE" --sources "$FLOOD_SOURCES" --source-base 100 --hold 2 --slowloris 0 >"$TMP/warm-flood-$name.txt" 2>&1 &
    warm_pids+=($!)
    if ((SLOWLORIS > 0)); then
        "${ATTACKER[@]}" timeout 60 "${FLOOD_JAVA[@]}" --target "127.0.0.1:$port" --path "$SMALL_PATH" --flood 0 \
            --slowloris "$SLOWLORIS" --slowloris-base 150 --interval 1 --duration 22 >"$TMP/warm-slowloris-$name.txt" 2>&1 &
        warm_pids+=($!)
    fi
    PIDS+=("${warm_pids[@]}")
    wrk_run "$port" 24 "$TMP/wrk-$name-warm-mixed.txt" "$pid" >/dev/null
    wait "${warm_pids[@]}" 2>/dev/null || true
    sleep 2
    base=$(wrk_run "$port" "$DURATION" "$TMP/wrk-$name-base.txt" "$pid")
    read -r -a r <<<"$base"
    printf '%-9s %-10s %8s req/s  p99 %7s ms  errors %-5s  proxy CPU %3s%% of a core, %6s us/req\n' \
        "$name" alone "${r[0]}" "${r[1]}" "${r[2]}" "${r[4]}" "${r[3]}"
    if [[ $name == palisade ]] && ((JFR)); then
        mkdir -p "$REPO_DIR/bench/out"
        jcmd "$pid" JFR.start name=flood settings=profile >/dev/null 2>&1 || log "JFR could not start"
    fi
    for what in flood slowloris slowhttp; do
        [[ $what == slowhttp ]] && ((SLOWHTTP == 0)) && continue
        [[ $what == slowloris ]] && ((SLOWLORIS == 0)) && continue
        attack "$what" "$port" "$TMP/$what-$name.txt"
        # the attack alone, once under way: the share of a core it takes from the proxy
        sleep 2
        local c0 c1 attack_pct
        c0=$(cpu_ticks "$pid")
        sleep 3
        c1=$(cpu_ticks "$pid")
        attack_pct=$(awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", d * 100 / hz / 3 }')
        line=$(wrk_run "$port" "$DURATION" "$TMP/wrk-$name-$what.txt" "$pid")
        wait "$ATTACK_PID" 2>/dev/null || true
        read -r -a r <<<"$line"
        # The attack's price in proxy CPU, measured with the attack alone: with the proxy on one core, 100%
        # minus that share is the capacity it keeps for the client (the figure the machine's load disturbs least).
        awk -v n="$name" -v w="$what" -v r="${r[0]}" -v p="${r[1]}" -v e="${r[2]}" -v c="${r[3]}" -v u="${r[4]}" -v b="${base%% *}" \
            -v x="$attack_pct" \
            'BEGIN { printf "%-9s %-10s %8s req/s  p99 %7s ms  errors %-5s  proxy CPU %3s%% of a core, %6s us/req  (%.0f%% of alone)\n",
                n, w, r, p, e, u, c, (b > 0 ? r * 100 / b : 0)
                printf "          %s alone took %d%% of a core of the proxy: it keeps %d%% of its capacity for the client\n", w, x, (x > 100 ? 0 : 100 - x) }'
        printf '          %s: %s\n' "$what" "$(summary "$TMP/$what-$name.txt")"
        sleep 2 # let the last of the attack's connections close
    done
    if [[ $name == palisade ]]; then
        if ((JFR)); then
            local jfr_file
            jfr_file="$REPO_DIR/bench/out/guard-flood-$(date +%Y%m%d-%H%M%S).jfr"
            jcmd "$pid" JFR.stop name=flood filename="$jfr_file" >/dev/null 2>&1 && log "JFR recording: $jfr_file"
        fi
        printf '          peak RSS %s MiB\n' "$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")"
    fi
}

if [[ ,$ONLY, == *,flood,* ]]; then
    echo "== flood: wrk -t1 -c$CONNECTIONS from 127.0.0.1, ${DURATION}s alone, then during each attack:"
    echo "   flood      $FLOOD_RATE new idle connections/s from $FLOOD_SOURCES addresses from 127.0.0.2 on, each held 5 s (reset by the driver then)"
    echo "   slowloris  $SLOWLORIS connections from 127.0.0.26..50, a header line a second (bench/Flood.java)"
    ((SLOWHTTP > 0)) && echo "   slowhttp   slowhttptest -H -c $SLOWHTTP -r 500 -i 1 from ::1"
    if ((PIN)); then
        echo "   placement: the proxy alone on cpu $PROXY_CPU; wrk, origin and attackers on cpu $OTHER_CPUS, attackers' priority $ATTACKERS"
    else
        echo "   placement: not pinned (--no-pin); attackers' priority $ATTACKERS"
    fi
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
