#!/usr/bin/env bash
# Bounded connection flood and slowloris against a listener on loopback, and whether a normal client
# is still answered meanwhile. The driver is bench/Flood.java (run from source by the JDK).
#
#   bench/flood.sh                          start an origin and Palisade, then drive them
#   bench/flood.sh --against nginx          the same against nginx as reverse proxy (for comparison)
#   bench/flood.sh --target 127.0.0.1:8080  drive a listener that is already running
#
# Flood connections come from 127.0.0.2..127.0.0.25 (fewer with --sources), slowloris connections from 127.0.0.26..127.0.0.50,
# the normal client from 127.0.0.1. Counts and durations are capped in Flood.java; the target must be
# a loopback address. Every process started here is stopped by its PID on exit.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

AGAINST=palisade
TARGET=""
DRIVER_ARGS=()
LOG_TAG=flood

usage() {
    cat <<EOF
Usage: bench/flood.sh [options]

  --against NAME     palisade (default), nginx or haproxy: started here in front of an nginx origin
  --target H:P       drive an already running listener on a loopback address instead
  --no-build         do not run 'mvn package' (palisade only)
  --jar PATH         Palisade jar (default target/palisade.jar)
  --keep-tmp         keep the temporary directory with configs and logs
Driver options (passed to bench/Flood.java):
  --flood N          idle connections (default 2000, at most 100000)
  --rate N           flood connections opened per second (default 0: as fast as possible)
  --sources N        flood source addresses from 127.0.0.2 on, 1..24 (default 24)
  --hold S           seconds each flood connection is held before the driver resets it (default 5)
  --slowloris N      slowloris connections (default 200, at most 5000)
  --interval S       seconds between the slowloris header lines (default 1)
  --duration S       longest slowloris phase in seconds (default 20, at most 120)
  --path P           request path (default /small.txt when started here, / with --target)
EOF
}

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_defaults "-Xms512m -Xmx512m"

PATH_SET=0
while (($#)); do
    case "$1" in
        --against) AGAINST=${2:-}; shift 2 ;;
        --target) TARGET=${2:-}; shift 2 ;;
        --no-build|--jar|--keep-tmp) common_option "$@"; shift "$SHIFT_BY" ;;
        --flood|--rate|--sources|--hold|--slowloris|--interval|--duration) DRIVER_ARGS+=("$1" "${2:-}"); shift 2 ;;
        --path) DRIVER_ARGS+=("$1" "${2:-}"); PATH_SET=1; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done

if [[ -n $TARGET ]]; then
    AGAINST="the given listener"
    [[ $TARGET =~ ^(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost):[0-9]+$ ]] ||
        die "--target must be a loopback address with a port, like 127.0.0.1:8080"
else
    case "$AGAINST" in
        palisade|nginx|haproxy) ;;
        *) die "--against takes palisade, nginx or haproxy" ;;
    esac
    setup_env
    [[ $AGAINST == palisade ]] && build_palisade
    start_origin
    case "$AGAINST" in
        palisade) start_palisade || die "palisade is not available: $PALISADE_SKIP"; TARGET=127.0.0.1:$PALISADE_PORT ;;
        nginx) start_nginx_proxy; TARGET=127.0.0.1:$NGINX_PORT ;;
        haproxy) start_haproxy; TARGET=127.0.0.1:$HAPROXY_PORT ;;
    esac
    ((PATH_SET)) || DRIVER_ARGS+=(--path "$SMALL_PATH")
fi

log "driving $TARGET ($AGAINST)"
# The driver bounds itself; timeout is the backstop.
timeout 400 java -Xmx256m "$BENCH_DIR/Flood.java" --target "$TARGET" "${DRIVER_ARGS[@]}"

if [[ -n ${PALISADE_PID:-} && $AGAINST == palisade ]]; then
    if alive "$PALISADE_PID"; then
        echo "palisade: still running, peak RSS $(awk '/^VmHWM:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$PALISADE_PID/status")"
    else
        echo "palisade: NOT RUNNING after the flood; last lines of its output:"
        tail -n 20 "$TMP/palisade/palisade.log" | sed 's/^/    /'
    fi
fi
