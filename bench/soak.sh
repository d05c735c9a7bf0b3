#!/usr/bin/env bash
# Soak: Palisade under a bounded mixed load (bench/Soak.java: keep-alive, a new connection per request,
# a TLS handshake per request, requests the rules block, requests over a rate limit, uploads, and the
# origin restarted every minute, or every third of a short run), sampling the Palisade process as it
# runs: heap after a full GC (jcmd GC.run, then GC.heap_info), RSS and open file descriptors. At the end
# it says, for each, whether it stayed flat, and counts the leak reports Netty wrote to the log (leak
# detection at "advanced" here).
#
#   bench/soak.sh                 10 minutes (the release check)
#   bench/soak.sh --minutes 1     a short run while developing
#
# Writes bench/out/soak-DATE.csv (one line per sample) and bench/out/soak-DATE.txt (the summary).
# Everything listens on 127.0.0.1; every process started here is stopped by its PID on exit.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

MINUTES=10
LOG_TAG=soak

usage() {
    cat <<EOF
Usage: bench/soak.sh [--minutes N] [--no-build] [--jar PATH] [--keep-tmp]

  --minutes N   length of the mixed load, 1 to 60 (default 10)
  --no-build    use the existing target/palisade.jar
  --jar PATH    another Palisade jar
  --keep-tmp    keep the temporary directory (config, certificates, logs)
Environment: PALISADE_JAVA_OPTS (default -Xms256m -Xmx256m).
EOF
}

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_defaults "-Xms256m -Xmx256m"

while (($#)); do
    case "$1" in
        --minutes) MINUTES=${2:-}; shift 2 ;;
        --no-build|--jar|--keep-tmp) common_option "$@"; shift "$SHIFT_BY" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
[[ $MINUTES =~ ^[0-9]+$ ]] && ((MINUTES >= 1 && MINUTES <= 60)) || die "--minutes takes 1 to 60"
command -v jcmd >/dev/null || die "jcmd (from the JDK) is needed to sample the heap"

TMP=$(mktemp -d /tmp/palisade-soak.XXXXXX)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
mkdir -p "$REPO_DIR/bench/out"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CSV="$REPO_DIR/bench/out/soak-$STAMP.csv"
SUMMARY="$REPO_DIR/bench/out/soak-$STAMP.txt"

if ((BUILD)); then
    log "building the jar (mvn -q -B -DskipTests package)"
    (cd "$REPO_DIR" && mvn -q -B -DskipTests package) >"$TMP/build.log" 2>&1 || { tail -n 30 "$TMP/build.log" >&2; die "build failed"; }
fi
[[ -f $JAR ]] || die "$JAR is missing"

free_port HTTP_PORT
free_port HTTPS_PORT
free_port ORIGIN_PORT

java -jar "$JAR" certs self-signed --host localhost --dir "$TMP/certs" >"$TMP/certs.log" 2>&1 || die "could not make a certificate"
cat >"$TMP/palisade.yaml" <<YAML
listeners:
  - name: http
    bind: 127.0.0.1:$HTTP_PORT
  - name: https
    bind: 127.0.0.1:$HTTPS_PORT
    tls:
      certs: $TMP/certs
origins:
  origin:
    servers: [127.0.0.1:$ORIGIN_PORT]
rules:
  dir: $REPO_DIR/rules
log:
  access: $TMP/access.log
  security: $TMP/security.log
admin:
  enabled: false
guard:
  gate:
    max_connections_per_address: 20000
    new_connections_per_second: 200000
    new_connections_burst: 400000
  rate_limits:
    - name: soak
      key: [address]
      paths: [/limited]
      limits:
        - {requests: 5, per: 1s, burst: 5}
YAML

# shellcheck disable=SC2086 # the option string is a word list on purpose
(cd "$TMP" && exec java $PALISADE_JAVA_OPTS -Dio.netty.leakDetection.level=advanced -jar "$JAR" run --config "$TMP/palisade.yaml") \
    >"$TMP/palisade.log" 2>&1 &
PID=$!
PIDS+=("$PID")
for ((i = 0; i < 300; i++)); do port_open "$HTTP_PORT" && break; alive "$PID" || break; sleep 0.2; done
port_open "$HTTP_PORT" || { tail -n 20 "$TMP/palisade.log" >&2; die "palisade did not start"; }
log "palisade pid $PID: http 127.0.0.1:$HTTP_PORT, https 127.0.0.1:$HTTPS_PORT, origin 127.0.0.1:$ORIGIN_PORT"

SECONDS_TOTAL=$((MINUTES * 60))
INTERVAL=$((MINUTES >= 5 ? 30 : 10))
java "$BENCH_DIR/Soak.java" --http "$HTTP_PORT" --https "$HTTPS_PORT" --origin-port "$ORIGIN_PORT" \
    --seconds "$SECONDS_TOTAL" --restart-every $((SECONDS_TOTAL >= 180 ? 60 : SECONDS_TOTAL / 3)) >"$TMP/load.log" 2>&1 &
LOAD_PID=$!
PIDS+=("$LOAD_PID")

sample() { # elapsed -> one CSV line
    jcmd "$PID" GC.run >/dev/null 2>&1 || true
    local heap rss fds
    heap=$(jcmd "$PID" GC.heap_info 2>/dev/null | grep -oE 'used [0-9]+K' | head -n 1 | grep -oE '[0-9]+' || echo 0)
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status" 2>/dev/null || echo 0)
    fds=$(find "/proc/$PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    echo "$1,$heap,$rss,$fds"
}

echo "seconds,heap_after_gc_kib,rss_kib,open_fds" >"$CSV"
START=$(date +%s)
while alive "$LOAD_PID"; do
    sleep "$INTERVAL"
    alive "$PID" || die "palisade died; see $TMP/palisade.log"
    line=$(sample $(($(date +%s) - START)))
    echo "$line" >>"$CSV"
    log "sample $line"
done
wait "$LOAD_PID" || true
# one more right after the load stopped
echo "$(sample $(($(date +%s) - START)))" >>"$CSV"

LEAKS=$(grep -c 'LEAK:' "$TMP/palisade.log" || true)
ERRORS=$(grep -cE ' ERROR | Exception' "$TMP/palisade.log" || true)

# Flat: after the first fifth of the run (JIT, pools, TLS session caches warming up), the later half of
# the samples is compared with the earlier half by median; a metric is flat when it grew by less than
# 10 % plus a small absolute slack (4 MiB of heap, 16 MiB of RSS, 16 descriptors).
VERDICT=$(awk -F, -v minutes="$MINUTES" '
    NR == 1 { next }
    { t[n] = $1; heap[n] = $2; rss[n] = $3; fd[n] = $4; n++ }
    function median(a, from, to,    i, j, k, v, tmp) {
        k = 0
        for (i = from; i < to; i++) tmp[k++] = a[i]
        for (i = 1; i < k; i++) { v = tmp[i]; for (j = i - 1; j >= 0 && tmp[j] > v; j--) tmp[j + 1] = tmp[j]; tmp[j + 1] = v }
        return k % 2 ? tmp[int(k / 2)] : (tmp[k / 2 - 1] + tmp[k / 2]) / 2
    }
    function verdict(name, a, slack, unit, div,    early, late, flat) {
        early = median(a, skip, mid); late = median(a, mid, n)
        flat = late <= early * 1.10 + slack
        printf "%-18s %s  (median %.1f -> %.1f %s)\n", name, flat ? "flat" : "NOT flat", early / div, late / div, unit
        return flat
    }
    END {
        skip = int(n / 5); if (n - skip < 2) skip = 0
        mid = skip + int((n - skip) / 2)
        ok = verdict("heap after GC", heap, 4096, "MiB", 1024)
        ok = verdict("RSS", rss, 16384, "MiB", 1024) && ok
        ok = verdict("open descriptors", fd, 16, "", 1) && ok
        print (ok ? "overall: flat" : "overall: NOT flat")
    }' "$CSV")

{
    echo "soak: $MINUTES min, $(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "palisade: $PALISADE_JAVA_OPTS, leak detection advanced"
    echo "load: $(tail -n 1 "$TMP/load.log")"
    echo "origin restarts: $(grep -c 'origin: back' "$TMP/load.log" || true)"
    echo "$VERDICT"
    echo "Netty leak reports in the log: $LEAKS"
    echo "ERROR lines or exceptions in the log: $ERRORS"
    echo "samples: $CSV"
} | tee "$SUMMARY"

[[ $VERDICT == *"overall: flat"* && $LEAKS == 0 ]]
