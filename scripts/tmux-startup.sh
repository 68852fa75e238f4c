#!/usr/bin/env bash
# Real start-up of the terminal UI, as a person sees it: starts `nok` in a fresh tmux session and
# polls the pane until the first frame (the tab bar) is on screen, then until the organization list
# has its data. Prints each run and the medians.
#
#   scripts/tmux-startup.sh DB [RUNS]        (builds target/release/nok first if missing)
set -euo pipefail
db=${1:?usage: scripts/tmux-startup.sh DB [RUNS]}
runs=${2:-7}
cd "$(dirname "$0")/.."
[ -x target/release/nok ] || cargo build --release --quiet
bin=$PWD/target/release/nok
command -v tmux >/dev/null || { echo "нужен tmux (apt-get install tmux)" >&2; exit 1; }

now_ms() { date +%s%3N; }
first=(); ready=()
for i in $(seq "$runs"); do
  s="nok-startup-$$-$i"
  t0=$(now_ms)
  tmux new-session -d -s "$s" -x 120 -y 40 "$bin --db '$db' --today 22.11.2026"
  t1=""
  while true; do
    pane=$(tmux capture-pane -p -t "$s" 2>/dev/null || true)
    if [ -z "$t1" ] && grep -q "1 Сводка" <<<"$pane"; then
      t1=$(now_ms)
      # Go to the organization list; it shows «строка 1/N» once the index is loaded.
      tmux send-keys -t "$s" 2
    fi
    if [ -n "$t1" ] && grep -q "строка 1/" <<<"$pane"; then
      t2=$(now_ms); break
    fi
    if [ $(( $(now_ms) - t0 )) -gt 60000 ]; then echo "нет кадра за 60 с" >&2; tmux kill-session -t "$s"; exit 1; fi
    sleep 0.005
  done
  tmux send-keys -t "$s" q
  sleep 0.2
  tmux kill-session -t "$s" 2>/dev/null || true
  first+=($((t1 - t0))); ready+=($((t2 - t0)))
  echo "запуск $i: первый кадр $((t1 - t0)) мс, список организаций $((t2 - t0)) мс"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "медиана: первый кадр $(median "${first[@]}") мс, список организаций $(median "${ready[@]}") мс ($runs запусков)"
