# Sourced by the Slurm tests: starts a private single-node Slurm cluster
# (munged, slurmctld, slurmd as root) whose configuration, key, sockets,
# state, spool and logs all live in one temporary directory, on ports
# nobody listens on, so a system Slurm or munge on the same machine is
# never touched. cluster_start exits 77 (ctest's SKIP_RETURN_CODE) where
# the daemons cannot run; cluster_stop ends exactly the processes it
# started, by their PIDs, and is installed as the EXIT trap.
#
# After cluster_start: SLURM_CONF points at the cluster (sbatch, squeue,
# scancel use it), CLUSTER_DIR is the temporary directory, CLUSTER_NODE the
# node's name.

CLUSTER_PIDS=()

cluster_skip()
{
    echo "SKIPPED: $*" >&2
    exit 77
}

cluster_log_tails()
{
    local f
    for f in "$CLUSTER_DIR"/log/*.log; do
        [ -s "$f" ] || continue
        echo "---- last lines of $f" >&2
        tail -n 15 "$f" >&2
    done
}

cluster_fail()
{
    echo "FAIL: slurm cluster: $*" >&2
    cluster_log_tails
    exit 1
}

cluster_stop()
{
    local i pid
    # Jobs first, so that slurmd does not leave their processes behind.
    if [ -n "${SLURM_CONF:-}" ] && [ ${#CLUSTER_PIDS[@]} -eq 3 ]; then
        scancel --quiet --full --user=root >/dev/null 2>&1 || true
    fi
    for ((i = ${#CLUSTER_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${CLUSTER_PIDS[i]}
        kill -TERM "$pid" 2>/dev/null || continue
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    CLUSTER_PIDS=()
    if [ -n "${CLUSTER_DIR:-}" ] && [ -z "${CLUSTER_KEEP:-}" ]; then
        rm -rf "$CLUSTER_DIR"
    fi
}

# Ports the kernel hands out for an ephemeral bind are free right now.
cluster_free_ports()
{
    python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# Waits (at most $1 tenths of a second) until the command in $2.. succeeds.
cluster_wait()
{
    local tenths=$1
    shift
    for _ in $(seq "$tenths"); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

cluster_write_conf()
{
    local ctld_port=$1 slurmd_port=$2 host
    host=$(hostname -s)
    cat > "$CLUSTER_DIR/slurm.conf" <<CONF
ClusterName=hwenctest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$CLUSTER_DIR/munge.sock
CredType=cred/munge
StateSaveLocation=$CLUSTER_DIR/state
SlurmdSpoolDir=$CLUSTER_DIR/spool/%n
SlurmctldPidFile=$CLUSTER_DIR/slurmctld.pid
SlurmdPidFile=$CLUSTER_DIR/slurmd.pid
SlurmctldLogFile=$CLUSTER_DIR/log/slurmctld.log
SlurmdLogFile=$CLUSTER_DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
JobRequeue=1
MaxJobCount=10000
MinJobAge=300
MailProg=/bin/true
KillWait=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
PlugStackConfig=$CLUSTER_DIR/plugstack.conf
NodeName=$CLUSTER_NODE NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=hwenc Nodes=$CLUSTER_NODE Default=YES MaxTime=INFINITE State=UP
CONF
    : > "$CLUSTER_DIR/plugstack.conf"
}

cluster_node_idle()
{
    sinfo -h -n "$CLUSTER_NODE" -o %t | grep -qx idle
}

cluster_start()
{
    [ "$(id -u)" -eq 0 ] || cluster_skip "the Slurm tests start munged, slurmctld and slurmd as root; this runs as uid $(id -u)"
    local tool
    for tool in munged slurmctld slurmd sbatch squeue scancel sinfo python3; do
        command -v "$tool" >/dev/null 2>&1 ||
            cluster_skip "$tool is not installed (tools/setup-debian.sh installs slurmctld slurmd slurm-client munge)"
    done
    CLUSTER_DIR=$(mktemp -d /tmp/hwenc-slurm.XXXXXX) || cluster_fail "cannot create a temporary directory"
    trap cluster_stop EXIT
    chmod 700 "$CLUSTER_DIR"
    mkdir -p "$CLUSTER_DIR"/{state,spool,log,munge}
    CLUSTER_NODE=hwencnode
    local ports
    read -r -a ports <<< "$(cluster_free_ports 2)" || cluster_fail "cannot find two free ports"
    cluster_write_conf "${ports[0]}" "${ports[1]}"
    export SLURM_CONF=$CLUSTER_DIR/slurm.conf
    unset SLURM_JOB_ID SLURM_ARRAY_JOB_ID SLURM_ARRAY_TASK_ID

    # munged checks that the key is private to its owner.
    dd if=/dev/urandom of="$CLUSTER_DIR/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$CLUSTER_DIR/munge/munge.key"
    munged --foreground --force --key-file="$CLUSTER_DIR/munge/munge.key" --socket="$CLUSTER_DIR/munge.sock" \
        --pid-file="$CLUSTER_DIR/munged.pid" --seed-file="$CLUSTER_DIR/munge/seed" \
        --log-file="$CLUSTER_DIR/log/munged.log" > "$CLUSTER_DIR/log/munged.out" 2>&1 &
    CLUSTER_PIDS+=($!)
    cluster_wait 100 test -S "$CLUSTER_DIR/munge.sock" || cluster_fail "munged did not create its socket in 10 s"

    slurmctld -D -c -i -f "$SLURM_CONF" > "$CLUSTER_DIR/log/slurmctld.out" 2>&1 &
    CLUSTER_PIDS+=($!)
    cluster_wait 150 scontrol ping || cluster_fail "slurmctld did not answer in 15 s"
    slurmd -D -N "$CLUSTER_NODE" -f "$SLURM_CONF" > "$CLUSTER_DIR/log/slurmd.out" 2>&1 &
    CLUSTER_PIDS+=($!)
    cluster_wait 300 cluster_node_idle || cluster_fail "node $CLUSTER_NODE was not idle within 30 s"
    local pid
    for pid in "${CLUSTER_PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || cluster_fail "daemon $pid exited during start-up"
    done
}

# Waits at most $1 seconds until no job of ours is pending or running.
cluster_wait_idle_queue()
{
    local tenths=$(($1 * 10))
    cluster_wait "$tenths" bash -c '[ -z "$(squeue -h -o %i)" ]' || cluster_fail "jobs still queued after $1 s: $(squeue)"
}
