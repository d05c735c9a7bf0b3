#!/usr/bin/env bash
# Longer coverage-guided fuzz runs (Jazzer under JUnit) than the 10 s one of `mvn verify`: each parser's
# own @FuzzTest fuzzes for its maxDuration (2 minutes) in its own JVM, one after another.
#
#   bench/fuzz.sh                      all five targets (about 12 minutes)
#   bench/fuzz.sh RequestPathFuzzTest  one or more targets by class name
#
# A finding stops that target and is written as crash-HASH into the target's inputs directory under
# src/test/resources/, where every later test run replays it: fix the bug, give the file a name that
# says what it is, and commit it. The corpus grown meanwhile is kept in .cifuzz-corpus/ (git-ignored),
# so a second run starts where the first stopped.
set -euo pipefail
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(RequestPathFuzzTest ConfigFuzzTest RuleTextFuzzTest DetectorFuzzTest PemFuzzTest)
cd "$REPO_DIR"
mvn -q -B -o test-compile
rc=0
for t in "${TARGETS[@]}"; do
    [[ $t =~ ^[A-Za-z]+FuzzTest$ ]] || { echo "fuzz: '$t' is not a fuzz test class name" >&2; exit 2; }
    echo "fuzz: $t"
    if ! mvn -B -o surefire:test@fuzz -Dfuzz.test="$t" >"target/fuzz-$t.log" 2>&1; then
        rc=1
        echo "fuzz: $t FAILED; see target/fuzz-$t.log and the crash-* file it names" >&2
    fi
    grep -E '^#[0-9]+ +DONE|Test unit written' "target/fuzz-$t.log" | sed "s/^/  /" || true
done
exit $rc
