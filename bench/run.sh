#!/usr/bin/env bash
# Load benchmark: Palisade beside nginx and HAProxy, on loopback, in one run.
#
# Starts an nginx origin (1 worker) serving a 100-byte file and a 1 MiB file, then measures with wrk:
#   origin    the origin direct (the ceiling for every proxy)
#   palisade  java -jar target/palisade.jar run --listen ... --to <origin>
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
WARMUP=3
CONNECTIONS=50
THREADS=1
BUILD=1
ONLY="keepalive,close,large"
TARGETS="origin,palisade,nginx,haproxy"
JAR="$REPO_DIR/target/palisade.jar"
KEEP_TMP=0
OUT_DIR="$BENCH_DIR/out"
# Extra JVM options and extra `run` arguments for Palisade, from the environment.
PALISADE_JAVA_OPTS=${PALISADE_JAVA_OPTS:-"-Xms512m -Xmx512m"}
PALISADE_ARGS=${PALISADE_ARGS:-}

SMALL_PATH=/small.txt
SMALL_SIZE=100
LARGE_PATH=/large.bin
LARGE_SIZE=1048576

usage() {
    cat <<EOF
Usage: bench/run.sh [options]

  --duration N       seconds measured per scenario and target (default $DURATION)
  --warmup N         seconds of unmeasured load before each measurement (default $WARMUP)
  --connections N    wrk connections (default $CONNECTIONS)
  --threads N        wrk threads (default $THREADS)
  --only LIST        scenarios, comma separated: keepalive, close, large (default: all)
  --targets LIST     targets, comma separated: origin, palisade, nginx, haproxy (default: all)
  --no-build         do not run 'mvn package'; use the existing jar
  --jar PATH         Palisade jar (default target/palisade.jar)
  --keep-tmp         keep the temporary directory (configs, logs, wrk output)
  -h, --help         this help

Environment: PALISADE_JAVA_OPTS (default "-Xms512m -Xmx512m"), PALISADE_ARGS (appended to 'run').
EOF
}

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

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
        --connections) CONNECTIONS=$(positive_int --connections "${2:-}"); shift 2 ;;
        --threads) THREADS=$(positive_int --threads "${2:-}"); shift 2 ;;
        --only) ONLY=${2:-}; shift 2 ;;
        --targets) TARGETS=${2:-}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --jar) JAR=${2:-}; shift 2 ;;
        --keep-tmp) KEEP_TMP=1; shift ;;
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
        origin|palisade|nginx|haproxy) WANT+=("$t") ;;
        "") ;;
        *) die "unknown target '$t' (origin, palisade, nginx, haproxy)" ;;
    esac
done
((${#WANT[@]})) || die "--targets names no target"
wanted() { [[ " ${WANT[*]} " == *" $1 "* ]]; }

# ---------------------------------------------------------------------------------------------
# Process bookkeeping: everything started here is stopped by PID on exit.

PIDS=()
TMP=""
POLICY_RC_CREATED=0

alive() { # pid: running and not a zombie
    [[ -r /proc/$1/stat ]] || return 1
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z ]]
}

children_of() { cat "/proc/$1/task/$1/children" 2>/dev/null || true; }

stop_pid() { # pid: TERM, bounded wait, then KILL (children too, e.g. nginx workers)
    local pid=$1 kids i
    kids=$(children_of "$pid")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
        log "pid $pid did not stop on TERM within 10 s; sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    for k in $kids; do
        for ((i = 0; i < 30; i++)); do alive "$k" || break; sleep 0.1; done
        alive "$k" && kill -KILL "$k" 2>/dev/null || true
    done
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    if ((POLICY_RC_CREATED)); then rm -f /usr/sbin/policy-rc.d; fi
    if [[ -n $TMP && -d $TMP ]]; then
        if ((KEEP_TMP)); then log "kept $TMP"; else rm -rf "$TMP"; fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Tools

find_tool() { command -v "$1" 2>/dev/null || { [[ -x /usr/sbin/$1 ]] && echo "/usr/sbin/$1"; } || true; }

ensure_tools() {
    local missing=() pkgs=()
    [[ -n $(find_tool wrk) ]] || { missing+=(wrk); pkgs+=(wrk); }
    [[ -n $(find_tool nginx) ]] || { missing+=(nginx); pkgs+=(NGINX); }
    [[ -n $(find_tool haproxy) ]] || { missing+=(haproxy); pkgs+=(haproxy); }
    ((${#missing[@]})) || return 0
    log "installing missing tools: ${missing[*]}"
    [[ $EUID -eq 0 ]] || die "not root: install ${missing[*]} first (Debian: apt-get install wrk nginx-light haproxy)"
    command -v apt-get >/dev/null || die "no apt-get: install ${missing[*]} by hand"
    # Installing must not start the distribution's own nginx/haproxy services.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        POLICY_RC_CREATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    local nginx_pkg=nginx
    if apt-cache show nginx-light >/dev/null 2>&1; then nginx_pkg=nginx-light; fi
    pkgs=("${pkgs[@]/NGINX/$nginx_pkg}")
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >&2
    if ((POLICY_RC_CREATED)); then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=0; fi
}

ensure_tools
WRK=$(find_tool wrk)
NGINX=$(find_tool nginx)
HAPROXY=$(find_tool haproxy)
[[ -n $WRK && -n $NGINX && -n $HAPROXY ]] || die "wrk, nginx or haproxy still missing"

# Many sockets in the new-connection scenario: take the hard limit on open files.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

TMP=$(mktemp -d /tmp/palisade-bench.XXXXXX)
chmod 755 "$TMP" # nginx workers run as an unprivileged user and must read the files

# ---------------------------------------------------------------------------------------------
# Ports and HTTP probes (bash /dev/tcp, no curl needed)

USED_PORTS=" "
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() { # varname: a port below the ephemeral range that nothing listens on
    local p i
    for ((i = 0; i < 500; i++)); do
        p=$((10000 + RANDOM % 22000))
        [[ $USED_PORTS == *" $p "* ]] && continue
        port_open "$p" && continue
        USED_PORTS+="$p "
        printf -v "$1" '%s' "$p"
        return 0
    done
    die "found no free port"
}

# Prints "STATUS BODYBYTES" for GET path on port, or nothing on failure. Bounded by `timeout`.
http_probe() {
    timeout 5 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
        printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$1" >&3
        cat <&3' "$1" "$2" 2>/dev/null |
        LC_ALL=C awk 'BEGIN { RS = "\r\n\r\n"; ORS = "" }
            NR == 1 { split($0, l, " "); status = l[2]; next }
            { body += length($0) + (NR > 2 ? 4 : 0) }
            END { if (status != "") print status, body + 0 }' || true
}

wait_ready() { # name pid port seconds: until GET small answers 200, the process dies, or time is up
    local name=$1 pid=$2 port=$3 limit=$4 start=$SECONDS
    while ((SECONDS - start < limit)); do
        alive "$pid" || { log "$name exited during startup"; return 2; }
        local probe
        probe=$(http_probe "$port" "$SMALL_PATH")
        [[ ${probe%% *} == 200 ]] && return 0
        sleep 0.25
    done
    log "$name did not answer on 127.0.0.1:$port within ${limit}s"
    return 1
}

check_bodies() { # name port: warn when a target does not serve the expected statuses and sizes
    local name=$1 port=$2 probe
    probe=$(http_probe "$port" "$SMALL_PATH")
    [[ $probe == "200 $SMALL_SIZE" ]] || log "warning: $name GET $SMALL_PATH gave '${probe:-no answer}', expected '200 $SMALL_SIZE'"
    probe=$(http_probe "$port" "$LARGE_PATH")
    [[ $probe == "200 $LARGE_SIZE" ]] || log "warning: $name GET $LARGE_PATH gave '${probe:-no answer}', expected '200 $LARGE_SIZE'"
}

# ---------------------------------------------------------------------------------------------
# Servers

nginx_common() { # prefix
    cat <<EOF
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
EOF
}

nginx_http_common() { # prefix
    cat <<EOF
    access_log off;
    server_tokens off;
    client_body_temp_path $1/tmp/client_body;
    proxy_temp_path $1/tmp/proxy;
    fastcgi_temp_path $1/tmp/fastcgi;
    uwsgi_temp_path $1/tmp/uwsgi;
    scgi_temp_path $1/tmp/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 65s;
    tcp_nodelay on;
EOF
}

start_nginx() { # name conf -> sets STARTED_PID
    local name=$1 conf=$2 prefix=$TMP/$1
    "$NGINX" -t -q -p "$prefix/" -e "$prefix/error.log" -c "$conf" >"$prefix/test.out" 2>&1 ||
        { cat "$prefix/test.out" >&2; die "$name: nginx rejected $conf"; }
    "$NGINX" -p "$prefix/" -e "$prefix/error.log" -c "$conf" -g 'daemon off;' >"$prefix/stdout.log" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}

start_origin() {
    local prefix=$TMP/origin
    mkdir -p "$prefix/www" "$prefix/tmp"
    head -c "$SMALL_SIZE" /dev/zero | tr '\0' 'a' >"$prefix/www$SMALL_PATH"
    head -c "$LARGE_SIZE" /dev/zero | tr '\0' 'b' >"$prefix/www$LARGE_PATH"
    chmod -R a+rX "$prefix/www"
    free_port ORIGIN_PORT
    {
        nginx_common "$prefix"
        echo "http {"
        nginx_http_common "$prefix"
        cat <<EOF
    default_type text/plain;
    sendfile on;
    tcp_nopush on;
    server {
        listen 127.0.0.1:$ORIGIN_PORT backlog=4096;
        root $prefix/www;
        location / { }
    }
}
EOF
    } >"$prefix/nginx.conf"
    start_nginx origin "$prefix/nginx.conf"
    ORIGIN_PID=$STARTED_PID
    wait_ready origin "$ORIGIN_PID" "$ORIGIN_PORT" 20 || die "the origin did not start; see $prefix/error.log"
    log "origin      nginx pid $ORIGIN_PID on 127.0.0.1:$ORIGIN_PORT"
}

start_nginx_proxy() {
    local prefix=$TMP/nginx
    mkdir -p "$prefix/tmp"
    free_port NGINX_PORT
    {
        nginx_common "$prefix"
        echo "http {"
        nginx_http_common "$prefix"
        cat <<EOF
    upstream origin {
        server 127.0.0.1:$ORIGIN_PORT;
        keepalive 32;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # Stream large bodies through memory buffers instead of spooling them to disk.
            proxy_buffer_size 16k;
            proxy_buffers 16 16k;
            proxy_max_temp_file_size 0;
        }
    }
}
EOF
    } >"$prefix/nginx.conf"
    start_nginx nginx "$prefix/nginx.conf"
    NGINX_PID=$STARTED_PID
    wait_ready nginx "$NGINX_PID" "$NGINX_PORT" 20 || die "nginx proxy did not start; see $prefix/error.log"
    log "nginx       pid $NGINX_PID on 127.0.0.1:$NGINX_PORT"
}

start_haproxy() {
    local prefix=$TMP/haproxy
    mkdir -p "$prefix"
    free_port HAPROXY_PORT
    cat >"$prefix/haproxy.cfg" <<EOF
global
    nbthread 1
    maxconn 8000

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 65s
    option http-keep-alive
    http-reuse always

frontend fe
    bind 127.0.0.1:$HAPROXY_PORT backlog 4096
    default_backend origin

backend origin
    server origin 127.0.0.1:$ORIGIN_PORT
EOF
    "$HAPROXY" -c -q -f "$prefix/haproxy.cfg" >"$prefix/check.out" 2>&1 ||
        { cat "$prefix/check.out" >&2; die "haproxy rejected $prefix/haproxy.cfg"; }
    "$HAPROXY" -db -f "$prefix/haproxy.cfg" >"$prefix/haproxy.log" 2>&1 &
    HAPROXY_PID=$!
    PIDS+=("$HAPROXY_PID")
    wait_ready haproxy "$HAPROXY_PID" "$HAPROXY_PORT" 20 || die "haproxy did not start; see $prefix/haproxy.log"
    log "haproxy     pid $HAPROXY_PID on 127.0.0.1:$HAPROXY_PORT"
}

PALISADE_SKIP=""
build_palisade() {
    ((BUILD)) || return 0
    log "building the jar (mvn -q -B -DskipTests package)"
    if ! (cd "$REPO_DIR" && mvn -q -B -DskipTests package) >"$TMP/build.log" 2>&1; then
        tail -n 30 "$TMP/build.log" >&2
        PALISADE_SKIP="the build failed (mvn -q -B -DskipTests package)"
    fi
}

start_palisade() {
    if [[ -n $PALISADE_SKIP ]]; then return 1; fi
    if [[ ! -f $JAR ]]; then PALISADE_SKIP="$JAR is missing"; return 1; fi
    local prefix=$TMP/palisade
    mkdir -p "$prefix"
    free_port PALISADE_PORT
    # shellcheck disable=SC2086 # the option strings are word lists on purpose
    (cd "$prefix" && exec java $PALISADE_JAVA_OPTS -jar "$JAR" run \
        --listen "127.0.0.1:$PALISADE_PORT" --to "127.0.0.1:$ORIGIN_PORT" $PALISADE_ARGS) \
        >"$prefix/palisade.log" 2>&1 &
    PALISADE_PID=$!
    PIDS+=("$PALISADE_PID")
    if ! wait_ready palisade "$PALISADE_PID" "$PALISADE_PORT" 60; then
        log "palisade output (last 20 lines):"
        tail -n 20 "$prefix/palisade.log" | sed 's/^/    /' >&2
        stop_pid "$PALISADE_PID"
        PALISADE_SKIP="it did not start or answer 200 on GET $SMALL_PATH (java -jar $(basename "$JAR") run --listen ... --to ...)"
        return 1
    fi
    log "palisade    java pid $PALISADE_PID on 127.0.0.1:$PALISADE_PORT"
}

vm_hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || true; }

# ---------------------------------------------------------------------------------------------
# Measuring

declare -A PORT RPS P50 P99 ERRS NOTE

scenario_path() { [[ $1 == large ]] && echo "$LARGE_PATH" || echo "$SMALL_PATH"; }
scenario_title() {
    case "$1" in
        keepalive) echo "small reply, keep-alive" ;;
        close) echo "new connection per request" ;;
        large) echo "1 MiB body, keep-alive" ;;
    esac
}

run_wrk() { # scenario port seconds outfile
    local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${3}s" --timeout 5s -s "$BENCH_DIR/report.lua")
    [[ $1 == close ]] && args+=(-H 'Connection: close')
    timeout $(($3 + 30)) "$WRK" "${args[@]}" "http://127.0.0.1:$2$(scenario_path "$1")" >"$4" 2>&1
}

field() { # file key
    awk -v k="$2" '/^BENCH_RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$1"
}

measure() { # scenario target
    local s=$1 t=$2 port=${PORT[$2]} out=$TMP/wrk-$1-$2.txt
    log "$s / $t: warm-up ${WARMUP}s, then ${DURATION}s"
    run_wrk "$s" "$port" "$WARMUP" "$TMP/wrk-$s-$t-warmup.txt" || true
    if ! run_wrk "$s" "$port" "$DURATION" "$out" || [[ -z $(field "$out" rps) ]]; then
        NOTE[$s,$t]="wrk failed: $(tr '\n' ' ' <"$out" | cut -c1-200)"
        log "$s / $t: ${NOTE[$s,$t]}"
        return 0
    fi
    RPS[$s,$t]=$(field "$out" rps)
    P50[$s,$t]=$(field "$out" p50_us)
    P99[$s,$t]=$(field "$out" p99_us)
    local e=0 k
    for k in err_connect err_read err_write err_timeout err_status; do e=$((e + $(field "$out" $k))); done
    ERRS[$s,$t]=$e
    if ((e > 0)); then
        NOTE[$s,$t]="errors: connect $(field "$out" err_connect), read $(field "$out" err_read), write $(field "$out" err_write), timeout $(field "$out" err_timeout), status>=400 $(field "$out" err_status)"
    fi
    log "$s / $t: $(printf '%.0f' "${RPS[$s,$t]}") req/s, p50 $(fmt_ms "${P50[$s,$t]}"), p99 $(fmt_ms "${P99[$s,$t]}"), errors $e"
}

fmt_ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }
fmt_rps() { awk -v r="$1" 'BEGIN { printf "%.0f", r }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

# ---------------------------------------------------------------------------------------------
# Main

ALL_TARGETS=()
for t in origin palisade nginx haproxy; do wanted "$t" && ALL_TARGETS+=("$t"); done

wanted palisade && build_palisade
start_origin
PORT[origin]=$ORIGIN_PORT
if wanted palisade; then
    if start_palisade; then PORT[palisade]=$PALISADE_PORT; else log "SKIPPING palisade: $PALISADE_SKIP"; fi
fi
if wanted nginx; then start_nginx_proxy; PORT[nginx]=$NGINX_PORT; fi
if wanted haproxy; then start_haproxy; PORT[haproxy]=$HAPROXY_PORT; fi

for t in "${ALL_TARGETS[@]}"; do [[ -n ${PORT[$t]:-} ]] && check_bodies "$t" "${PORT[$t]}"; done

for s in "${SCENARIOS[@]}"; do
    for t in "${ALL_TARGETS[@]}"; do
        [[ -n ${PORT[$t]:-} ]] || continue
        if [[ $t == palisade ]] && ! alive "$PALISADE_PID"; then
            NOTE[$s,$t]="palisade is no longer running"
            log "$s / $t: ${NOTE[$s,$t]}"
            continue
        fi
        measure "$s" "$t"
    done
done

RSS_PALISADE="" RSS_NGINX="" RSS_HAPROXY=""
if [[ -n ${PORT[palisade]:-} ]] && alive "$PALISADE_PID"; then RSS_PALISADE=$(vm_hwm_kib "$PALISADE_PID"); fi
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
MD="$OUT_DIR/results-$(date -u +%Y-%m-%d-%H%M%S).md"

{
    echo "# Palisade benchmark, $NOW"
    echo
    echo "- machine: $MACHINE"
    echo "- commit: $COMMIT; $VERSIONS"
    echo "- wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up then ${DURATION}s measured per scenario and target; wrk shares the cores with the targets"
    echo "- palisade: java $PALISADE_JAVA_OPTS -jar palisade.jar run --listen 127.0.0.1:PORT --to 127.0.0.1:ORIGIN $PALISADE_ARGS"
    echo
    echo "| scenario | target | req/s | p50 | p99 | errors |"
    echo "| --- | --- | ---: | ---: | ---: | ---: |"
} >"$MD"

printf '\n%-28s %-20s %10s %10s %10s %8s\n' scenario target req/s p50 p99 errors
printf '%s\n' "$(printf '%.0s-' {1..91})"
for s in "${SCENARIOS[@]}"; do
    for t in "${ALL_TARGETS[@]}"; do
        if [[ -n ${RPS[$s,$t]:-} ]]; then
            r=$(fmt_rps "${RPS[$s,$t]}") a=$(fmt_ms "${P50[$s,$t]}") b=$(fmt_ms "${P99[$s,$t]}") e=${ERRS[$s,$t]}
        elif [[ $t == palisade && -n $PALISADE_SKIP ]]; then
            r=skipped a=- b=- e=-
        else
            r=failed a=- b=- e=-
        fi
        printf '%-28s %-20s %10s %10s %10s %8s\n' "$(scenario_title "$s")" "$(target_label "$t")" "$r" "$a" "$b" "$e"
        echo "| $(scenario_title "$s") | $(target_label "$t") | $r | $a | $b | $e |" >>"$MD"
    done
done

{
    echo
    echo "| scenario | palisade/nginx req/s | palisade/haproxy req/s | palisade/nginx p99 | target |"
    echo "| --- | ---: | ---: | ---: | --- |"
} >>"$MD"
printf '\n%-28s %14s %16s %14s   %s\n' scenario "pal/nginx" "pal/haproxy" "p99 pal/nginx" target
printf '%s\n' "$(printf '%.0s-' {1..110})"
for s in "${SCENARIOS[@]}"; do
    rn=$(ratio "${RPS[$s,palisade]:-0}" "${RPS[$s,nginx]:-0}")
    rh=$(ratio "${RPS[$s,palisade]:-0}" "${RPS[$s,haproxy]:-0}")
    rp=$(ratio "${P99[$s,palisade]:-0}" "${P99[$s,nginx]:-0}")
    [[ -n ${RPS[$s,palisade]:-} ]] || { rn=n/a; rh=n/a; rp=n/a; }
    printf '%-28s %14s %16s %14s   %s\n' "$(scenario_title "$s")" "$rn" "$rh" "$rp" "$(target_goal "$s"); p99 <= 1.00x nginx"
    echo "| $(scenario_title "$s") | $rn | $rh | $rp | $(target_goal "$s"); p99 <= 1.00x nginx |" >>"$MD"
done

echo
echo "peak RSS (VmHWM): palisade $(fmt_mib "$RSS_PALISADE"), nginx proxy worker $(fmt_mib "$RSS_NGINX"), haproxy $(fmt_mib "$RSS_HAPROXY")"
{
    echo
    echo "Peak RSS (VmHWM at the end of the run): palisade $(fmt_mib "$RSS_PALISADE"), nginx proxy worker $(fmt_mib "$RSS_NGINX"), haproxy $(fmt_mib "$RSS_HAPROXY")."
} >>"$MD"

notes=()
[[ -n $PALISADE_SKIP ]] && wanted palisade && notes+=("palisade skipped: $PALISADE_SKIP")
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
