#!/usr/bin/env bash
# Builds hwenc with warnings as errors and runs every test, then builds again
# with AddressSanitizer and UndefinedBehaviorSanitizer and runs them again,
# then builds the command line with ThreadSanitizer for the threads test,
# then builds the fuzzers with clang and libFuzzer (tests/fuzz/) and runs each
# for a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}

cmake -S . -B build -DHWENC_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

cmake -S . -B build-sanitize -DHWENC_WERROR=ON -DHWENC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
cmake --build build-sanitize -j"$jobs"
# tests/sanitize/lsan.supp explains the one suppression (system drivers).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
LSAN_OPTIONS="suppressions=$PWD/tests/sanitize/lsan.supp:print_suppressions=0" \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-sanitize --output-on-failure -j"$jobs"

cmake -S . -B build-tsan -DHWENC_WERROR=ON -DHWENC_SANITIZE_THREAD=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-tsan -j"$jobs" --target hwenc_cli
ctest --test-dir build-tsan --output-on-failure -R '^tsan_threads$'

# Each harness of tests/fuzz/ for HWENC_FUZZ_SECONDS (8) from its seed corpus,
# under ASan and UBSan; bench/fuzz_campaign.sh runs long campaigns.
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DHWENC_WERROR=ON -DHWENC_SANITIZE=ON -DHWENC_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-fuzz -j"$jobs" --target fuzzers
ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 \
LSAN_OPTIONS="suppressions=$PWD/tests/sanitize/lsan.supp:print_suppressions=0" \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-fuzz --output-on-failure -j"$jobs" -L libfuzzer
