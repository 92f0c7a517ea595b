#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, from Debian's packages (slurm-wlm, munge): for the
# tests of the Slurm path and for a developer who wants to try it before a real cluster.
#
#   bash scripts/slurm/local-cluster.sh start   # install if needed, write the config, start
#   bash scripts/slurm/local-cluster.sh status  # sinfo
#   bash scripts/slurm/local-cluster.sh stop
#
# Needs root (it writes /etc/slurm and starts daemons). slurmctld and slurmd run on localhost
# with no cgroups (proctrack/linuxproc, task/none), one partition "debug" holding this node with
# all its CPUs and memory. What a real cluster has and this one does not: several nodes, GPUs as
# generic resources (gres), accounting (slurmdbd), cgroup confinement of jobs.
set -euo pipefail

STATE=/var/lib/nc-lab-slurm
CONF=/etc/slurm/slurm.conf

install_packages() {
  if command -v slurmctld >/dev/null && command -v munged >/dev/null; then return; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q slurm-wlm munge </dev/null
}

write_config() {
  local host cpus mem
  # Never overwrite a real cluster's configuration.
  if [ -f "$CONF" ] && ! head -n 1 "$CONF" | grep -q 'local-cluster.sh'; then
    echo "$CONF exists and was not written by this script: not touching it" >&2
    exit 1
  fi
  host="$(hostname -s)"
  cpus="$(nproc)"
  # slurmd refuses a node that claims more memory than it has: keep 90 % of MemTotal (MB).
  mem="$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)"
  mkdir -p /etc/slurm "$STATE"/{ctld,d} /var/log/slurm
  chown -R slurm:slurm "$STATE" /var/log/slurm
  cat >"$CONF" <<CONF
# Written by scripts/slurm/local-cluster.sh: one node, no cgroups.
ClusterName=nclab
SlurmctldHost=$host
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
}

start_munge() {
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge && chown munge:munge /run/munge
  pgrep -x munged >/dev/null || runuser -u munge -- munged --force
  munge -n | unmunge >/dev/null
}

start() {
  install_packages
  write_config
  start_munge
  pgrep -x slurmctld >/dev/null || slurmctld
  pgrep -x slurmd >/dev/null || slurmd
  for _ in $(seq 1 60); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      sinfo
      return 0
    fi
    sleep 1
  done
  echo "the local Slurm node did not come up; see /var/log/slurm/*.log" >&2
  tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
  return 1
}

stop() {
  pkill -x slurmd || true
  pkill -x slurmctld || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) sinfo ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
