#!/usr/bin/env bash
# Stops every process scripts/engine-up.sh started (dockerd, containerd, the registry; by the pids it
# recorded), then checks that no process of the engine's folder is left. `--clean` also deletes what
# the builds left (dockerd's and containerd's data, the registry's content), keeping the debootstrap
# root file system; `--purge` deletes the whole folder. Packages stay installed.
#
#   sudo npm run engine:down [-- --clean | --purge]
set -euo pipefail
# shellcheck source=engine-common.sh
source "$(dirname "$0")/engine-common.sh"

purge= clean=
for arg in "$@"; do
  case $arg in
    --purge) purge=1 ;;
    --clean) clean=1 ;;
    *) engine_die "unknown option $arg (engine:down takes --clean or --purge)" ;;
  esac
done
[[ -d $ENGINE_DIR ]] || { engine_log "nothing to stop: $ENGINE_DIR does not exist"; exit 0; }
[[ $EUID -eq 0 ]] || engine_die "needs root: run it as root, e.g. \`sudo npm run engine:down\`"

# SIGTERM, up to $2 seconds, then SIGKILL.
stop() {
  local name=$1 grace=$2 pid
  pid=$(engine_pid "$name") || { rm -f "$ENGINE_RUN/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    engine_log "$name ($pid) did not stop within ${grace}s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$ENGINE_RUN/$name.pid"
  engine_log "stopped $name ($pid)"
}

stop dockerd 30
stop containerd 15
stop registry 10

# A containerd shim outlives containerd by design: end those of this engine (their command line names
# our folder), by pid.
while read -r pid _; do
  [[ -n $pid ]] || continue
  engine_log "ending a leftover process $pid: $( { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | head -c 200)"
  kill -TERM "$pid" 2>/dev/null || true
done < <(engine_processes)
sleep 0.5
left=$(engine_processes)
if [[ -n $left ]]; then
  printf '%s\n' "$left" >&2
  engine_die "processes of $ENGINE_DIR are still running"
fi

# Mounts dockerd or containerd left (network namespaces, overlay snapshots), deepest first.
awk -v dir="$ENGINE_DIR" 'index($2, dir "/") == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do
  umount -l "$mount" 2>/dev/null || true
done
engine_log "nothing of the engine is running"

if [[ -n $purge$clean ]]; then
  if awk -v dir="$ENGINE_DIR" 'index($2, dir "/") == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    engine_die "something is still mounted under $ENGINE_DIR; not deleting it"
  fi
fi
if [[ -n $purge ]]; then
  rm -rf --one-file-system "$ENGINE_DIR"
  engine_log "deleted $ENGINE_DIR"
elif [[ -n $clean ]]; then
  rm -rf --one-file-system "$ENGINE_DIR/docker" "$ENGINE_DIR/containerd" "$ENGINE_DIR/registry" "$ENGINE_RUN" "$ENGINE_DIR/docker-config"
  engine_log "deleted the engine's images, build cache and registry content (kept $ENGINE_DIR/base)"
fi
