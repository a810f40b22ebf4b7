#!/usr/bin/env bash
# Stops the daemons scripts/slurm/start.sh started: exactly the pids in its pid files, each checked
# against the program name first (a stale pid file may name an unrelated process by now).
set -uo pipefail
state=${SKILLBENCH_SLURM_STATE:-/tmp/skillbench-slurm}

stopped=()
for file in "$state/slurmd.pid" "$state/slurmctld.pid" "$state/munge/munged.pid"; do
  [ -s "$file" ] || continue
  pid=$(cat "$file")
  program=$(basename "$file" .pid)
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$program" ]; then
    kill "$pid" 2>/dev/null && stopped+=("$pid")
  fi
  rm -f "$file"
done
# the daemons take a second or two to shut down; SIGKILL what is left after 10 s
for _ in $(seq 100); do
  alive=()
  for pid in "${stopped[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
  [ ${#alive[@]} -eq 0 ] && exit 0
  sleep 0.1
done
for pid in "${alive[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
