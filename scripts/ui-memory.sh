#!/usr/bin/env bash
# Memory of the terminal UI on a database, as /proc/PID/smaps_rollup reports it once every screen
# has its data: the heap and other private memory (Anonymous) apart from file pages mapped into the
# process (file-backed: the program itself; the UI's connections read the database by pread, not
# through a memory map, so its pages are in the heap only as far as SQLite's page caches hold
# them — 16 MiB for the UI's connection, 2 MiB for each background reader).
#
#   scripts/ui-memory.sh DB            (NOK=path/to/nok for another build)
set -euo pipefail
db=${1:?usage: scripts/ui-memory.sh DB}
cd "$(dirname "$0")/.."
bin=${NOK:-$PWD/target/release/nok}
s="nok-memory-$$"
tmux new-session -d -s "$s" -x 120 -y 40 "$bin --db '$db' --today 22.11.2026"
# Visit every screen, the organization list last; wait for its whole index (no «загрузка»).
for key in 1 3 4 2; do tmux send-keys -t "$s" "$key"; sleep 1; done
for _ in $(seq 600); do
  pane=$(tmux capture-pane -p -t "$s")
  grep -q "строка 1/" <<<"$pane" && ! grep -q "загрузка" <<<"$pane" && break
  sleep 0.1
done
pid=$(tmux list-panes -t "$s" -F '#{pane_pid}')
echo "процесс $pid: $(cat /proc/$pid/comm)"
awk '/^Rss|^Anonymous|^Pss_File|^Pss_Anon/ {printf "%-12s %8.1f МБ\n", $1, $2/1024}' "/proc/$pid/smaps_rollup"
tmux send-keys -t "$s" q; sleep 0.3; tmux kill-session -t "$s" 2>/dev/null || true
