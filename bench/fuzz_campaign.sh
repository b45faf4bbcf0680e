#!/usr/bin/env bash
# Long fuzzing campaigns with the harnesses of tests/fuzz/ (the test suite
# runs each for seconds only). Builds them with clang, libFuzzer, ASan and
# UBSan in build-fuzz/ (as tests/run.sh does), runs each harness at nice 19
# for a number of executions or seconds, and prints per harness the
# executions, the rate and what it found.
#
#   bench/fuzz_campaign.sh [--runs N | --seconds S] [--jobs J] [HARNESS...]
#
# Defaults: 10 million executions of every harness (video_io, api,
# h264_params), one at a time. --jobs J runs J harnesses at once. Each
# campaign starts from the seed corpus (tests/fuzz/corpus/NAME) and from
# what earlier campaigns kept (build-fuzz/campaign/NAME/corpus); a crash
# leaves its input in build-fuzz/campaign/NAME/ (replay it with
# build-fuzz/tests/fuzz_NAME_replay FILE). Logs: build-fuzz/campaign/NAME.log.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=10000000
seconds=
jobs=1
harnesses=()
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; runs=; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) harnesses+=("$1"); shift ;;
    esac
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=(video_io api h264_params)

build=build-fuzz
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DHWENC_WERROR=ON -DHWENC_SANITIZE=ON -DHWENC_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
nice -n 19 cmake --build "$build" -j2 --target fuzzers >/dev/null

export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitize/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

campaign() {
    local name=$1 dir=$build/campaign/$1 limit
    mkdir -p "$dir/corpus"
    if [ -n "$runs" ]; then limit=(-runs="$runs"); else limit=(-max_total_time="$seconds"); fi
    local start=$SECONDS status=0
    nice -n 19 "$build/tests/fuzz_$name" "${limit[@]}" -timeout=20 -rss_limit_mb=2560 -print_final_stats=1 \
        -artifact_prefix="$dir/" "$dir/corpus" "tests/fuzz/corpus/$name" >"$dir.log" 2>&1 || status=$?
    local executed rate
    executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir.log")
    local found="nothing"
    if [ "$status" -ne 0 ]; then
        found="exit $status: $(ls "$dir" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | tr '\n' ' ')"
    fi
    printf '%-12s %12s executions %8s exec/s %7ss  corpus %5s  found: %s\n' "$name" "${executed:-?}" \
        "${rate:-?}" $((SECONDS - start)) "$(ls "$dir/corpus" | wc -l)" "$found"
    [ "$status" -eq 0 ]
}

status=0
running=0
for name in "${harnesses[@]}"; do
    campaign "$name" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || status=1
        running=$((running - 1))
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || status=1
    running=$((running - 1))
done
exit $status
