#!/usr/bin/env bash
# Detection against attack tools and payload lists the project does not ship, on loopback:
#
#   payloads  every payload of the lists that come with Debian's wfuzz and wapiti packages, sent in a query
#             argument and in a form body through Palisade (shipped rules, block mode): share refused per list
#   sqlmap    sqlmap against a deliberately injectable page (bench/vuln_origin.py), directly and through
#             Palisade: does it still find the injection, and how many of its requests were refused
#   wapiti    wapiti's sql, xss, exec, file and crlf modules over the same site, directly and through
#             Palisade: findings each way
#
# The origin is vulnerable on purpose and listens on 127.0.0.1 only; its command and file pages only
# pretend (nothing is executed or read). Tools missing are installed from Debian when root.
# A benchmark, not a test: it prints figures and never fails on a finding. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

ONLY="payloads,sqlmap,wapiti"
TOOL_TIME=240
# The tools run with a browser's User-Agent: their own (sqlmap/1.7, wapiti) is refused by the scanner
# rule at once, which would hide what the injection rules do. The scanner rule is measured by the corpus.
BROWSER_UA="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
# sqlmap tamper scripts that rewrite payloads to slip past WAFs: comments for spaces, random case,
# BETWEEN for comparisons; then Unicode percent-escapes, MySQL versioned comments and plus for spaces
TAMPER1=space2comment,randomcase,between
TAMPER2=charunicodeencode,versionedmorekeywords,space2plus
LOG_TAG=attacks

usage() {
    cat <<EOF
Usage: bench/attacks.sh [options]

  --only LIST        payloads, sqlmap, wapiti, comma separated (default: all)
  --tool-time N      seconds each sqlmap or wapiti run may take at most (default $TOOL_TIME)
  --no-build         do not run 'mvn package'; use the existing jar
  --jar PATH         Palisade jar (default target/palisade.jar)
  --keep-tmp         keep the temporary directory (configs, logs, tool output)
  -h, --help         this help
EOF
}

# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
bench_defaults "-Xms256m -Xmx256m"

while (($#)); do
    case "$1" in
        --only) ONLY=${2:-}; shift 2 ;;
        --tool-time) TOOL_TIME=${2:-}; shift 2 ;;
        --no-build|--jar|--keep-tmp) common_option "$@"; shift "$SHIFT_BY" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
[[ $TOOL_TIME =~ ^[0-9]+$ ]] && ((TOOL_TIME >= 10 && TOOL_TIME <= 1800)) || die "--tool-time must be 10..1800"
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

ensure_attack_tools() {
    local pkgs=()
    command -v python3 >/dev/null || pkgs+=(python3)
    if wants sqlmap && ! command -v sqlmap >/dev/null; then pkgs+=(sqlmap); fi
    # wapiti for its scan and, like wfuzz, for the payload lists it installs
    if { wants wapiti || wants payloads; } && ! command -v wapiti >/dev/null; then pkgs+=(wapiti); fi
    if wants payloads && [[ ! -d /usr/share/wfuzz/wordlist ]]; then pkgs+=(wfuzz); fi
    ((${#pkgs[@]})) || return 0
    [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null || die "install first: apt-get install ${pkgs[*]}"
    log "installing ${pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null || die "apt-get install ${pkgs[*]} failed"
}

ensure_attack_tools
TMP=$(mktemp -d /tmp/palisade-attacks.XXXXXX)
build_palisade
[[ -z ${PALISADE_SKIP:-} && -f $JAR ]] || die "palisade is not available: ${PALISADE_SKIP:-$JAR is missing}"

free_port ORIGIN_PORT
python3 "$BENCH_DIR/vuln_origin.py" "$ORIGIN_PORT" >"$TMP/origin.log" 2>&1 &
ORIGIN_PID=$!
PIDS+=("$ORIGIN_PID")
wait_ready origin "$ORIGIN_PID" "$ORIGIN_PORT" 20 || die "the vulnerable origin did not start"

free_port PALISADE_PORT
mkdir -p "$TMP/palisade"
cat >"$TMP/palisade/palisade.yaml" <<YAML
listeners:
  - name: http
    bind: 127.0.0.1:$PALISADE_PORT
origins:
  origin:
    servers: [127.0.0.1:$ORIGIN_PORT]
rules:
  dir: $REPO_DIR/rules
  mode: block
admin:
  enabled: false
log:
  access: $TMP/palisade/access.log
  security: $TMP/palisade/security.log
guard:
  gate:
    max_connections_per_address: 20000
    new_connections_per_second: 200000
    new_connections_burst: 400000
YAML
launch_palisade || die "palisade did not start: $PALISADE_SKIP"

# Refused and total requests in Palisade's access log since line $1
refusals_since() {
    tail -n +"$(($1 + 1))" "$TMP/palisade/access.log" |
        awk '{ n++ } /"status":(400|403|405|406|413|414|431)[,}]/ { r++ } END { printf "%d of %d", r + 0, n + 0 }'
}
access_lines() { wc -l <"$TMP/palisade/access.log" 2>/dev/null || echo 0; }
security_lines() { wc -l <"$TMP/palisade/security.log" 2>/dev/null || echo 0; }
# The rules that refused requests since line $1 of the security log, most frequent first
rules_since() {
    tail -n +"$(($1 + 1))" "$TMP/palisade/security.log" | grep -o '"rule":"[^"]*"' | cut -d'"' -f4 |
        sort | uniq -c | sort -rn | head -8 | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }'
}

if wants payloads; then
    log "payload lists through palisade (127.0.0.1:$PALISADE_PORT)"
    echo
    echo "## Payload lists of wfuzz and wapiti through Palisade (refused: 400 or 403)"
    echo
    python3 "$BENCH_DIR/replay_payloads.py" "$PALISADE_PORT"
fi

SQLMAP_RESULT=()
if wants sqlmap; then
    # direct, through Palisade, and through Palisade with sqlmap's WAF-evasion tampers
    for run in direct palisade "palisade:$TAMPER1" "palisade:$TAMPER2"; do
        via=${run%%:*}; tamper=""; [[ $run == *:* ]] && tamper=${run#*:}
        port=$ORIGIN_PORT; [[ $via == palisade ]] && port=$PALISADE_PORT
        before=$(access_lines)
        sbefore=$(security_lines)
        log "sqlmap $via ${tamper:+tamper $tamper }(at most ${TOOL_TIME}s)"
        timeout "$TOOL_TIME" sqlmap -u "http://127.0.0.1:$port/item?id=1" --batch --level 3 --risk 2 \
            --user-agent "$BROWSER_UA" --technique BEUST --time-sec 2 --timeout 5 --retries 0 --flush-session --disable-coloring \
            ${tamper:+--tamper "$tamper"} --output-dir "$TMP/sqlmap-$run" >"$TMP/sqlmap-$run.log" 2>&1 || true
        found=no
        grep -q "identified the following injection point" "$TMP/sqlmap-$run.log" && found=yes
        refused="-"; [[ $via == palisade ]] && refused="$(refusals_since "$before") (rules: $(rules_since "$sbefore"))"
        SQLMAP_RESULT+=("$(printf '%-70s injection found: %-4s requests refused: %s' "$via${tamper:+ (tamper $tamper)}" "$found" "$refused")")
    done
    echo
    echo "## sqlmap --level 3 --risk 2 against /item?id=1 (SQLite, error, boolean, union, stacked, time)"
    echo
    printf '%s\n' "${SQLMAP_RESULT[@]}"
fi

if wants wapiti; then
    echo
    echo "## wapiti, modules sql, xss, exec, file, crlf, over the site"
    echo
    for via in direct palisade; do
        port=$ORIGIN_PORT; [[ $via == palisade ]] && port=$PALISADE_PORT
        before=$(access_lines)
        sbefore=$(security_lines)
        log "wapiti $via (at most ${TOOL_TIME}s)"
        timeout "$((TOOL_TIME + 30))" wapiti -u "http://127.0.0.1:$port/" -m sql,xss,exec,file,crlf --flush-session -A "$BROWSER_UA" \
            --max-scan-time "$TOOL_TIME" --scope folder -f json -o "$TMP/wapiti-$via.json" \
            --store-session "$TMP/wapiti-session-$via" >"$TMP/wapiti-$via.log" 2>&1 || true
        refused="-"; [[ $via == palisade ]] && refused="$(refusals_since "$before") (rules: $(rules_since "$sbefore"))"
        python3 - "$TMP/wapiti-$via.json" "$via" "$refused" <<'PY'
import json, sys
path, via, refused = sys.argv[1:4]
try:
    with open(path) as f:
        report = json.load(f)
except (OSError, ValueError):
    print("%-10s no report (see the wapiti log)" % via)
    sys.exit(0)
found = {k: len(v) for k, v in report.get("vulnerabilities", {}).items() if v}
total = sum(found.values())
detail = ", ".join("%s %d" % kv for kv in sorted(found.items())) or "none"
print("%-10s findings: %3d (%s)   requests refused: %s" % (via, total, detail, refused))
PY
    done
fi
