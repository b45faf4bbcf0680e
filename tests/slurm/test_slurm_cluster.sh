#!/usr/bin/env bash
# The harness itself: a private cluster comes up, runs a two-task job array
# through sbatch, and goes down leaving none of its daemons behind.
set -euo pipefail
. "$(dirname "$0")/cluster.sh"
cluster_start
out=$CLUSTER_DIR/out
mkdir "$out"
sbatch --parsable --array=0-1 -o "$out/%a.txt" --wrap 'echo task $SLURM_ARRAY_TASK_ID' >/dev/null ||
    cluster_fail "sbatch refused a two-task array"
cluster_wait_idle_queue 60
for t in 0 1; do
    [ "$(cat "$out/$t.txt" 2>/dev/null)" = "task $t" ] || cluster_fail "array task $t did not write 'task $t' to $out/$t.txt"
done
pids=("${CLUSTER_PIDS[@]}")
cluster_stop
trap - EXIT
for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
        echo "FAIL: daemon $pid still runs after cluster_stop" >&2
        exit 1
    fi
done
echo "slurm cluster: a two-task array ran; the daemons are stopped"
