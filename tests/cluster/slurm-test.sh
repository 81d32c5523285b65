#!/usr/bin/env bash
# The Slurm script for real: starts a single-node Slurm cluster on this machine (munge, slurmctld, slurmd
# from Debian's slurm-wlm and munge, with a private configuration and state under OUT_DIR), submits a
# sweep with analysis/cluster/slurm-array.sbatch (a 3-task job array and the merge job after it), waits,
# and checks that the merged outputs are byte-identical to the same sweep run on one machine.
#   tests/cluster/slurm-test.sh ORCHSIM OUT_DIR
# Exit 0 pass, 1 fail, 77 skipped (the reason on stdout): the packages are missing, not root, or the
# daemons cannot start here. Never passes without having run the jobs.
set -uo pipefail
orchsim=$(cd "$(dirname "${1:?usage: slurm-test.sh ORCHSIM OUT_DIR}")" && pwd)/$(basename "$1")
out=${2:?usage: slurm-test.sh ORCHSIM OUT_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
sweep="$root/tests/data/sweeps/cluster.yaml"

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "slurm-test: FAIL: $*" >&2; exit 1; }

for cmd in munged munge slurmctld slurmd sbatch scontrol sinfo; do
  command -v "$cmd" >/dev/null || skip "$cmd not found (apt-get install slurm-wlm munge)"
done
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root to start jobs; run the suite as root"

rm -rf "$out" && mkdir -p "$out/state" "$out/spool" || fail "cannot create $out"
out=$(cd "$out" && pwd)
started_munged=""
cleanup() {
  for pid in "$out/slurmd.pid" "$out/slurmctld.pid"; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null
  done
  [ -n "$started_munged" ] && kill "$started_munged" 2>/dev/null
  sleep 1
}
trap cleanup EXIT

# munge: the authentication Slurm's daemons and clients share.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  mkdir -p /run/munge
  munged --force --pid-file="$out/munged.pid" >"$out/munged.out" 2>&1 ||
    skip "munged does not start: $(tail -1 "$out/munged.out")"
  started_munged=$(cat "$out/munged.pid" 2>/dev/null)
  sleep 1
  munge -n | unmunge >/dev/null 2>&1 || skip "munge does not authenticate after starting munged"
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
host=$(hostname -s)
cat >"$out/slurm.conf" <<CONF
ClusterName=orchsim-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
StateSaveLocation=$out/state
SlurmdSpoolDir=$out/spool
SlurmctldPidFile=$out/slurmctld.pid
SlurmdPidFile=$out/slurmd.pid
SlurmctldLogFile=$out/slurmctld.log
SlurmdLogFile=$out/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=600
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$out/slurm.conf"
slurmctld -f "$SLURM_CONF" >"$out/slurmctld.out" 2>&1 || skip "slurmctld does not start: $(tail -2 "$out/slurmctld.log" 2>/dev/null)"
slurmd -f "$SLURM_CONF" >"$out/slurmd.out" 2>&1 || skip "slurmd does not start: $(tail -2 "$out/slurmd.log" 2>/dev/null)"
for _ in $(seq 60); do
  sinfo -h -o %t 2>/dev/null | grep -q idle && break
  sleep 0.5
done
sinfo -h -o %t 2>/dev/null | grep -q idle || skip "the node does not become idle: $(tail -2 "$out/slurmd.log" 2>/dev/null)"
echo "slurm-test: cluster up on $host ($(sinfo -h -o '%c CPUs'))"

cd "$out" || fail "cd $out"
submitted=$(ORCHSIM="$orchsim" "$root/analysis/cluster/slurm-array.sbatch" "$sweep" "$out/cluster" 3) ||
  fail "submit: $submitted"
echo "slurm-test: $submitted"
merge=$(echo "$submitted" | sed -n 's/.*merge \([0-9]*\).*/\1/p')
[ -n "$merge" ] || fail "no merge job id in: $submitted"
state=""
for _ in $(seq 600); do
  state=$(scontrol show job "$merge" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  case "$state" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
  sleep 0.5
done
[ "$state" = COMPLETED ] || fail "merge job $merge ended $state; logs: $(tail -3 "$out"/cluster/logs/*.out 2>/dev/null)"

"$orchsim" sweep "$sweep" --out "$out/local" --quiet >/dev/null || fail "the local sweep"
diff -r "$out/local" "$out/cluster/sweep" >"$out/diff.txt" || fail "merged outputs differ from the local sweep: $(head -5 "$out/diff.txt")"
echo "slurm-test: ok: $(find "$out/cluster/sweep" -type f | wc -l) files of the merged sweep identical to the local one"
