# shellcheck shell=bash
# Shared by bench/run.sh and bench/flood.sh: tools, process bookkeeping, ports, HTTP probes, and
# starting the origin, nginx, HAProxy and Palisade on 127.0.0.1. Sourced, never run.
# The caller sets REPO_DIR first and calls bench_defaults (BUILD, JAR, KEEP_TMP, PALISADE_JAVA_OPTS, PALISADE_ARGS).
# With BENCH_TLS_DIR set (bench/tls.sh), the proxies terminate TLS with the certificate there, see make_tls_certificate.

SMALL_PATH=/small.txt
SMALL_SIZE=100
LARGE_PATH=/large.bin
LARGE_SIZE=1048576

log() { printf '[%s] %s\n' "${LOG_TAG:-bench}" "$*" >&2; }
die() { printf '[%s] error: %s\n' "${LOG_TAG:-bench}" "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# What every script shares: Palisade's jar and build, its JVM options, the temporary directory.

bench_defaults() { # default JVM options for Palisade (PALISADE_JAVA_OPTS from the environment wins)
    BUILD=1
    JAR="$REPO_DIR/target/palisade.jar"
    KEEP_TMP=0
    PALISADE_JAVA_OPTS=${PALISADE_JAVA_OPTS:-$1}
    PALISADE_ARGS=${PALISADE_ARGS:-}
}

# The options every script takes: --no-build, --jar PATH, --keep-tmp. Sets SHIFT_BY to the words used.
common_option() {
    case "$1" in
        --no-build) BUILD=0; SHIFT_BY=1 ;;
        --jar) [[ -n ${2:-} ]] || die "--jar needs a path"; JAR=$2; SHIFT_BY=2 ;;
        --keep-tmp) KEEP_TMP=1; SHIFT_BY=1 ;;
        *) return 1 ;;
    esac
}

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
        if alive "$k"; then kill -KILL "$k" 2>/dev/null || true; fi
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
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
    if ((POLICY_RC_CREATED)); then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=0; fi
}

# Installs what is missing, sets WRK, NGINX, HAPROXY, raises the open-file limit and makes TMP.
setup_env() {
    ensure_tools
    WRK=$(find_tool wrk)
    NGINX=$(find_tool nginx)
    HAPROXY=$(find_tool haproxy)
    [[ -n $WRK && -n $NGINX && -n $HAPROXY ]] || die "wrk, nginx or haproxy still missing"
    # Many sockets in the new-connection scenario and the flood: take the hard limit on open files.
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    TMP=$(mktemp -d /tmp/palisade-bench.XXXXXX)
    chmod 755 "$TMP" # nginx workers run as an unprivileged user and must read the files
}

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
    # shellcheck disable=SC2016 # $0 and $1 belong to the inner bash
    timeout 5 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
        printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$1" >&3
        cat <&3' "$1" "$2" 2>/dev/null |
        LC_ALL=C awk 'BEGIN { RS = "\r\n\r\n"; ORS = "" }
            NR == 1 { split($0, l, " "); status = l[2]; next }
            { body += length($0) + (NR > 2 ? 4 : 0) }
            END { if (status != "") print status, body + 0 }' || true
}

field() { # file key: a value of the BENCH_RESULT line report.lua prints
    awk -v k="$2" '/^BENCH_RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$1"
}

# Prints the status of GET path over TLS on port (any certificate), or 000.
tls_status() {
    curl -sk -o /dev/null -w '%{http_code}' --max-time 3 "https://127.0.0.1:$1$2" 2>/dev/null || true
}

wait_ready() { # name pid port seconds [tls]: until GET small answers 200, the process dies, or time is up
    local name=$1 pid=$2 port=$3 limit=$4 tls=${5:-} start=$SECONDS
    while ((SECONDS - start < limit)); do
        alive "$pid" || { log "$name exited during startup"; return 2; }
        local probe
        if [[ -n $tls ]]; then probe=$(tls_status "$port" "$SMALL_PATH"); else probe=$(http_probe "$port" "$SMALL_PATH"); fi
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
    ORIGIN_ADDRESSES=("127.0.0.1:$ORIGIN_PORT")
    local second=""
    if ((${ORIGINS:-1} == 2)); then # the same nginx on a second address: two origin servers to balance over
        free_port ORIGIN_PORT2
        ORIGIN_ADDRESSES+=("127.0.0.1:$ORIGIN_PORT2")
        second="listen 127.0.0.1:$ORIGIN_PORT2 backlog=4096;"
    fi
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
        $second
        root $prefix/www;
        location / { }
    }
}
EOF
    } >"$prefix/nginx.conf"
    start_nginx origin "$prefix/nginx.conf"
    ORIGIN_PID=$STARTED_PID
    wait_ready origin "$ORIGIN_PID" "$ORIGIN_PORT" 20 || die "the origin did not start; see $prefix/error.log"
    log "origin      nginx pid $ORIGIN_PID on ${ORIGIN_ADDRESSES[*]}"
}

# ---------------------------------------------------------------------------------------------
# TLS (bench/tls.sh): one certificate and key, and the same versions, suites, order and groups on every
# target: Palisade's fixed list (tls.ServerContexts).

TLS13_SUITES="TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
TLS12_SUITES="ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

make_tls_certificate() { # dir: EC P-256 certificate for localhost and 127.0.0.1, key as PKCS#8; sets BENCH_TLS_DIR
    local d=$1
    mkdir -p "$d/certs"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$d/key.tmp" -out "$d/certs/localhost.crt" 2>"$d/openssl.log" ||
        { cat "$d/openssl.log" >&2; die "openssl could not make the certificate"; }
    openssl pkcs8 -topk8 -nocrypt -in "$d/key.tmp" -out "$d/certs/localhost.key"
    rm -f "$d/key.tmp"
    chmod 644 "$d/certs/localhost.crt"
    chmod 600 "$d/certs/localhost.key"
    cat "$d/certs/localhost.crt" "$d/certs/localhost.key" >"$d/haproxy.pem"
    # nginx workers run unprivileged: their own readable copy, outside Palisade's certs/
    cp "$d/certs/localhost.key" "$d/nginx.key" && chmod 644 "$d/nginx.key"
    BENCH_TLS_DIR=$d
}

nginx_tls_lines() { # the ssl_* directives of a server block, or nothing without BENCH_TLS_DIR
    [[ -n ${BENCH_TLS_DIR:-} ]] || return 0
    cat <<EOF
        ssl_certificate $BENCH_TLS_DIR/certs/localhost.crt;
        ssl_certificate_key $BENCH_TLS_DIR/nginx.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers $TLS12_SUITES;
        ssl_conf_command Ciphersuites $TLS13_SUITES;
        ssl_prefer_server_ciphers on;
        ssl_ecdh_curve X25519:prime256v1;
        ssl_session_cache shared:tls:10m;
EOF
}

haproxy_tls_globals() {
    [[ -n ${BENCH_TLS_DIR:-} ]] || return 0
    cat <<EOF
    ssl-default-bind-options ssl-min-ver TLSv1.2
    ssl-default-bind-ciphers $TLS12_SUITES
    ssl-default-bind-ciphersuites $TLS13_SUITES
    ssl-default-bind-curves X25519:P-256
EOF
}

palisade_tls_lines() { # the tls: block of Palisade's listener, or nothing without BENCH_TLS_DIR
    [[ -n ${BENCH_TLS_DIR:-} ]] || return 0
    printf '    tls:\n      certs: %s\n      provider: %s\n' "$BENCH_TLS_DIR/certs" "${PALISADE_TLS_PROVIDER:-auto}"
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
$(printf '        server %s;\n' "${ORIGIN_ADDRESSES[@]:-127.0.0.1:$ORIGIN_PORT}")
        keepalive 32;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT${BENCH_TLS_DIR:+ ssl} backlog=4096;
$(nginx_tls_lines)
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # What Palisade does too: tell the origin who the client is.
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
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
    wait_ready nginx "$NGINX_PID" "$NGINX_PORT" 20 "${BENCH_TLS_DIR:-}" || die "nginx proxy did not start; see $prefix/error.log"
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
$(haproxy_tls_globals)

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 65s
    option http-keep-alive
    http-reuse always
    option forwardfor

frontend fe
    bind 127.0.0.1:$HAPROXY_PORT${BENCH_TLS_DIR:+ ssl crt $BENCH_TLS_DIR/haproxy.pem} backlog 4096
    default_backend origin

backend origin
    balance roundrobin
$(i=0; for a in "${ORIGIN_ADDRESSES[@]:-127.0.0.1:$ORIGIN_PORT}"; do i=$((i + 1)); echo "    server origin$i $a"; done)
EOF
    "$HAPROXY" -c -q -f "$prefix/haproxy.cfg" >"$prefix/check.out" 2>&1 ||
        { cat "$prefix/check.out" >&2; die "haproxy rejected $prefix/haproxy.cfg"; }
    "$HAPROXY" -db -f "$prefix/haproxy.cfg" >"$prefix/haproxy.log" 2>&1 &
    HAPROXY_PID=$!
    PIDS+=("$HAPROXY_PID")
    wait_ready haproxy "$HAPROXY_PID" "$HAPROXY_PORT" 20 "${BENCH_TLS_DIR:-}" || die "haproxy did not start; see $prefix/haproxy.log"
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
    # PALISADE_NAME: the directory under $TMP, so a script can run several; PALISADE_EXTRA_YAML: appended
    # to the config below (indented two spaces it continues the guard section; unindented, a new section);
    # PALISADE_RULES_MODE: the rule engine's mode (block, detect or off; default block)
    local prefix=$TMP/${PALISADE_NAME:-palisade}
    mkdir -p "$prefix"
    free_port PALISADE_PORT
    # The whole product runs (shipped rules, header policy, gate), with the gate's per-address limits
    # raised: every benchmark connection comes from the one loopback address, and a new connection per
    # request at benchmark rates would (rightly) be banned with the defaults.
    cat >"$prefix/palisade.yaml" <<YAML
listeners:
  - name: http
    bind: 127.0.0.1:$PALISADE_PORT
$(palisade_tls_lines)
origins:
  origin:
    servers: [$(IFS=,; echo "${ORIGIN_ADDRESSES[*]:-127.0.0.1:$ORIGIN_PORT}" | sed 's/,/, /g')]
rules:
  dir: $REPO_DIR/rules
  mode: "${PALISADE_RULES_MODE:-block}"
admin:
  enabled: false
guard:
  gate:
    max_connections_per_address: 20000
    new_connections_per_second: 200000
    new_connections_burst: 400000
${PALISADE_EXTRA_YAML:-}
YAML
    launch_palisade || return 1
}

# Starts Palisade on $TMP/${PALISADE_NAME:-palisade}/palisade.yaml (written by the caller, listening on
# $PALISADE_PORT) and waits until it answers; sets PALISADE_PID. On failure it prints the log's tail and
# sets PALISADE_SKIP.
launch_palisade() {
    local prefix=$TMP/${PALISADE_NAME:-palisade}
    # shellcheck disable=SC2086 # the option strings are word lists on purpose
    (cd "$prefix" && exec java $PALISADE_JAVA_OPTS -jar "$JAR" run --config "$prefix/palisade.yaml" $PALISADE_ARGS) \
        >"$prefix/palisade.log" 2>&1 &
    PALISADE_PID=$!
    PIDS+=("$PALISADE_PID")
    if ! wait_ready palisade "$PALISADE_PID" "$PALISADE_PORT" 60 "${BENCH_TLS_DIR:-}"; then
        log "palisade output (last 20 lines):"
        tail -n 20 "$prefix/palisade.log" | sed 's/^/    /' >&2
        stop_pid "$PALISADE_PID"
        PALISADE_SKIP="it did not start or answer 200 on GET $SMALL_PATH (java -jar $(basename "$JAR") run --config $prefix/palisade.yaml)"
        return 1
    fi
    log "palisade    java pid $PALISADE_PID on 127.0.0.1:$PALISADE_PORT"
}

CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
# CPU time (user + system, all threads) of a process and its children (nginx workers), in ticks.
cpu_ticks() {
    local pid total=0 t
    for pid in "$1" $(children_of "$1"); do
        t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}

vm_hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || true; }
