#!/usr/bin/env bash
# `nok` side by side with a generic terminal data browser, in one run: the time from start to the
# first rows on screen, as a person sees it in tmux at 120×40.
#
# The organizations of the database are written once to a CSV (UTF-8, `,`, a header; the same
# columns as the organization card's identity); then, taking turns run by run, so that both see the
# same load and the same page cache:
#
#   VisiData     `vd FILE.csv`          until the first organization's ИНН is on the pane
#   Сводка       `nok --db DB`          until «Оценено организаций:» and «Итоги»
#   Организации  `nok --db DB`, key 2   until «строка 1/» and «сортировка»
#
# Prints each run, the median and the worst per program, and the load average before and after.
#
#   scripts/startup-vs-visidata.sh DB [RUNS]        (RUNS defaults to 7)
#   VD=/path/to/vd NOK=path/to/nok scripts/startup-vs-visidata.sh DB
#
# VisiData: `pip install visidata` (the figures in BENCHMARKS.md are of VisiData 3.4 in a venv).
set -euo pipefail
db=${1:?usage: scripts/startup-vs-visidata.sh DB [RUNS]}
runs=${2:-7}
cd "$(dirname "$0")/.."
if [ -z "${NOK:-}" ]; then
  [ -x target/release/nok ] || cargo build --release --quiet --bin nok
  bin=$PWD/target/release/nok
else
  bin=$NOK
fi
vd=${VD:-$(command -v vd || true)}
[ -n "$vd" ] || { echo "нужен VisiData: pip install visidata (или VD=путь)" >&2; exit 1; }
command -v tmux >/dev/null || { echo "нужен tmux (apt-get install tmux)" >&2; exit 1; }
[ -f "$db" ] || { echo "нет базы $db" >&2; exit 1; }

# One warm-up start of nok (migrations, if any, and the page cache).
"$bin" --db "$db" cycles >/dev/null 2>&1 || true

csv=${CSV:-${TMPDIR:-/tmp}/nok-orgs-$(basename "$db").csv}
first_inn=$(python3 - "$db" "$csv" <<'EOF'
import csv, sqlite3, sys
db, out = sys.argv[1], sys.argv[2]
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
rows = con.execute(
    "SELECT id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region, oktmo, address, website "
    "FROM organization ORDER BY id")
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "full_name", "short_name", "inn", "kpp", "ogrn", "reg_num", "sector", "region",
                "oktmo", "address", "website"])
    first = None
    n = 0
    for r in rows:
        w.writerow(r)
        first = first or r[3]
        n += 1
print(first)
print(n, file=sys.stderr)
EOF
)
echo "CSV: $csv ($(wc -l <"$csv") строк с заголовком, $(du -h "$csv" | cut -f1)); первая ИНН $first_inn"

now_ms() { date +%s%3N; }
# program title | command | key ('-' for none) | texts that must all be on the pane
entries=(
  "VisiData|$vd '$csv'|-|$first_inn|inn"
  "nok: Сводка|$bin --db '$db' --today 22.11.2026|-|Оценено организаций:|Итоги"
  "nok: Организации|$bin --db '$db' --today 22.11.2026|2|строка 1/|сортировка"
)

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A times
for entry in "${entries[@]}"; do times[${entry%%|*}]=""; done
for i in $(seq "$runs"); do
  for entry in "${entries[@]}"; do
    IFS='|' read -r title cmd key want1 want2 <<<"$entry"
    s="nok-vs-$$-$i"
    t0=$(now_ms)
    tmux new-session -d -s "$s" -x 120 -y 40 "$cmd"
    [ "$key" = - ] || tmux send-keys -t "$s" "$key"
    while true; do
      pane=$(tmux capture-pane -p -t "$s" 2>/dev/null || true)
      if grep -qF "$want1" <<<"$pane" && grep -qF "$want2" <<<"$pane"; then
        t=$(( $(now_ms) - t0 )); break
      fi
      if [ $(( $(now_ms) - t0 )) -gt 60000 ]; then
        echo "$title: нет данных за 60 с" >&2; echo "$pane" >&2
        tmux kill-session -t "$s" 2>/dev/null || true; exit 1
      fi
      sleep 0.005
    done
    tmux kill-session -t "$s" 2>/dev/null || true
    sleep 0.3
    times[$title]+="$t "
    echo "$title, запуск $i: первые строки через $t мс"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

stats() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {printf "медиана %d мс, худший %d мс", a[int((NR+1)/2)], a[NR]}'; }
echo "--- теплый кэш страниц, $runs запусков, $(basename "$db")"
for entry in "${entries[@]}"; do
  title=${entry%%|*}
  echo "$title: $(stats "${times[$title]}")"
done
echo "load average до: $load_before, после: $load_after ($(nproc) ядра)"
