#!/usr/bin/env bash
# A 1 GiB download and a 1 GiB upload through Palisade with a small, fixed heap (default -Xmx64m), to show
# bodies are streamed with back-pressure and never held whole. The download comes from an nginx origin (a
# sparse file, no disk used); the upload goes to bench/Origin.java, which reads it as a stream and answers
# with the byte count. Printed: status, bytes, MB/s, Palisade's peak RSS and its heap after the run.
# A benchmark, not a test: it prints figures and never fails on a timing. Every process it starts is
# stopped by PID on exit. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

BUILD=1
JAR="$REPO_DIR/target/palisade.jar"
KEEP_TMP=0
PALISADE_JAVA_OPTS=${PALISADE_JAVA_OPTS:-"-Xms64m -Xmx64m -XX:MaxDirectMemorySize=64m"}
PALISADE_ARGS=${PALISADE_ARGS:-}
SIZE_MIB=1024
LOG_TAG=bigbody

while (($#)); do
    case $1 in
        --no-build) BUILD=0 ;;
        --size-mib) SIZE_MIB=$2; shift ;;
        --keep) KEEP_TMP=1 ;;
        -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
((SIZE_MIB >= 1 && SIZE_MIB <= 8192)) || { echo "--size-mib must be 1..8192" >&2; exit 2; }

# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
SMALL_PATH=/small
SMALL_SIZE=100
LARGE_PATH=/large
LARGE_SIZE=1024
setup_env
trap cleanup EXIT
build_palisade
[[ -z ${PALISADE_SKIP:-} ]] || die "$PALISADE_SKIP"

start_origin
truncate -s "${SIZE_MIB}M" "$TMP/origin/www/big" && chmod a+r "$TMP/origin/www/big"
free_port SINK_PORT
java "$BENCH_DIR/Origin.java" --port "$SINK_PORT" --name sink >"$TMP/sink.log" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 100; i++)); do port_open "$SINK_PORT" && break; sleep 0.2; done

mkdir -p "$TMP/palisade"
free_port PALISADE_PORT
cat >"$TMP/palisade/palisade.yaml" <<YAML
listeners:
  - name: http
    bind: 127.0.0.1:$PALISADE_PORT
origins:
  files:
    servers: [127.0.0.1:$ORIGIN_PORT]
  sink:
    servers: [127.0.0.1:$SINK_PORT]
routes:
  - name: upload
    path_prefix: /sink
    group: sink
  - name: files
    path_prefix: /
    group: files
limits:
  max_body: 0
rules:
  dir: $REPO_DIR/rules
admin:
  enabled: false
YAML
launch_palisade || die "${PALISADE_SKIP:-palisade did not start}"

truncate -s "${SIZE_MIB}M" "$TMP/upload.bin"
log "download: GET /big (${SIZE_MIB} MiB) through Palisade ($PALISADE_JAVA_OPTS)"
down=$(timeout 600 curl -s -o /dev/null -w '%{http_code} %{size_download} %{speed_download}' \
    "http://127.0.0.1:$PALISADE_PORT/big" || echo "failed")
log "upload: POST /sink (${SIZE_MIB} MiB, Content-Length) through Palisade"
up=$(timeout 600 curl -s -o "$TMP/up.out" -w '%{http_code} %{size_upload} %{speed_upload}' \
    -H 'Content-Type: application/octet-stream' -T "$TMP/upload.bin" -X POST \
    "http://127.0.0.1:$PALISADE_PORT/sink/upload" || echo "failed")
hwm=$(vm_hwm_kib "$PALISADE_PID")
heap=$(jcmd "$PALISADE_PID" GC.heap_info 2>/dev/null | awk '/garbage-first heap|def new generation|PSYoungGen/ { print; exit }' || true)

printf '\n| direction | status | bytes | MB/s |\n| --- | --- | ---: | ---: |\n'
read -r s b r <<<"$down"
printf '| download | %s | %s | %.1f |\n' "$s" "${b:-0}" "$(awk -v r="${r:-0}" 'BEGIN { print r / 1e6 }')"
read -r s b r <<<"$up"
printf '| upload | %s | %s | %.1f |\n' "$s" "${b:-0}" "$(awk -v r="${r:-0}" 'BEGIN { print r / 1e6 }')"
printf '\nthe sink origin says: %s\n' "$(cat "$TMP/up.out" 2>/dev/null)"
printf 'palisade: %s, peak RSS (VmHWM) %s MiB; heap: %s\n' "$PALISADE_JAVA_OPTS" "$((${hwm:-0} / 1024))" "${heap:-n/a}"
