#!/usr/bin/env bash
# Starts a real engine for the engine tests, from Debian's packages only (README, "Running the engine tests"):
#
#   1. installs, by name with apt-get, trixie's containerd, docker.io (dockerd and the docker CLI) and
#      docker-buildx, and bookworm's runc, iptables, docker-registry and debootstrap. Only those three come
#      from trixie (an apt pin); nothing else on the system is upgraded. Skipped when already installed.
#   2. starts, all on loopback and under one folder (BAKE_MATRIX_ENGINE_DIR, default
#      /var/lib/bake-matrix-engine): a registry on 127.0.0.1:5000, containerd on its own socket, and dockerd
#      on its own socket with the containerd image store (needed for registry cache export with buildx's
#      docker driver) and localhost:5000 as an insecure registry. No system service is touched.
#   3. pushes localhost:5000/debian:bookworm, a `debootstrap --variant=minbase bookworm` root file system
#      (kept, so later runs skip it), unless the registry already holds it.
#   4. writes $BAKE_MATRIX_ENGINE_DIR/run/env: the variables that make the engine tests run against it.
#
#   sudo npm run engine:up && . /var/lib/bake-matrix-engine/run/env && npm test
#   sudo npm run engine:down            # stops every process engine:up started (--purge: and deletes the folder)
#
# Idempotent: a second run with the engine up only checks it and rewrites the env file. Needs root.
set -euo pipefail
# shellcheck source=engine-common.sh
source "$(dirname "$0")/engine-common.sh"

[[ $EUID -eq 0 ]] || engine_die "needs root (apt-get, dockerd): run it as root, e.g. \`sudo npm run engine:up\`"
[[ $(uname -s) == Linux ]] || engine_die "needs Linux (containerd and dockerd run here, not in a VM)"

now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
declare -A TIMES=()

# ---------------------------------------------------------------- 1. packages

TRIXIE_PACKAGES=(containerd docker.io docker-cli docker-buildx)
BOOKWORM_PACKAGES=(runc iptables docker-registry debootstrap)
SOURCES=/etc/apt/sources.list.d/bake-matrix-engine-trixie.sources
PIN=/etc/apt/preferences.d/bake-matrix-engine-trixie

# The Debian mirror this machine's apt already uses for bookworm (so nothing here names a host).
debian_mirror() {
  local file
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f $file && $file != "$SOURCES" ]] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
      {
        suite = 0; off = 0; uri = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Suites:/) { n = split($i, w, " "); for (j = 2; j <= n; j++) if (w[j] == "bookworm") suite = 1 }
          if ($i ~ /^Enabled: *[Nn]o/) off = 1
          if ($i ~ /^URIs:/) { split($i, u, " "); uri = u[2] }
        }
        if (suite && !off && uri != "" && uri !~ /security/) { print uri; exit }
      }' "$file"
  done | head -n 1 | grep . && return 0
  awk '$1 == "deb" && $3 == "bookworm" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v security | head -n 1 | grep .
}

installed() { # every package installed, and at least the given version: name>=version ...
  local spec name min version
  for spec in "$@"; do
    name=${spec%%>=*}; min=${spec#*>=}
    version=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$name" 2>/dev/null) || return 1
    [[ $version == installed\ * ]] || return 1
    [[ $min == "$spec" ]] || dpkg --compare-versions "${version#installed }" ge "$min" || return 1
  done
}

install_packages() {
  if installed containerd'>=1.7' docker.io'>=26' docker-buildx'>=0.13' runc iptables docker-registry debootstrap; then
    engine_log "packages: already installed"
    return 0
  fi
  local mirror
  mirror=$(debian_mirror) || engine_die "found no Debian bookworm source in /etc/apt/sources.list.d/ or /etc/apt/sources.list to take trixie's packages from"
  engine_log "packages: adding the trixie suite of $mirror, pinned to ${TRIXIE_PACKAGES[*]} only"
  cat >"$SOURCES" <<EOF
# Added by bake-matrix's scripts/engine-up.sh: trixie's containerd, docker.io and docker-buildx for the
# engine tests (bookworm has no docker-buildx). $PIN keeps every other package on bookworm.
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat >"$PIN" <<EOF
# Added by bake-matrix's scripts/engine-up.sh: only these packages come from trixie.
Package: ${TRIXIE_PACKAGES[*]}
Pin: release n=trixie
Pin-Priority: 990

Package: *
Pin: release n=trixie
Pin-Priority: 1
EOF
  # No service may start while installing (docker.io and docker-registry ship init scripts that would
  # start a system dockerd and a registry on every interface): a policy-rc.d saying no, unless one exists.
  local policy=/usr/sbin/policy-rc.d ours=
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# bake-matrix engine-up: no service starts while it installs packages\nexit 101\n' >"$policy"
    chmod 755 "$policy"; ours=1
  fi
  local status=0
  {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq -o Acquire::Retries=3 &&
      apt-get install -y -qq --no-install-recommends -o Acquire::Retries=3 -o Dpkg::Options::=--force-confold \
        "${TRIXIE_PACKAGES[@]}" "${BOOKWORM_PACKAGES[@]}"
  } >"$ENGINE_LOGS/apt.log" 2>&1 || status=$?
  [[ -z $ours ]] || rm -f "$policy"
  if ((status)); then
    tail -n 40 "$ENGINE_LOGS/apt.log" >&2
    engine_die "apt-get failed (exit $status); the whole log is $ENGINE_LOGS/apt.log"
  fi
  installed containerd'>=1.7' docker.io'>=26' docker-buildx'>=0.13' || engine_die "apt-get did not install trixie's versions; see $ENGINE_LOGS/apt.log"
}

# ---------------------------------------------------------------- 2. services

write_configs() {
  cat >"$ENGINE_DIR/registry.yml" <<EOF
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $ENGINE_DIR/registry }
  delete: { enabled: true }
http:
  addr: 127.0.0.1:$ENGINE_PORT
EOF
  cat >"$ENGINE_DIR/containerd.toml" <<EOF
version = 2
root = "$ENGINE_DIR/containerd"
state = "$ENGINE_RUN/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CONTAINERD_SOCK"
EOF
  cat >"$ENGINE_DIR/daemon.json" <<EOF
{
  "hosts": ["unix://$DOCKER_SOCK"],
  "data-root": "$ENGINE_DIR/docker",
  "exec-root": "$ENGINE_RUN/docker",
  "pidfile": "$ENGINE_RUN/dockerd.own.pid",
  "containerd": "$CONTAINERD_SOCK",
  "containerd-namespace": "bake-matrix-engine",
  "features": { "containerd-snapshotter": true },
  "insecure-registries": ["$ENGINE_REGISTRY"],
  "log-level": "warn"
}
EOF
}

# Starts a service in its own session, its output in logs/, its pid in run/.
start() {
  local name=$1; shift
  setsid "$@" </dev/null >>"$ENGINE_LOGS/$name.log" 2>&1 &
  echo $! >"$ENGINE_RUN/$name.pid"
}

# The process start() recorded is alive. (Not engine_pid: until setsid has exec'd the service, the
# pid's executable is still the shell's.)
started_alive() {
  local pid
  pid=$(head -c 32 "$ENGINE_RUN/$1.pid" | tr -dc 0-9)
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

# Waits up to $2 seconds for the command after it to succeed while the service stays alive.
wait_for() {
  local name=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    started_alive "$name" || { tail -n 30 "$ENGINE_LOGS/$name.log" >&2; engine_die "$name exited while starting; its log is $ENGINE_LOGS/$name.log"; }
    ((SECONDS < deadline)) || { tail -n 30 "$ENGINE_LOGS/$name.log" >&2; engine_die "$name did not answer within ${seconds}s; its log is $ENGINE_LOGS/$name.log"; }
    sleep 0.2
  done
}

registry_answers() { curl -fsS --max-time 2 "http://127.0.0.1:$ENGINE_PORT/v2/" >/dev/null 2>&1; }
containerd_answers() { [[ -S $CONTAINERD_SOCK ]] && ctr --address "$CONTAINERD_SOCK" version; }
dockerd_answers() { "$ENGINE_BIN/docker" --host "unix://$DOCKER_SOCK" version; }

start_services() {
  if ! engine_pid registry >/dev/null; then
    registry_answers && engine_die "something else answers on 127.0.0.1:$ENGINE_PORT: stop it, or set BAKE_MATRIX_ENGINE_REGISTRY_PORT"
    start registry /usr/bin/docker-registry serve "$ENGINE_DIR/registry.yml"
  fi
  wait_for registry 30 registry_answers
  if ! engine_pid containerd >/dev/null; then
    rm -f "$CONTAINERD_SOCK"
    start containerd /usr/bin/containerd --config "$ENGINE_DIR/containerd.toml"
  fi
  wait_for containerd 60 containerd_answers
  if ! engine_pid dockerd >/dev/null; then
    rm -f "$DOCKER_SOCK" "$ENGINE_RUN/dockerd.own.pid"
    start dockerd /usr/sbin/dockerd --config-file "$ENGINE_DIR/daemon.json"
  fi
  wait_for dockerd 120 dockerd_answers
}

# ---------------------------------------------------------------- 3. the base image

base_image_pushed() {
  curl -fs --max-time 5 -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' \
    "http://127.0.0.1:$ENGINE_PORT/v2/debian/manifests/bookworm"
}

# Unmounts whatever debootstrap left mounted under $1 (an interrupted run), deepest first.
unmount_under() {
  local mount
  awk -v dir="$1" '$2 == dir || index($2, dir "/") == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do
    umount -l "$mount" || true
  done
}

push_base_image() {
  if base_image_pushed; then
    engine_log "base image: $ENGINE_BASE_IMAGE is in the registry"
    return 0
  fi
  local tar="$ENGINE_DIR/base/bookworm-minbase.tar" rootfs="$ENGINE_DIR/base/rootfs" mirror
  if [[ ! -f $tar ]]; then
    engine_log "base image: debootstrap --variant=minbase bookworm"
    mkdir -p "$ENGINE_DIR/base"
    unmount_under "$rootfs"
    rm -rf --one-file-system "$rootfs"
    mirror=$(debian_mirror) || mirror=
    local t=$EPOCHREALTIME
    debootstrap --variant=minbase bookworm "$rootfs" ${mirror:+"$mirror"} >"$ENGINE_LOGS/debootstrap.log" 2>&1 || {
      tail -n 30 "$ENGINE_LOGS/debootstrap.log" >&2
      unmount_under "$rootfs"
      engine_die "debootstrap failed; its log is $ENGINE_LOGS/debootstrap.log"
    }
    unmount_under "$rootfs"
    rm -rf --one-file-system "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*_Packages
    tar --numeric-owner -C "$rootfs" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf --one-file-system "$rootfs"
    TIMES[debootstrap]=$(since "$t")
  fi
  engine_log "base image: importing and pushing $ENGINE_BASE_IMAGE"
  "$ENGINE_BIN/docker" --host "unix://$DOCKER_SOCK" import --change 'CMD ["bash"]' "$tar" "$ENGINE_BASE_IMAGE" >/dev/null
  "$ENGINE_BIN/docker" --host "unix://$DOCKER_SOCK" push --quiet "$ENGINE_BASE_IMAGE" >/dev/null
  base_image_pushed || engine_die "the registry does not hold $ENGINE_BASE_IMAGE after the push"
}

# ---------------------------------------------------------------- main

umask 022
mkdir -p "$ENGINE_DIR" "$ENGINE_RUN" "$ENGINE_LOGS" "$ENGINE_BIN" "$ENGINE_DIR/docker-config"
chmod 700 "$ENGINE_DIR"
t=$(now); install_packages; TIMES[packages]=$(since "$t")

# The tests call `docker`: Debian's CLI, which finds Debian's buildx plugin, whatever else is on PATH.
ln -sfn /usr/bin/docker "$ENGINE_BIN/docker"
write_configs
t=$(now); start_services; TIMES[start]=$(since "$t")
t=$(now); push_base_image; TIMES[base]=$(since "$t")

cat >"$ENGINE_ENV.tmp" <<EOF
# The engine of scripts/engine-up.sh: source this file, then run the tests (npm test).
export PATH="$ENGINE_BIN:\$PATH"
export DOCKER_HOST="unix://$DOCKER_SOCK"
export DOCKER_CONFIG="$ENGINE_DIR/docker-config"
export BUILDX_BUILDER=default
export BAKE_MATRIX_TEST_BASE_IMAGE="$ENGINE_BASE_IMAGE"
export BAKE_MATRIX_TEST_REGISTRY="$ENGINE_REGISTRY"
EOF
mv "$ENGINE_ENV.tmp" "$ENGINE_ENV"

# shellcheck disable=SC1090
(source "$ENGINE_ENV" && docker buildx inspect --bootstrap >"$ENGINE_LOGS/buildx-inspect.txt" 2>&1) ||
  { cat "$ENGINE_LOGS/buildx-inspect.txt" >&2; engine_die "docker buildx inspect --bootstrap fails on the engine"; }
versions=$(
  printf 'containerd %s, dockerd %s, buildx %s, registry %s' \
    "$(dpkg-query -W -f='${Version}' containerd)" "$(dpkg-query -W -f='${Version}' docker.io)" \
    "$(dpkg-query -W -f='${Version}' docker-buildx)" "$(dpkg-query -W -f='${Version}' docker-registry)"
)
engine_log "up: $versions"
engine_log "times: packages ${TIMES[packages]} s, start ${TIMES[start]} s, base image ${TIMES[base]} s${TIMES[debootstrap]:+ (debootstrap ${TIMES[debootstrap]} s)}"
engine_log "to use it: . $ENGINE_ENV   (then npm test); to stop it: npm run engine:down"
