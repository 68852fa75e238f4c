#!/usr/bin/env bash
# Times `nok import orgs` of FILE into a new working database, as a ministry's first load:
#   scripts/import-orgs-load.sh NOK FILE [RUNS] [--dry-run]
# NOK is the binary to time (copy builds to compare into /dev/shm and alternate them), FILE an
# organizations file (the bench's: NOK_BENCH_ROWS=100000 NOK_BENCH_WRITE=FILE
# target/release/deps/import-…; shuffled as real files come: (head -1 F; tail -n +2 F | shuf) > G).
# Each run: `nok init` of a new database in a temporary folder, then /usr/bin/time of the import;
# prints wall, user and system seconds, peak memory and the load average before the run. The
# databases go to $TMPDIR (default /tmp): TMPDIR=/dev/shm keeps the disk out of the figures, as the
# import sections of BENCHMARKS.md measured since session 11.
set -euo pipefail
nok=${1:?"нужен путь к nok"}
file=${2:?"нужен файл организаций"}
runs=${3:-3}
shift $(( $# >= 3 ? 3 : 2 ))
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for _ in $(seq "$runs"); do
    db="$dir/w.sqlite"
    rm -f "$db" "$db-wal" "$db-shm"
    "$nok" --db "$db" init --name "Комитет по тестам" --short-name "КТ" \
        --region "Санкт-Петербург" --sector social --inn 7842000004 --kpp 784201001 \
        --ogrn 1027809244561 --reg-num 12345678 >/dev/null
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e с, user %U с, sys %S с, пик %M КБ, load $load" \
        "$nok" --db "$db" import orgs "$file" "$@" 2>&1 >/dev/null | tail -1
done
