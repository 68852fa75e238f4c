#!/usr/bin/env bash
# Start-up of the terminal UI as a person sees it: for each screen, starts `nok` cold (a new
# process) in a fresh tmux session of 120×40, presses the screen's key at once (as a person who
# knows where they go), and polls the pane's text every 5 ms until the screen's data is on it:
#
#   Сводка       «Оценено организаций:»          (the summary's figures)
#   Организации  «строка 1/» and «сортировка»    (the first page of rows, sorted, with S, place, plan)
#   Рейтинг      «строка 1/» and «цикл»          (the ranking of a cycle)
#   Планы        «строка 1/» and «фильтр»        (the plan rows)
#
# Prints each run, then the median and the worst per screen, and the load average before and
# after. With COLD=1 the database file's pages are dropped from the page cache before each run
# (posix_fadvise DONTNEED on the file and its -wal; nothing else is evicted).
#
#   scripts/tmux-startup.sh DB [RUNS]            (builds target/release/nok first if missing)
#   COLD=1 scripts/tmux-startup.sh DB 5
#   NOK=path/to/nok scripts/tmux-startup.sh DB   (another build)
set -euo pipefail
db=${1:?usage: scripts/tmux-startup.sh DB [RUNS]}
runs=${2:-7}
cd "$(dirname "$0")/.."
if [ -z "${NOK:-}" ]; then
  [ -x target/release/nok ] || cargo build --release --quiet --bin nok
  bin=$PWD/target/release/nok
else
  bin=$NOK
fi
command -v tmux >/dev/null || { echo "нужен tmux (apt-get install tmux)" >&2; exit 1; }
[ -f "$db" ] || { echo "нет базы $db" >&2; exit 1; }

now_ms() { date +%s%3N; }
drop_cache() {
  python3 - "$@" <<'EOF'
import os, sys
for p in sys.argv[1:]:
    if os.path.exists(p):
        fd = os.open(p, os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
EOF
}

# screen title, key, then the texts that must all be on the pane
screens=(
  "Первый кадр|-|Сводка|Организации"
  "Сводка|1|Оценено организаций:|Итоги"
  "Организации|2|строка 1/|сортировка"
  "Рейтинг|3|строка 1/|цикл"
  "Планы|4|строка 1/|фильтр"
)

# One warm-up start (migrations, if any, and the page cache when warm runs are wanted).
"$bin" --db "$db" cycles >/dev/null 2>&1 || true

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A times
for entry in "${screens[@]}"; do
  IFS='|' read -r title key want1 want2 <<<"$entry"
  times[$title]=""
  for i in $(seq "$runs"); do
    [ "${COLD:-0}" = 1 ] && drop_cache "$db" "$db-wal"
    s="nok-startup-$$-$i"
    t0=$(now_ms)
    tmux new-session -d -s "$s" -x 120 -y 40 "$bin --db '$db' --today 22.11.2026"
    [ "$key" = - ] || tmux send-keys -t "$s" "$key"
    t=""
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
    tmux send-keys -t "$s" q
    sleep 0.2
    tmux kill-session -t "$s" 2>/dev/null || true
    times[$title]+="$t "
    echo "$title, запуск $i: данные на экране через $t мс"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

stats() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {printf "медиана %d мс, худший %d мс", a[int((NR+1)/2)], a[NR]}'; }
echo "--- $( [ "${COLD:-0}" = 1 ] && echo 'холодный кэш страниц' || echo 'теплый кэш страниц'), $runs запусков на экран, $(basename "$db")"
for entry in "${screens[@]}"; do
  title=${entry%%|*}
  echo "$title: $(stats "${times[$title]}")"
done
echo "load average до: $load_before, после: $load_after ($(nproc) ядра)"
