#!/bin/sh
# Measured runs: ROUNDS rounds, each running every variant on 2 threads and on 1 thread
# (alternating, so a load spike hits all variants alike). One line per run in LOG:
# the 1-minute load average before the run, the program's figures, and /usr/bin/time's.
# usage: ./measure.sh [ROUNDS] [LOG]   (corpus: target/corpus, see RESULTS.md)
set -e
cd "$(dirname "$0")"
rounds=${1:-3}
log=${2:-target/results.log}
bin=target/release/tera2-compare
[ -x "$bin" ] || cargo build --release
for r in $(seq "$rounds"); do
  for t in 2 1; do
    for v in t1-values t1-typed t2-shared t2-typed t2-hybrid; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      line=$(/usr/bin/time -f "time_wall_s=%e time_user_s=%U time_sys_s=%S maxrss_kb=%M" "$bin" "$v" "$t" 2>&1 | tr '\n' ' ')
      echo "$(date -u +%FT%TZ) round=$r load=$load $line" | tee -a "$log"
    done
  done
done
