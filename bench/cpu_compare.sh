#!/bin/bash
# Times snnc's CPU backend (backend/cpu: the network compiled through LLVM to
# a native program) against Brian2 on the same machine, in the same session:
# runs ../shared/bench/peer-bench (Brian2 2.5 C++ standalone with 1 and 2
# threads, Cython runtime; installs Debian's python3-brian on first use and
# takes a few minutes), then compiles testdata/NET.snn with
# `snnc compile --target cpu` and runs the program with 1 and 2 threads, and
# prints both sides and the ratios.
#
# Usage: bench/cpu_compare.sh [cobahh|cuba|all] [RUNS] [EXP]
#   (default: cobahh, best of 5 snnc runs, exp implementation fast)
#
# Times compared: Brian2's run_s (the network run loop measured inside its
# binary) against the program's step loop (measured inside it, -v), and
# snnc's compile-to-binary time (snnc + opt + llc + cc, wall) against the
# goal of 2 s. A benchmark, not a test: the machine's load moves every
# number, so both sides run here, now, and the load is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-cobahh}
runs=${2:-5}
exp=${3:-fast}
peer=../shared/bench/peer-bench
[ -x "$peer" ] || { echo "cpu_compare.sh: $peer not found (run from the repo, with ../shared beside it)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/snnc" ./cmd/snnc

field() { awk -v k="$1" '{for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) {sub(k "=", "", $i); print $i}}'; }
minof() { awk -v a="$1" -v b="${2:-1e99}" 'BEGIN{print (a < b) ? a : b}'; }
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; else printf 'n/a'; fi; }
now() { date +%s.%N; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "tools:   $(/usr/lib/llvm-14/bin/opt --version 2>/dev/null | grep -m1 -o 'LLVM version [0-9.]*' || echo 'opt ?'), $(cc --version | head -1)"
for net in cobahh cuba; do
  [ "$which" = all ] || [ "$which" = "$net" ] || continue
  echo "== $net"
  peer_out=$("$peer" "$net")
  echo "$peer_out" | sed 's/^/brian2  /'
  cpp1=$(echo "$peer_out" | grep -e '--threads 0' | field run_s)
  cpp2=$(echo "$peer_out" | grep -e '--threads 2' | field run_s)
  cy=$(echo "$peer_out" | grep -e '--target cython' | field run_s)

  # Compile to a binary: snnc (parse, check, instantiate, emit) + opt + llc + cc.
  best_compile=""
  for _ in $(seq "$runs"); do
    t0=$(now)
    "$tmp/snnc" compile --target cpu --exp "$exp" "testdata/$net.snn" -o "$tmp/$net"
    t1=$(now)
    best_compile=$(minof "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')" "$best_compile")
  done

  # The step loop with 1 and 2 threads, best of $runs; runs interleaved.
  best1=""; best2=""; wall1=""; wall2=""
  for _ in $(seq "$runs"); do
    for t in 1 2; do
      t0=$(now)
      out=$("$tmp/$net" -t "$t" -v -o "$tmp/$net.result" 2>&1 >/dev/null)
      t1=$(now)
      loop=$(echo "$out" | field loop_ns | awk '{print $1 / 1e9}')
      wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')
      if [ "$t" = 1 ]; then best1=$(minof "$loop" "$best1"); wall1=$(minof "$wall" "$wall1")
      else best2=$(minof "$loop" "$best2"); wall2=$(minof "$wall" "$wall2"); fi
    done
  done
  "$tmp/snnc" run --backend cpu --exp "$exp" "testdata/$net.snn" | sed -n '/population/,$p' | sed 's/^/snnc    /'
  printf 'snnc    cpu --exp %s: step loop %.3f s (1 thread), %.3f s (2 threads); whole program %.3f s, %.3f s; compile to binary %.2f s (best of %d)\n' \
    "$exp" "$best1" "$best2" "$wall1" "$wall2" "$best_compile" "$runs"
  if [ "$net" = cobahh ]; then goal1=">= 2"; goal2=">= 1.8"; else goal1=">= 1 (no slower)"; goal2="none"; fi
  echo "ratio   Brian2 C++ 1 thread / snnc 1 thread   = $(ratio "$cpp1" "$best1")   (goal: $goal1)"
  echo "ratio   Brian2 C++ 2 threads / snnc 2 threads = $(ratio "$cpp2" "$best2")   (goal: $goal2)"
  echo "ratio   Brian2 Cython / snnc 1 thread         = $(ratio "$cy" "$best1")"
  echo "compile snnc + opt + llc + cc = $(printf '%.2f' "$best_compile") s   (goal: < 2 s)"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
