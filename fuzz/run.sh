#!/usr/bin/env bash
# Reruns the proptest fuzzers (tests/fuzz_*.rs) with a bigger budget than CI's.
#
#   fuzz/run.sh            100,000 cases per property, every fuzzer
#   fuzz/run.sh 1000000    a million cases
#   fuzz/run.sh 20000 csv  only tests/fuzz_csv.rs
#
# Optimized build (the parser runs ~20x faster than in a debug build). A failing case is shrunk,
# printed, and its seed appended to fuzz/regressions/<fuzzer>.txt; commit that file so every
# later run (CI included) replays it first.
set -euo pipefail
cd "$(dirname "$0")/.."

cases="${1:-100000}"
only="${2:-}"
targets=()
for f in tests/fuzz_*.rs; do
    name="$(basename "$f" .rs)"
    if [[ -z "$only" || "$name" == "fuzz_$only" || "$name" == "$only" ]]; then
        targets+=(--test "$name")
    fi
done
if [[ ${#targets[@]} -eq 0 ]]; then
    echo "нет такого фаззера: $only (есть: $(ls tests/fuzz_*.rs | xargs -n1 basename | sed 's/\.rs$//' | tr '\n' ' '))" >&2
    exit 2
fi

echo "PROPTEST_CASES=$cases: ${targets[*]}"
start=$(date +%s)
PROPTEST_CASES="$cases" cargo test --release "${targets[@]}" -- --test-threads=1
echo "готово за $(( $(date +%s) - start )) с; новые случаи (если были): fuzz/regressions/"
