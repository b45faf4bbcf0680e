#!/usr/bin/env bash
# The command line under valgrind's memcheck: no invalid access, no use of
# uninitialised memory, no leak, with slice threads, several references and
# B frames. ASan and UBSan do not see uninitialised reads; this does.
set -euo pipefail
. "$(dirname "$0")/encode_cases.sh"
encode_cases -i "testsrc2=size=176x144:rate=25" -frames:v 14 -- \
    valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible "$1" -- \
    "--preset ultrafast --threads 2" "--preset medium --ref 3 --bframes 2 --threads 2 --keyint 8" \
    "--preset veryfast --bitrate 300 --vbv-maxrate 300 --bframes 1"
