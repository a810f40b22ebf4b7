#!/usr/bin/env bash
# Starts a real single-node Slurm (slurmctld + slurmd on this machine, munge authentication) for the
# tests and CI, on Debian's slurm-wlm 22.05 packages. No systemd, no cgroups: the daemons run in the
# background and write pid files into the state folder, which stop.sh reads.
#
#   scripts/slurm/start.sh            # as root: install if missing (--install), configure, start
#   scripts/slurm/start.sh --install  # apt-get install slurmctld slurmd slurm-client munge first
#   scripts/slurm/stop.sh
#
# Environment:
#   SKILLBENCH_SLURM_STATE  state, spool and logs (default /tmp/skillbench-slurm)
#   SLURM_CONF              where the configuration goes (default /etc/slurm/slurm.conf; the Slurm
#                           commands read that path unless SLURM_CONF says otherwise)
# Exit status 0 only when the node is idle and accepts jobs.
set -euo pipefail

state=${SKILLBENCH_SLURM_STATE:-/tmp/skillbench-slurm}
conf=${SLURM_CONF:-/etc/slurm/slurm.conf}
export SLURM_CONF=$conf
here=$(cd "$(dirname "$0")" && pwd)

say() { echo "slurm: $*" >&2; }
die() { say "$*"; exit 1; }

if [ "${1:-}" = --install ]; then
  missing=()
  for package in slurmctld slurmd slurm-client munge; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

[ "$(id -u)" = 0 ] || die "needs root (the daemons run as root on this test node)"
for daemon in slurmctld slurmd; do command -v "$daemon" >/dev/null || die "$daemon is not installed (apt-get install slurm-wlm munge)"; done

# A host with systemd starts the packaged services on install; this script owns the daemons instead.
if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
  systemctl stop slurmd slurmctld munge 2>/dev/null || true
fi
"$here/stop.sh" >/dev/null 2>&1 || true

mkdir -p "$state"/{ctld,spool,log} "$(dirname "$conf")"

# --- authentication: munge when it starts, auth/none otherwise (single-node only) --------------
auth=none
if command -v munged >/dev/null; then
  install -d -o munge -g munge -m 0700 /etc/munge "$state/munge"
  install -d -o munge -g munge -m 0755 /run/munge
  if [ ! -s /etc/munge/munge.key ]; then
    head -c 1024 /dev/urandom >/etc/munge/munge.key
  fi
  chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
  # munged refuses root; it daemonizes and writes its own pid file
  if setpriv --reuid=munge --regid=munge --clear-groups -- /usr/sbin/munged \
      --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log" \
      --socket=/run/munge/munge.socket.2 2>>"$state/log/munged.err"; then
    for _ in $(seq 50); do [ -S /run/munge/munge.socket.2 ] && break; sleep 0.1; done
    if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then auth=munge; fi
  fi
  [ "$auth" = munge ] || say "munged did not start ($(tail -1 "$state/log/munged.err" 2>/dev/null)); using auth/none"
fi

# --- configuration from this machine's own topology (slurmd -C) -------------------------------
node=$(hostname -s)
topology=$(slurmd -C | head -1)
field() { tr ' ' '\n' <<<"$topology" | sed -n "s/^$1=//p"; }
memory=$(field RealMemory)
[ "$memory" -gt 1024 ] && memory=$((memory - 512))
cat >"$conf" <<CONF
# written by skillbench scripts/slurm/start.sh: a one-node test cluster
ClusterName=skillbench
SlurmctldHost=${node}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/${auth}
CredType=cred/${auth}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=${state}/log/jobcomp.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
SchedulerType=sched/backfill
# without these, each array wave waits batch_sched_delay (3 s) and missed events wait a minute
SchedulerParameters=batch_sched_delay=0,sched_interval=1,bf_interval=1,sched_min_interval=0
ReturnToService=2
MinJobAge=300
KillWait=5
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
MaxArraySize=10001
MailProg=/bin/true
StateSaveLocation=${state}/ctld
SlurmdSpoolDir=${state}/spool
SlurmctldPidFile=${state}/slurmctld.pid
SlurmdPidFile=${state}/slurmd.pid
SlurmctldLogFile=${state}/log/slurmctld.log
SlurmdLogFile=${state}/log/slurmd.log
NodeName=${node} NodeAddr=127.0.0.1 CPUs=$(field CPUs) SocketsPerBoard=$(field SocketsPerBoard) CoresPerSocket=$(field CoresPerSocket) ThreadsPerCore=$(field ThreadsPerCore) RealMemory=${memory} State=UNKNOWN
PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP
CONF

# --- daemons: -c starts with no saved jobs; both fork and write their pid files ---------------
slurmctld -c -i
for _ in $(seq 50); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.2; done
slurmd
for _ in $(seq 60); do
  node_state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1 || true)
  case "$node_state" in
    idle | mixed | allocated)
      say "node $node is $node_state (auth/$auth, $conf, logs in $state/log)"
      exit 0
      ;;
    down* | drain*) scontrol update nodename="$node" state=resume 2>/dev/null || true ;;
  esac
  sleep 0.5
done
die "node $node did not become idle (state '${node_state:-unknown}'); see $state/log"
