#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this host, for `tessera sweep --engine slurm` and its test:
# munged, slurmctld and slurmd, configured without cgroups (process tracking by /proc, no task
# plugin, no accounting), so that it also runs in a container without systemd. One node, with this
# host's CPUs and memory; everything runs as root. Idempotent: daemons already running are left
# alone, and it returns once `srun hostname` works.
#   scripts/start_slurm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh

as_root=()
if [[ $(id -u) -ne 0 ]]; then as_root=(sudo); fi
host=$(hostname -s)
conf=/etc/slurm/slurm.conf

running() { pgrep -x "$1" >/dev/null; }

# munge: a key (the package usually makes one), then the daemon.
if [[ ! -s /etc/munge/munge.key ]]; then
  "${as_root[@]}" sh -c 'dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null &&
    chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key'
fi
"${as_root[@]}" mkdir -p /run/munge && "${as_root[@]}" chown munge:munge /run/munge
running munged || "${as_root[@]}" runuser -u munge -- munged --force

# The node as slurmd sees it: CPUs and real memory.
node_line=$(slurmd -C | grep '^NodeName=' | sed 's/ UpTime=.*//')
memory=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node_line")
cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$node_line")
wanted=$(cat <<CONF
# Written by tessera's scripts/start_slurm.sh: one node, no cgroups.
ClusterName=tessera
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
)
"${as_root[@]}" mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
if [[ ! -f $conf ]] || [[ "$(cat "$conf")" != "$wanted" ]]; then
  printf '%s\n' "$wanted" | "${as_root[@]}" tee "$conf" >/dev/null
  # A changed configuration needs the daemons started again with it.
  if running slurmctld; then "${as_root[@]}" scontrol shutdown >/dev/null 2>&1 || true; sleep 2; fi
fi

running slurmctld || "${as_root[@]}" slurmctld
running slurmd || "${as_root[@]}" slurmd

# Wait for the node to come up; a node left down or drained by an earlier run is resumed.
for _ in $(seq 60); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null | head -1 || true)
  case $state in
    idle* | mix* | alloc*) break ;;
    down* | drain*) "${as_root[@]}" scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
if ! timeout 60 srun -N1 -t 1 hostname >/dev/null; then
  echo "start_slurm: the cluster does not run jobs; see /var/log/slurm/slurmctld.log and slurmd.log" >&2
  sinfo >&2 || true
  exit 1
fi
echo "start_slurm: node $host up ($cpus CPUs, $memory MB), partition debug"
