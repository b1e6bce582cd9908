#!/usr/bin/env python3
"""Medians per (variant, threads) of measure.sh's log; runs taken under a 1-minute load
average above MAX_LOAD (default 2) are left out unless no run of that pair is below it.
usage: summarize.py [MAX_LOAD] LOG...   (rounds are paired within one log)"""
import statistics, sys
max_load = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
logs = sys.argv[2:] or ["target/results.log"]
runs = {}
for n, log in enumerate(logs):
    for line in open(log):
        f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        if "variant" not in f:
            continue
        f["round"] = f"{n}:{f['round']}"
        runs.setdefault((f["variant"], int(f["threads"])), []).append(f)
cols = ["wall_s", "cpu_s", "user_s", "sys_s", "ctx_cpu_s", "render_cpu_s", "alloc_mb", "alloc_calls_k", "maxrss_kb", "peak_rss_render_mb", "load"]
print("| variant | threads | runs (load ≤ %g) | " % max_load + " | ".join(cols) + " |")
print("|---|---:|---:|" + "---:|" * len(cols))
for (v, t), rs in sorted(runs.items(), key=lambda x: (-x[0][1], x[0][0])):
    quiet = [r for r in rs if float(r["load"]) <= max_load]
    use = quiet if quiet else rs
    med = lambda k: statistics.median(float(r[k]) for r in use)
    cells = []
    for c in cols:
        x = med(c)
        cells.append("%.0f" % (x / 1024) + " MiB" if c == "maxrss_kb" else ("%.3g" % x if x < 100 else "%.0f" % x))
    print(f"| {v} | {t} | {len(use)}/{len(rs)}{'' if quiet else ' (all loaded)'} | " + " | ".join(cells) + " |")

# Paired ratios: each run's CPU seconds over t1-values' in the same round and thread count
# (runs of one round follow each other within a minute, so they share the machine's load).
pairs = {}
for (v, t), rs in runs.items():
    for r in rs:
        pairs.setdefault((r["round"], t), {})[v] = r
print()
print("| variant | threads | CPU ÷ t1-values, median of rounds (min–max) |")
print("|---|---:|---:|")
for (v, t) in sorted(runs, key=lambda x: (-x[1], x[0])):
    q = sorted(float(p[v]["cpu_s"]) / float(p["t1-values"]["cpu_s"])
               for (rd, tt), p in pairs.items() if tt == t and v in p and "t1-values" in p
               and float(p[v]["load"]) <= max_load and float(p["t1-values"]["load"]) <= max_load)
    if q:
        print(f"| {v} | {t} | {statistics.median(q):.2f} ({q[0]:.2f}–{q[-1]:.2f}, {len(q)} rounds) |")
