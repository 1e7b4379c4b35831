#!/usr/bin/env bash
# A one-node SLURM cluster on localhost for tests: `cluster.sh start DIR` writes DIR/slurm.conf, starts munged
# (if none runs), slurmctld and slurmd, and waits until the node is idle; `cluster.sh stop DIR` stops what start
# started (by the pids it recorded). Clients find the cluster through SLURM_CONF=DIR/slurm.conf.
# cgroup-free on purpose (proctrack/linuxproc, task/none): containers and CI machines rarely delegate cgroups.
set -euo pipefail

cmd=${1:?usage: cluster.sh start|stop DIR}
dir=${2:?usage: cluster.sh start|stop DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

fail() {
  echo "slurm-test: $1" >&2
  for f in "$dir"/munged.log "$dir"/slurmctld.log "$dir"/slurmd.log; do
    [ -f "$f" ] && { echo "---- $f (last 40 lines)" >&2; tail -n 40 "$f" >&2; }
  done
  exit 1
}

start() {
  mkdir -p "$dir/state" "$dir/spool" "$dir/munge" "$dir/munge-run"
  local cpus; cpus=$(nproc)
  local port=${SLURM_TEST_PORT:-16817}
  cat > "$dir/slurm.conf" <<CONF
ClusterName=floatjs-test
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$dir/munge-run/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MinJobAge=300
NodeName=localhost NodeHostname=localhost CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
  export SLURM_CONF="$dir/slurm.conf"

  # munged: its own key, socket and state in DIR, so a system munge (if any) is left alone; slurm finds the
  # socket through AuthInfo (cred/munge reads it too).
  local sock="$dir/munge-run/munge.socket"
  if [ ! -f "$dir/munge/munge.key" ]; then
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$dir/munge/munge.key"
  fi
  chmod 700 "$dir/munge"
  chmod 755 "$dir/munge-run"
  munged --force --key-file="$dir/munge/munge.key" --socket="$sock" --pid-file="$dir/munged.pid" \
    --log-file="$dir/munged.log" --seed-file="$dir/munge/munge.seed" || fail "munged did not start"

  slurmctld -f "$dir/slurm.conf" -i || fail "slurmctld did not start"
  slurmd -f "$dir/slurm.conf" -N localhost || fail "slurmd did not start"
  for _ in $(seq 1 60); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -q -E '^(idle|mixed|allocated)'; then
      echo "slurm-test: cluster up in $dir (SLURM_CONF=$dir/slurm.conf, $cpus CPUs)"
      return 0
    fi
    sleep 1
  done
  sinfo -N -l >&2 || true
  fail "the node did not become idle within 60 s"
}

stop() {
  for d in slurmd slurmctld munged; do
    local pidfile="$dir/$d.pid"
    [ -f "$pidfile" ] || continue
    local pid; pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  echo "slurm-test: cluster in $dir stopped"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
