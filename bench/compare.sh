#!/bin/bash
# Times snnc's reference simulator against Brian2 on the same machine, in the
# same session: runs ../shared/bench/peer-bench (Brian2 2.5: C++ standalone
# with 1 and 2 threads, Cython runtime) and `snnc run testdata/NET.snn`, and
# prints both times and the ratios.
#
# Usage: bench/compare.sh [cobahh|cuba|all] [RUNS]   (default: cobahh, 3 snnc runs; best is kept)
# Needs Go; peer-bench installs Debian's python3-brian on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-cobahh}
runs=${2:-3}
peer=../shared/bench/peer-bench
[ -x "$peer" ] || { echo "compare.sh: $peer not found (run from the repo, with ../shared beside it)" >&2; exit 1; }

bin=$(mktemp -d)/snnc
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/snnc

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
for net in cobahh cuba; do
  [ "$which" = all ] || [ "$which" = "$net" ] || continue
  echo "== $net"
  peer_out=$("$peer" "$net")
  echo "$peer_out" | sed 's/^/brian2  /'
  # snnc: best of $runs; "sim" is the simulation loop (summary's wall time),
  # "total" the whole process (parse, check, instantiate, simulate).
  best_sim=""; best_total=""
  for _ in $(seq "$runs"); do
    t0=$(date +%s.%N)
    out=$("$bin" run "testdata/$net.snn" 2>&1)
    t1=$(date +%s.%N)
    sim=$(echo "$out" | sed -n 's/.*wall time \([0-9.]*\) \(m*s\).*/\1 \2/p' | awk '{print ($2 == "ms") ? $1 / 1000 : $1}')
    total=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')
    best_sim=$(awk -v a="$sim" -v b="${best_sim:-1e99}" 'BEGIN{print (a < b) ? a : b}')
    best_total=$(awk -v a="$total" -v b="${best_total:-1e99}" 'BEGIN{print (a < b) ? a : b}')
  done
  echo "$out" | sed -n '/population/,$p' | sed 's/^/snnc    /'
  printf 'snnc    run testdata/%s.snn: sim %.3f s, total %.3f s (best of %d)\n' "$net" "$best_sim" "$best_total" "$runs"
  cy=$(echo "$peer_out" | awk '/runtime --target cython/ {for(i=1;i<=NF;i++) if ($i ~ /^run_s=/) {sub("run_s=","",$i); print $i}}')
  cpp1=$(echo "$peer_out" | awk '/--threads 0/ {for(i=1;i<=NF;i++) if ($i ~ /^run_s=/) {sub("run_s=","",$i); print $i}}')
  cpp2=$(echo "$peer_out" | awk '/--threads 2/ {for(i=1;i<=NF;i++) if ($i ~ /^run_s=/) {sub("run_s=","",$i); print $i}}')
  ratio() { if [ -n "$1" ]; then awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; else printf 'n/a'; fi; }
  echo "ratio   Brian2 Cython / snnc sim = $(ratio "$cy" "$best_sim")   (> 1: snnc is faster)"
  echo "ratio   Brian2 C++ 1 thread / snnc sim = $(ratio "$cpp1" "$best_sim"),  C++ 2 threads / snnc sim = $(ratio "$cpp2" "$best_sim")"
done
