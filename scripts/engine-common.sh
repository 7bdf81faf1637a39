# Shared by scripts/engine-up.sh and scripts/engine-down.sh (sourced, not run).
# Where the test engine lives: one folder, so a developer's own Docker is not touched.
# shellcheck shell=bash

ENGINE_DIR=${BAKE_MATRIX_ENGINE_DIR:-/var/lib/bake-matrix-engine}
ENGINE_PORT=${BAKE_MATRIX_ENGINE_REGISTRY_PORT:-5000}
ENGINE_REGISTRY="localhost:$ENGINE_PORT"
ENGINE_BASE_IMAGE="$ENGINE_REGISTRY/debian:bookworm"
ENGINE_RUN="$ENGINE_DIR/run"          # sockets, pid files, the env file
ENGINE_LOGS="$ENGINE_DIR/logs"
ENGINE_BIN="$ENGINE_DIR/bin"          # `docker` here is Debian's CLI, first on the tests' PATH
CONTAINERD_SOCK="$ENGINE_RUN/containerd.sock"
DOCKER_SOCK="$ENGINE_RUN/docker.sock"
ENGINE_ENV="$ENGINE_RUN/env"
# The services, in the order they start (and stop in reverse).
ENGINE_SERVICES=(registry containerd dockerd)

engine_log() { printf 'engine: %s\n' "$*" >&2; }
engine_die() { printf 'engine: error: %s\n' "$*" >&2; exit 1; }

# The pid in the service's pid file when that process is alive, else nothing.
engine_pid() {
  local file="$ENGINE_RUN/$1.pid" pid
  [[ -f $file && ! -L $file ]] || return 1
  pid=$(head -c 32 "$file" | tr -dc 0-9)
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$(engine_exe "$1")" ]] && echo "$pid"
}

engine_exe() {
  case $1 in
    registry) echo /usr/bin/docker-registry ;;
    containerd) echo /usr/bin/containerd ;;
    dockerd) echo /usr/sbin/dockerd ;;
  esac
}

# Every process whose executable or command line belongs to this engine: the three services, and any
# containerd shim or runc left under our folder. Used to prove nothing is left running.
engine_processes() {
  local dir pid cmd
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    cmd=$( { tr '\0' ' ' <"$dir/cmdline"; } 2>/dev/null) || continue
    [[ $cmd == *"$ENGINE_DIR/"* ]] && printf '%s %s\n' "$pid" "${cmd:0:200}"
  done
  return 0
}
