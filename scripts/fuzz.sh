#!/usr/bin/env bash
# Builds the libFuzzer targets in the sanitizer tree (cmake --preset asan: clang, ASan + UBSan,
# coverage instrumentation; CI has built them already with the sanitizer suite) and runs each for
# SECONDS (default 30), two at a time, on a scratch copy of its seed corpus. Fails on any crash,
# leak, timeout or sanitizer report; the failing input is left in build/asan/findings/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
[ -f build/asan/CMakeCache.txt ] || cmake --preset asan >/dev/null
cmake --build --preset asan --target experiment_fuzz csv_fuzz state_fuzz weights_fuzz checkpoint_fuzz h5_weights_fuzz
work=build/asan/findings
rm -rf "$work"
dicts=$PWD/fuzz/dict
run() {
  local t=$1 dict
  case $t in state|weights) dict=tensor ;; *) dict=$t ;; esac
  mkdir -p "$work/$t/corpus"
  cp fuzz/corpus/"$t"/* "$work/$t/corpus/"
  if ! (cd "$work/$t" && ../../fuzz/"${t}"_fuzz corpus -dict="$dicts/$dict.dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 > log.txt 2>&1); then
    echo "fuzz: $t FAILED; see $work/$t/log.txt"
    tail -40 "$work/$t/log.txt"
    return 1
  fi
  echo "fuzz: $t ok ($(grep -Eo 'Done [0-9]+ runs' "$work/$t/log.txt"))"
}
status=0
run experiment & a=$!
run csv & b=$!
wait $a || status=1
wait $b || status=1
run state & a=$!
run weights & b=$!
wait $a || status=1
wait $b || status=1
run checkpoint & a=$!
run h5_weights & b=$!
wait $a || status=1
wait $b || status=1
exit $status
