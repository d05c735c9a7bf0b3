#!/usr/bin/env bash
# TLS benchmark: Palisade beside nginx and HAProxy terminating TLS, on loopback, in one run.
#
# Every target serves the same EC P-256 certificate and key (made with openssl into the temporary
# directory), speaks TLS 1.2/1.3 with the same suites in the same server order (TLS_AES_128_GCM_SHA256
# first) and the same groups (X25519, P-256), and proxies to the same nginx origin over plain HTTP.
# Scenarios:
#   handshake   full TLS 1.3 handshakes per second: HS_CLIENTS parallel 'openssl s_time -new' clients, each
#               opening a new connection with a new session (no resumption), fetching /small.txt, closing
#   resumed     a new connection per request with wrk (Connection: close): wrk resumes its TLS sessions, so
#               this is what returning clients cost, not full handshakes
#   keepalive   TLS keep-alive with wrk: one handshake per connection, then small requests on it
# It prints req/s, CPU microseconds per request of each target (steadier than req/s on a shared
# machine), and the ratios to nginx and HAProxy. A benchmark, not a test: it never fails on a timing.
# Palisade is warmed up with all three kinds of load until its JIT compiler threads go quiet (on a busy
# 2-core machine C2 needs a minute or more, and while it works it is a third or more of Palisade's CPU);
# the share of Palisade's CPU still spent compiling during each measurement is printed beside it.
# Every address is 127.0.0.1; every process it starts is stopped by PID when it exits. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

DURATION=10
WARMUP=3
JIT_WARMUP=300
JIT_QUIET=5
CONNECTIONS=50
THREADS=1
ONLY="handshake,resumed,keepalive"
HS_CLIENTS=8
TARGETS="palisade,nginx,haproxy"
OUT_DIR="$BENCH_DIR/out"
STAMP=$(date -u +%Y-%m-%d-%H%M%S)
PROVIDER=auto

usage() {
    cat <<EOF
Usage: bench/tls.sh [options]

  --duration N       seconds measured per scenario and target (default $DURATION)
  --warmup N         seconds of unmeasured load before each measurement (default $WARMUP)
  --jit-warmup N     at most N seconds of TLS load (keep-alive, handshakes, resumed) on Palisade after it
                     starts, stopping early once its JIT compiler used under $JIT_QUIET% of its CPU in a round
                     (default $JIT_WARMUP, 0: none)
  --connections N    wrk connections (default $CONNECTIONS)
  --threads N        wrk threads (default $THREADS)
  --only LIST        scenarios, comma separated: handshake, resumed, keepalive (default: all)
  --hs-clients N     parallel openssl s_time clients in the handshake scenario (default $HS_CLIENTS)
  --targets LIST     targets, comma separated: palisade, nginx, haproxy (default: all)
  --provider P       Palisade's TLS provider: auto (default), openssl or jdk
  --no-build         do not run 'mvn package'; use the existing jar
  --jar PATH         Palisade jar (default target/palisade.jar)
  --keep-tmp         keep the temporary directory (configs, logs, wrk output)
  -h, --help         this help

Environment: PALISADE_JAVA_OPTS (default "-Xms512m -Xmx512m"), PALISADE_ARGS (appended to 'run').
EOF
}

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_defaults "-Xms512m -Xmx512m"
LOG_TAG=bench-tls

while (($#)); do
    case "$1" in
        --duration) DURATION=${2%s}; shift 2 ;;
        --warmup) WARMUP=${2%s}; shift 2 ;;
        --jit-warmup) JIT_WARMUP=${2%s}; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --hs-clients) HS_CLIENTS=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --targets) TARGETS=$2; shift 2 ;;
        --provider) PROVIDER=$2; shift 2 ;;
        --no-build|--jar|--keep-tmp) common_option "$@"; shift "$SHIFT_BY" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
for v in DURATION WARMUP CONNECTIONS THREADS HS_CLIENTS; do
    [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "--${v,,} needs a positive whole number, got '${!v}'"
done
[[ $JIT_WARMUP =~ ^[0-9]+$ ]] || die "--jit-warmup needs a whole number"
[[ $PROVIDER =~ ^(auto|openssl|jdk)$ ]] || die "--provider: '$PROVIDER' (expected: auto, openssl or jdk)"
SCENARIOS=() WANT=()
IFS=',' read -r -a _s <<<"$ONLY"
for s in "${_s[@]}"; do
    case "$s" in handshake|resumed|keepalive) SCENARIOS+=("$s") ;; "") ;; *) die "unknown scenario '$s' (handshake, resumed, keepalive)" ;; esac
done
IFS=',' read -r -a _t <<<"$TARGETS"
for t in "${_t[@]}"; do
    case "$t" in palisade|nginx|haproxy) WANT+=("$t") ;; "") ;; *) die "unknown target '$t' (palisade, nginx, haproxy)" ;; esac
done
((${#SCENARIOS[@]} && ${#WANT[@]})) || die "--only and --targets must name at least one scenario and target"
wanted() { [[ " ${WANT[*]} " == *" $1 "* ]]; }

command -v openssl >/dev/null || die "openssl is needed to make the certificate"
command -v curl >/dev/null || die "curl is needed to check that the targets answer over TLS"
setup_env

# ---------------------------------------------------------------------------------------------
# Measuring

declare -A PORT SPID RPS CPUUS ERRS SESSION JITPCT

compiler_ticks() { # pid: user + system ticks of the JVM's JIT compiler threads
    local p t sum=0 v
    for t in $(for p in "$1" $(children_of "$1"); do echo /proc/"$p"/task/*; done); do
        case $(cat "$t/comm" 2>/dev/null) in
            C1\ CompilerThre* | C2\ CompilerThre*)
                v=$(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null) || v=0
                sum=$((sum + ${v:-0})) ;;
        esac
    done
    echo "$sum"
}

jit_warmup() { # port pid max-seconds: rounds of every kind of load until the compiler is quiet
    local start=$SECONDS round=0 p0 j0 p1 j1 pct
    while ((SECONDS - start < $3)); do
        round=$((round + 1))
        p0=$(cpu_ticks "$2"); j0=$(compiler_ticks "$2")
        wrk_tls keepalive "$1" 4 "$TMP/wrk-jit-ka.txt" || true
        s_time_tls "$1" 3 "$TMP/wrk-jit-hs.txt" || true
        wrk_tls resumed "$1" 3 "$TMP/wrk-jit-re.txt" || true
        p1=$(cpu_ticks "$2"); j1=$(compiler_ticks "$2")
        pct=$(awk -v j=$((j1 - j0)) -v p=$((p1 - p0)) 'BEGIN { printf "%.0f", (p > 0 ? 100 * j / p : 0) }')
        log "palisade: JIT warm-up round $round, compiler threads ${pct}% of its CPU"
        ((pct < JIT_QUIET)) && return 0
    done
    log "palisade: JIT still compiling after ${3}s of warm-up; the measurements include it (see the JIT column)"
}

s_time_tls() { # port seconds outfile: HS_CLIENTS parallel full-handshake clients; writes a BENCH_RESULT line
    local i total=0 n files=() clients=()
    for ((i = 0; i < HS_CLIENTS; i++)); do
        timeout $(($2 + 30)) openssl s_time -connect "127.0.0.1:$1" -new -time "$2" -www "$SMALL_PATH" \
            >"$3.$i" 2>&1 &
        clients+=($!)
        files+=("$3.$i")
    done
    for i in "${clients[@]}"; do wait "$i" || true; done
    for f in "${files[@]}"; do
        n=$(awk '/connections in [0-9.]+s;/ { print $1; exit }' "$f")
        total=$((total + ${n:-0}))
    done
    awk -v n="$total" -v d="$2" 'BEGIN { printf "BENCH_RESULT requests=%d rps=%.1f err_connect=0 err_read=0 err_write=0 err_timeout=0 err_status=0\n", n, n / d }' >"$3"
}

run_scenario() { # scenario port seconds outfile
    if [[ $1 == handshake ]]; then s_time_tls "$2" "$3" "$4"; else wrk_tls "$1" "$2" "$3" "$4"; fi
}

wrk_tls() { # scenario port seconds outfile
    local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${3}s" --timeout 5s -s "$BENCH_DIR/report.lua"
        -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
        -H 'Accept: text/html,application/xhtml+xml,*/*;q=0.8')
    [[ $1 == resumed ]] && args+=(-H 'Connection: close')
    timeout $(($3 + 30)) "$WRK" "${args[@]}" "https://127.0.0.1:$2$SMALL_PATH" >"$4" 2>&1
}

result() { # file key
    awk -v k="$2" '/^BENCH_RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$1"
}

negotiated() { # port: "TLSv1.3 TLS_AES_128_GCM_SHA256 X25519" as a fresh client sees it
    timeout 10 openssl s_client -connect "127.0.0.1:$1" -servername localhost </dev/null 2>/dev/null |
        awk '/^New, / { proto = $2; suite = $NF } /Server Temp Key|Negotiated TLS1.3 group/ { sub(/.*: /, ""); group = $0 }
             END { print proto, suite, group }' | tr -d ','
}

LOAD_BEFORE=$(awk '{ print $1 }' /proc/loadavg)
build_palisade
start_origin
# from here on the proxies lib.sh starts terminate TLS with this certificate
make_tls_certificate "$TMP/tls"
PALISADE_TLS_PROVIDER=$PROVIDER
if wanted palisade; then
    if start_palisade; then
        PORT[palisade]=$PALISADE_PORT; SPID[palisade]=$PALISADE_PID
        PALISADE_PROVIDER=$(grep -o 'provider [A-Za-z]*' "$TMP/palisade/palisade.log" | head -n 1 | sed 's/^provider //')
        log "palisade TLS provider: ${PALISADE_PROVIDER:-unknown}"
    else
        log "SKIPPING palisade: $PALISADE_SKIP"
    fi
fi
if wanted nginx; then start_nginx_proxy; PORT[nginx]=$NGINX_PORT; SPID[nginx]=$NGINX_PID; fi
if wanted haproxy; then start_haproxy; PORT[haproxy]=$HAPROXY_PORT; SPID[haproxy]=$HAPROXY_PID; fi
for t in "${WANT[@]}"; do
    [[ -n ${PORT[$t]:-} ]] && SESSION[$t]=$(negotiated "${PORT[$t]}") && log "$t negotiates: ${SESSION[$t]}"
done

if [[ -n ${PORT[palisade]:-} ]] && ((JIT_WARMUP > 0)); then
    jit_warmup "${PORT[palisade]}" "${SPID[palisade]}" "$JIT_WARMUP"
fi

for s in "${SCENARIOS[@]}"; do
    for t in "${WANT[@]}"; do
        [[ -n ${PORT[$t]:-} ]] || continue
        run_scenario "$s" "${PORT[$t]}" "$WARMUP" "$TMP/wrk-$s-$t-warmup.txt" || true
        out=$TMP/wrk-$s-$t.txt
        c0=$(cpu_ticks "${SPID[$t]}"); k0=$(compiler_ticks "${SPID[$t]}")
        if ! run_scenario "$s" "${PORT[$t]}" "$DURATION" "$out" || [[ -z $(result "$out" rps) ]]; then
            log "$s / $t: wrk failed: $(tr '\n' ' ' <"$out" | cut -c1-200)"
            continue
        fi
        c1=$(cpu_ticks "${SPID[$t]}"); k1=$(compiler_ticks "${SPID[$t]}")
        [[ $t == palisade ]] && JITPCT[$s,$t]=$(awk -v k=$((k1 - k0)) -v c=$((c1 - c0)) 'BEGIN { printf "%.0f%%", (c > 0 ? 100 * k / c : 0) }')
        RPS[$s,$t]=$(result "$out" rps)
        CPUUS[$s,$t]=$(awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v n="$(result "$out" requests)" \
            'BEGIN { printf "%.1f", (n > 0 ? d * 1e6 / hz / n : 0) }')
        ERRS[$s,$t]=$(( $(result "$out" err_connect) + $(result "$out" err_read) + $(result "$out" err_write) \
            + $(result "$out" err_timeout) + $(result "$out" err_status) ))
        log "$s / $t: $(printf '%.0f' "${RPS[$s,$t]}") req/s, ${CPUUS[$s,$t]} CPU us/request, errors ${ERRS[$s,$t]}$([[ $t == palisade ]] && echo ", JIT ${JITPCT[$s,$t]} of CPU")"
    done
done

# ---------------------------------------------------------------------------------------------
# Report

LOAD_AFTER=$(awk '{ print $1 }' /proc/loadavg)
over() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
title() {
    case "$1" in
        handshake) echo "full handshake + request (s_time -new)" ;;
        resumed) echo "new connection per request, resumed (wrk)" ;;
        keepalive) echo "TLS keep-alive, small reply (wrk)" ;;
    esac
}
mkdir -p "$OUT_DIR"
MD="$OUT_DIR/tls-$STAMP.md"
{
    echo "# Palisade TLS benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); load average before $LOAD_BEFORE, after $LOAD_AFTER"
    echo "- commit $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown); wrk -t$THREADS -c$CONNECTIONS, $HS_CLIENTS openssl s_time -new clients, ${WARMUP}s warm-up then ${DURATION}s per scenario and target"
    echo "- Palisade TLS provider: ${PALISADE_PROVIDER:-n/a} (--provider $PROVIDER); negotiated: $(for t in "${WANT[@]}"; do printf '%s %s; ' "$t" "${SESSION[$t]:-n/a}"; done)"
    echo
    echo "| scenario | target | req/s | CPU us/req | errors | JIT compiler share of CPU |"
    echo "| --- | --- | ---: | ---: | ---: | ---: |"
    for s in "${SCENARIOS[@]}"; do
        for t in "${WANT[@]}"; do
            echo "| $(title "$s") | $t | $(printf '%.0f' "${RPS[$s,$t]:-0}") | ${CPUUS[$s,$t]:-n/a} | ${ERRS[$s,$t]:-n/a} | ${JITPCT[$s,$t]:--} |"
        done
    done
    echo
    echo "| scenario | palisade/nginx req/s | palisade/haproxy req/s | CPU/req palisade/nginx | CPU/req palisade/haproxy | target |"
    echo "| --- | ---: | ---: | ---: | ---: | --- |"
    for s in "${SCENARIOS[@]}"; do
        echo "| $(title "$s") | $(over "${RPS[$s,palisade]:-}" "${RPS[$s,nginx]:-}") | $(over "${RPS[$s,palisade]:-}" "${RPS[$s,haproxy]:-}") | $(over "${CPUUS[$s,palisade]:-}" "${CPUUS[$s,nginx]:-}") | $(over "${CPUUS[$s,palisade]:-}" "${CPUUS[$s,haproxy]:-}") | >= 1.0x nginx |"
    done
} >"$MD"
echo
cat "$MD"
echo
echo "markdown: ${MD#"$REPO_DIR"/}"
