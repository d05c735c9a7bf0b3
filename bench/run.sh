#!/usr/bin/env bash
# Load benchmark: Palisade beside nginx and HAProxy, on loopback, in one run.
#
# Starts an nginx origin (1 worker) serving a 100-byte file and a 1 MiB file, then measures with wrk:
#   origin    the origin direct (the ceiling for every proxy)
#   palisade  java -jar target/palisade.jar run --config <tmp>/palisade.yaml (shipped rules, gate limits raised)
#   palisade-norules  a second Palisade with the same config but rules.mode "off": what the rules cost
#   nginx     nginx as reverse proxy, 1 worker, keep-alive pool to the origin
#   haproxy   HAProxy as reverse proxy, 1 thread, http mode, keep-alive to the origin
# Scenarios: keepalive (small reply, keep-alive), close (new connection per request), large (1 MiB body).
#
# It is a benchmark, not a test: it prints figures and ratios and never fails on a timing.
# Every address is 127.0.0.1; every process it starts is stopped by PID when it exits.
# See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

DURATION=10
WARMUP=10
CONNECTIONS=50
THREADS=1
REPEAT=1
JIT_WARMUP=10
ONLY="keepalive,close,large"
ORIGINS=1
TARGETS="origin,palisade,palisade-norules,nginx,haproxy"
OUT_DIR="$BENCH_DIR/out"
JFR=0
STAMP=$(date -u +%Y-%m-%d-%H%M%S)

usage() {
    cat <<EOF
Usage: bench/run.sh [options]

  --duration N       seconds measured per scenario and target (default $DURATION)
  --warmup N         seconds of unmeasured load before each measurement (default $WARMUP)
  --jit-warmup N     seconds of load on Palisade once after it starts, so the JIT has compiled (default $JIT_WARMUP, 0: none)
  --connections N    wrk connections (default $CONNECTIONS)
  --threads N        wrk threads (default $THREADS)
  --repeat N         measure each scenario and target N times, round robin, and report the median run
  --only LIST        scenarios, comma separated: keepalive, close, large (default: all)
  --origins N        1 (default) or 2: with 2 the origin nginx listens on two addresses and every proxy
                     balances round robin over both (the balancing issue's two-origin scenario)
  --targets LIST     targets, comma separated: origin, palisade, palisade-norules, nginx, haproxy (default: all)
  --no-build         do not run 'mvn package'; use the existing jar
  --jar PATH         Palisade jar (default target/palisade.jar)
  --keep-tmp         keep the temporary directory (configs, logs, wrk output)
  --jfr              record Palisade with Java Flight Recorder into bench/out/palisade-DATE.jfr
  -h, --help         this help

Environment: PALISADE_JAVA_OPTS (default "-Xms512m -Xmx512m"), PALISADE_ARGS (appended to 'run').
EOF
}

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
# Extra JVM options and extra `run` arguments for Palisade come from the environment.
bench_defaults "-Xms512m -Xmx512m"

positive_int() { # name value -> value without a trailing "s"
    local v=${2%s}
    [[ $v =~ ^[0-9]+$ && $v -gt 0 ]] || die "$1 needs a positive whole number, got '$2'"
    printf '%s' "$v"
}

normalize_scenario() {
    case "$1" in
        keepalive|keep-alive|small) echo keepalive ;;
        close|new-connection|newconn|conn-close) echo close ;;
        large|1mib|1m|big) echo large ;;
        *) die "unknown scenario '$1' (keepalive, close, large)" ;;
    esac
}

while (($#)); do
    case "$1" in
        --duration) DURATION=$(positive_int --duration "${2:-}"); shift 2 ;;
        --warmup) WARMUP=$(positive_int --warmup "${2:-}"); shift 2 ;;
        --jit-warmup) JIT_WARMUP=${2:-}; [[ $JIT_WARMUP =~ ^[0-9]+$ ]] || die "--jit-warmup needs a whole number"; shift 2 ;;
        --connections) CONNECTIONS=$(positive_int --connections "${2:-}"); shift 2 ;;
        --threads) THREADS=$(positive_int --threads "${2:-}"); shift 2 ;;
        --repeat) REPEAT=$(positive_int --repeat "${2:-}"); shift 2 ;;
        --only) ONLY=${2:-}; shift 2 ;;
        --origins) ORIGINS=${2:-}; [[ $ORIGINS == 1 || $ORIGINS == 2 ]] || die "--origins must be 1 or 2"; shift 2 ;;
        --targets) TARGETS=${2:-}; shift 2 ;;
        --no-build|--jar|--keep-tmp) common_option "$@"; shift "$SHIFT_BY" ;;
        --jfr) JFR=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done

SCENARIOS=()
IFS=',' read -r -a _only <<<"$ONLY"
for s in "${_only[@]}"; do [[ -n $s ]] && SCENARIOS+=("$(normalize_scenario "$s")"); done
((${#SCENARIOS[@]})) || die "--only names no scenario"

WANT=()
IFS=',' read -r -a _targets <<<"$TARGETS"
for t in "${_targets[@]}"; do
    case "$t" in
        origin|palisade|palisade-norules|nginx|haproxy) WANT+=("$t") ;;
        "") ;;
        *) die "unknown target '$t' (origin, palisade, palisade-norules, nginx, haproxy)" ;;
    esac
done
((${#WANT[@]})) || die "--targets names no target"
wanted() { [[ " ${WANT[*]} " == *" $1 "* ]]; }

setup_env
if ((JFR)); then
    mkdir -p "$OUT_DIR"
    JFR_FILE="$OUT_DIR/palisade-$STAMP.jfr"
    PALISADE_JAVA_OPTS+=" -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$JFR_FILE"
fi

# ---------------------------------------------------------------------------------------------
# Measuring

declare -A PORT SPID RPS P50 P99 ERRS NOTE OUTS RUNS CPU

scenario_path() { [[ $1 == large ]] && echo "$LARGE_PATH" || echo "$SMALL_PATH"; }
scenario_title() {
    case "$1" in
        keepalive) echo "small reply, keep-alive" ;;
        close) echo "new connection per request" ;;
        large) echo "1 MiB body, keep-alive" ;;
    esac
}

run_wrk() { # scenario port seconds outfile
    # every target gets the same browser-like request: a request without User-Agent is itself anomalous
    # to a firewall (scored and logged), which is not the normal traffic these scenarios model
    local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${3}s" --timeout 5s -s "$BENCH_DIR/report.lua"
        -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
        -H 'Accept: text/html,application/xhtml+xml,*/*;q=0.8' -H 'Accept-Language: en-US,en;q=0.5')
    [[ $1 == close ]] && args+=(-H 'Connection: close')
    timeout $(($3 + 30)) "$WRK" "${args[@]}" "http://127.0.0.1:$2$(scenario_path "$1")" >"$4" 2>&1
}

measure() { # scenario target round: one wrk run into $TMP/wrk-S-T-R.txt (warm-up first in round 1)
    local s=$1 t=$2 r=$3 port=${PORT[$2]} out=$TMP/wrk-$1-$2-$3.txt
    if ((r == 1)); then
        log "$s / $t: warm-up ${WARMUP}s"
        run_wrk "$s" "$port" "$WARMUP" "$TMP/wrk-$s-$t-warmup.txt" || true
    fi
    local c0 c1
    c0=$(cpu_ticks "${SPID[$t]}")
    if ! run_wrk "$s" "$port" "$DURATION" "$out" || [[ -z $(field "$out" rps) ]]; then
        NOTE[$s,$t]="wrk failed: $(tr '\n' ' ' <"$out" | cut -c1-200)"
        log "$s / $t: ${NOTE[$s,$t]}"
        return 0
    fi
    c1=$(cpu_ticks "${SPID[$t]}")
    # CPU microseconds the target spent per request: less sensitive to other load than req/s.
    awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v n="$(field "$out" requests)" \
        'BEGIN { printf "%.1f\n", (n > 0 ? d * 1e6 / hz / n : 0) }' >"$out.cpu"
    local e=0 k
    for k in err_connect err_read err_write err_timeout err_status; do e=$((e + $(field "$out" $k))); done
    OUTS[$s,$t]+="$out "
    log "$s / $t$( ((REPEAT > 1)) && echo " (round $r)"): $(fmt_rps "$(field "$out" rps)") req/s, p50 $(fmt_ms "$(field "$out" p50_us)"), p99 $(fmt_ms "$(field "$out" p99_us)"), errors $e, $(cat "$out.cpu") CPU us/request"
}

pick_median() { # scenario target: the run with the median req/s gives the figures
    local s=$1 t=$2 f chosen all=""
    [[ -n ${OUTS[$s,$t]:-} ]] || return 0
    # shellcheck disable=SC2086 # OUTS holds a space-separated list of file names without spaces
    chosen=$(for f in ${OUTS[$s,$t]}; do printf '%s %s\n' "$(field "$f" rps)" "$f"; done |
        sort -g | awk '{ line[NR] = $2 } END { print line[int((NR + 1) / 2)] }')
    # shellcheck disable=SC2086
    for f in ${OUTS[$s,$t]}; do all+="$(fmt_rps "$(field "$f" rps)") "; done
    RUNS[$s,$t]=${all% }
    RPS[$s,$t]=$(field "$chosen" rps)
    P50[$s,$t]=$(field "$chosen" p50_us)
    P99[$s,$t]=$(field "$chosen" p99_us)
    CPU[$s,$t]=$(cat "$chosen.cpu")
    local e=0 k
    for k in err_connect err_read err_write err_timeout err_status; do e=$((e + $(field "$chosen" $k))); done
    ERRS[$s,$t]=$e
    if ((e > 0)); then
        NOTE[$s,$t]="errors: connect $(field "$chosen" err_connect), read $(field "$chosen" err_read), write $(field "$chosen" err_write), timeout $(field "$chosen" err_timeout), status>=400 $(field "$chosen" err_status)"
    fi
}

fmt_ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }
fmt_rps() { awk -v r="$1" 'BEGIN { printf "%.0f", r }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

# ---------------------------------------------------------------------------------------------
# Main

load1() { awk '{ print $1 }' /proc/loadavg; }
LOAD_BEFORE=$(load1)
if awk -v l="$LOAD_BEFORE" 'BEGIN { exit !(l >= 1.0) }'; then
    log "warning: load average is $LOAD_BEFORE before the run; other work on the machine skews every figure"
fi

ALL_TARGETS=()
for t in origin palisade palisade-norules nginx haproxy; do wanted "$t" && ALL_TARGETS+=("$t"); done
PALISADES=() # the Palisade targets that started

{ wanted palisade || wanted palisade-norules; } && build_palisade
start_origin
PORT[origin]=$ORIGIN_PORT
SPID[origin]=$ORIGIN_PID
if wanted palisade; then
    if start_palisade; then PORT[palisade]=$PALISADE_PORT; SPID[palisade]=$PALISADE_PID; PALISADES+=(palisade); else log "SKIPPING palisade: $PALISADE_SKIP"; fi
fi
# The same process config with the rule engine off, measured in the same rounds: the rules' cost (issue 5).
if wanted palisade-norules; then
    # (with --jfr its own recording file)
    if PALISADE_NAME=palisade-norules PALISADE_RULES_MODE=off \
        PALISADE_JAVA_OPTS=${PALISADE_JAVA_OPTS//palisade-$STAMP.jfr/palisade-norules-$STAMP.jfr} start_palisade; then
        PORT[palisade-norules]=$PALISADE_PORT; SPID[palisade-norules]=$PALISADE_PID; PALISADES+=(palisade-norules)
    else
        log "SKIPPING palisade-norules: $PALISADE_SKIP"
    fi
fi
if wanted nginx; then start_nginx_proxy; PORT[nginx]=$NGINX_PORT; SPID[nginx]=$NGINX_PID; fi
if wanted haproxy; then start_haproxy; PORT[haproxy]=$HAPROXY_PORT; SPID[haproxy]=$HAPROXY_PID; fi

for t in "${ALL_TARGETS[@]}"; do [[ -n ${PORT[$t]:-} ]] && check_bodies "$t" "${PORT[$t]}"; done

# The JVM compiles its hot paths during the first seconds of load: give Palisade that time once, on
# every kind of load the scenarios make (a new connection per request has paths of its own: accept, the
# gate, pipeline set-up, close), before any scenario's own warm-up.
for t in "${PALISADES[@]}"; do
    ((JIT_WARMUP > 0)) || break
    log "$t: JIT warm-up ${JIT_WARMUP}s small reply, $(((JIT_WARMUP + 2) / 3))s each new connections and 1 MiB body"
    run_wrk keepalive "${PORT[$t]}" "$JIT_WARMUP" "$TMP/wrk-jit-small-$t.txt" || true
    run_wrk close "${PORT[$t]}" $(((JIT_WARMUP + 2) / 3)) "$TMP/wrk-jit-close-$t.txt" || true
    run_wrk large "${PORT[$t]}" $(((JIT_WARMUP + 2) / 3)) "$TMP/wrk-jit-large-$t.txt" || true
done

RSS_PALISADE=""
# Rounds go through every target in turn, so a burst of other work on the machine hits them all alike.
for s in "${SCENARIOS[@]}"; do
    for ((round = 1; round <= REPEAT; round++)); do
        for t in "${ALL_TARGETS[@]}"; do
            [[ -n ${PORT[$t]:-} ]] || continue
            if [[ $t == palisade* ]] && ! alive "${SPID[$t]}"; then
                NOTE[$s,$t]="$t is no longer running"
                log "$s / $t: ${NOTE[$s,$t]}"
                continue
            fi
            measure "$s" "$t" "$round"
            # VmHWM only grows; read it after every Palisade run so a crash later does not lose it.
            if [[ $t == palisade ]] && alive "${SPID[$t]}"; then RSS_PALISADE=$(vm_hwm_kib "${SPID[$t]}"); fi
        done
    done
    for t in "${ALL_TARGETS[@]}"; do pick_median "$s" "$t"; done
done

RSS_NGINX="" RSS_HAPROXY=""
if [[ -n ${PORT[palisade]:-} ]] && alive "${SPID[palisade]}"; then RSS_PALISADE=$(vm_hwm_kib "${SPID[palisade]}"); fi
if [[ -n ${PORT[nginx]:-} ]]; then
    for k in $(children_of "$NGINX_PID"); do RSS_NGINX=$(vm_hwm_kib "$k"); done
fi
if [[ -n ${PORT[haproxy]:-} ]]; then RSS_HAPROXY=$(vm_hwm_kib "$HAPROXY_PID"); fi
fmt_mib() { [[ -n $1 ]] && awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }' || echo "n/a"; }

# ---------------------------------------------------------------------------------------------
# Report: plain table on stdout, the same as markdown in bench/out/

target_label() {
    case "$1" in
        origin) echo "origin direct" ;;
        palisade) echo "palisade" ;;
        palisade-norules) echo "palisade, rules off" ;;
        nginx) echo "nginx (1 worker)" ;;
        haproxy) echo "haproxy (1 thread)" ;;
    esac
}
target_goal() {
    case "$1" in
        keepalive) echo ">= 1.0x nginx, aim at haproxy" ;;
        close) echo ">= 0.9x nginx" ;;
        large) echo ">= 1.0x nginx" ;;
    esac
}

CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
MACHINE="$(nproc) cores, ${CPU_MODEL:-unknown CPU}, $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
COMMIT=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
NOW=$(date -u '+%Y-%m-%d %H:%M UTC')
VERSIONS="$("$NGINX" -v 2>&1 | sed 's/.*version: //'), $("$HAPROXY" -v | head -n 1 | awk '{print "HAProxy " $3}'), $("$WRK" -v 2>&1 | head -n 1 | awk '{print $1, $2}'), $(java -version 2>&1 | head -n 1 | tr -d '"')"

mkdir -p "$OUT_DIR"
MD="$OUT_DIR/results-$STAMP.md"

{
    echo "# Palisade benchmark, $NOW"
    echo
    echo "- machine: $MACHINE"
    echo "- commit: $COMMIT; $VERSIONS"
    echo "- load average (1 min) before the run: $LOAD_BEFORE; at the end, with the last target just measured: $(load1)"
    echo "- wrk -t$THREADS -c$CONNECTIONS, palisade JIT warm-up ${JIT_WARMUP}s once, ${WARMUP}s warm-up then ${DURATION}s measured per scenario and target$( ((REPEAT > 1)) && echo ", $REPEAT rounds, the median shown"); $ORIGINS origin server(s), round robin; wrk shares the cores with the targets"
    echo "- palisade: java $PALISADE_JAVA_OPTS -jar palisade.jar run --config palisade.yaml (listener, one origin, the shipped rules, gate per-address limits raised for one-address load) $PALISADE_ARGS$(wanted palisade-norules && echo "; palisade, rules off: a second process, the same with rules.mode off")"
    echo
    echo "| scenario | target | req/s | p50 | p99 | errors | CPU us/req |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
} >"$MD"

printf '\n%-28s %-20s %10s %10s %10s %8s %11s\n' scenario target req/s p50 p99 errors "CPU us/req"
printf '%s\n' "$(printf '%.0s-' {1..103})"
for s in "${SCENARIOS[@]}"; do
    for t in "${ALL_TARGETS[@]}"; do
        if [[ -n ${RPS[$s,$t]:-} ]]; then
            r=$(fmt_rps "${RPS[$s,$t]}") a=$(fmt_ms "${P50[$s,$t]}") b=$(fmt_ms "${P99[$s,$t]}") e=${ERRS[$s,$t]} c=${CPU[$s,$t]}
        elif [[ $t == palisade* && -n $PALISADE_SKIP ]]; then
            r=skipped a=- b=- e=- c=-
        else
            r=failed a=- b=- e=- c=-
        fi
        printf '%-28s %-20s %10s %10s %10s %8s %11s\n' "$(scenario_title "$s")" "$(target_label "$t")" "$r" "$a" "$b" "$e" "$c"
        echo "| $(scenario_title "$s") | $(target_label "$t") | $r | $a | $b | $e | $c |" >>"$MD"
    done
done

{
    echo
    echo "| scenario | palisade/nginx req/s | palisade/haproxy req/s | palisade/nginx p99 | CPU/req palisade/nginx | CPU/req palisade/haproxy | target |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
} >>"$MD"
printf '\n%-28s %10s %12s %14s %14s %16s   %s\n' scenario "pal/nginx" "pal/haproxy" "p99 pal/nginx" "CPU pal/nginx" "CPU pal/haproxy" target
printf '%s\n' "$(printf '%.0s-' {1..150})"
for s in "${SCENARIOS[@]}"; do
    rn=$(ratio "${RPS[$s,palisade]:-0}" "${RPS[$s,nginx]:-0}")
    rh=$(ratio "${RPS[$s,palisade]:-0}" "${RPS[$s,haproxy]:-0}")
    rp=$(ratio "${P99[$s,palisade]:-0}" "${P99[$s,nginx]:-0}")
    cn=$(ratio "${CPU[$s,palisade]:-0}" "${CPU[$s,nginx]:-0}")
    ch=$(ratio "${CPU[$s,palisade]:-0}" "${CPU[$s,haproxy]:-0}")
    [[ -n ${RPS[$s,palisade]:-} ]] || { rn=n/a; rh=n/a; rp=n/a; cn=n/a; ch=n/a; }
    printf '%-28s %10s %12s %14s %14s %16s   %s\n' "$(scenario_title "$s")" "$rn" "$rh" "$rp" "$cn" "$ch" "$(target_goal "$s"); p99 <= 1.00x nginx"
    echo "| $(scenario_title "$s") | $rn | $rh | $rp | $cn | $ch | $(target_goal "$s"); p99 <= 1.00x nginx |" >>"$MD"
done

# The rules' cost (issue 5): the same Palisade config with rules.mode block and off, in the same rounds.
if wanted palisade && wanted palisade-norules; then
    {
        echo
        echo "| scenario | rules on/off req/s | req/s lost to the rules | CPU/req rules on/off | target |"
        echo "| --- | ---: | ---: | ---: | --- |"
    } >>"$MD"
    printf '\n%-28s %18s %18s %18s   %s\n' scenario "rules on/off req/s" "req/s lost" "CPU rules on/off" target
    printf '%s\n' "$(printf '%.0s-' {1..120})"
    for s in "${SCENARIOS[@]}"; do
        on=${RPS[$s,palisade]:-} off=${RPS[$s,palisade-norules]:-}
        if [[ -n $on && -n $off ]]; then
            rr=$(ratio "$on" "$off")
            lost=$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.1f%%", (1 - a / b) * 100 }')
            rc=$(ratio "${CPU[$s,palisade]}" "${CPU[$s,palisade-norules]}")
        else
            rr=n/a lost=n/a rc=n/a
        fi
        goal=$([[ $s == keepalive ]] && echo "rules on >= 0.90x rules off" || echo "-")
        printf '%-28s %18s %18s %18s   %s\n' "$(scenario_title "$s")" "$rr" "$lost" "$rc" "$goal"
        echo "| $(scenario_title "$s") | $rr | $lost | $rc | $goal |" >>"$MD"
    done
fi

echo
echo "peak RSS (VmHWM): palisade $(fmt_mib "$RSS_PALISADE"), nginx proxy worker $(fmt_mib "$RSS_NGINX"), haproxy $(fmt_mib "$RSS_HAPROXY")"
{
    echo
    echo "Peak RSS (VmHWM at the end of the run): palisade $(fmt_mib "$RSS_PALISADE"), nginx proxy worker $(fmt_mib "$RSS_NGINX"), haproxy $(fmt_mib "$RSS_HAPROXY")."
} >>"$MD"

if ((REPEAT > 1)); then
    {
        echo
        echo "req/s of each round:"
        echo
        for s in "${SCENARIOS[@]}"; do
            for t in "${ALL_TARGETS[@]}"; do
                [[ -n ${RUNS[$s,$t]:-} ]] && echo "- $(scenario_title "$s") / $(target_label "$t"): ${RUNS[$s,$t]}"
            done
        done
    } >>"$MD"
fi

notes=()
[[ -n $PALISADE_SKIP ]] && wanted palisade && notes+=("palisade skipped: $PALISADE_SKIP")
if [[ -n ${PORT[palisade]:-} && -f $TMP/palisade/palisade.log ]]; then
    log_kib=$(($(stat -c %s "$TMP/palisade/palisade.log") / 1024))
    ((log_kib < 1024)) || notes+=("palisade wrote $((log_kib / 1024)) MiB to stdout/stderr during the run (access log?)")
fi
for s in "${SCENARIOS[@]}"; do
    for t in "${ALL_TARGETS[@]}"; do
        [[ -n ${NOTE[$s,$t]:-} ]] && notes+=("$s / $t: ${NOTE[$s,$t]}")
    done
done
if ((${#notes[@]})); then
    echo
    echo >>"$MD"
    for n in "${notes[@]}"; do echo "note: $n"; echo "- $n" >>"$MD"; done
fi
echo
echo "markdown: ${MD#"$REPO_DIR"/}"
if ((JFR)) && [[ -n ${PORT[palisade]:-} ]]; then
    echo "flight recording (written when Palisade stops): ${JFR_FILE#"$REPO_DIR"/}; open it with 'jfr print --events jdk.ExecutionSample' or JDK Mission Control"
fi
