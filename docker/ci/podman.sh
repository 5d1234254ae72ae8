#!/usr/bin/env bash
# podman with the container tests' own configuration and storage (not the machine's):
#   VITALS_CONTAINERS_DIR  where the storage and configuration live (default
#                          /var/tmp/vitals-containers; kept between runs, so the Debian-built
#                          base images are built once per machine)
# runc, not crun (crun cannot set rlimits in some sandboxes); default ulimits under common hard
# limits; netavark networks, so containers on one network reach each other by name.
#   docker/ci/podman.sh images
set -euo pipefail

dir="${VITALS_CONTAINERS_DIR:-/var/tmp/vitals-containers}"
# Run state (locks, mounts) belongs on a tmpfs that a reboot clears, not with the cached images.
run="${XDG_RUNTIME_DIR:-/run}/vitals-containers"
mkdir -p "$dir" "$run"
# Written on every call (atomically: calls run concurrently), so a change here takes effect.
conf="$(mktemp "$dir/.containers.conf.XXXXXX")"
cat > "$conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
[network]
network_backend = "netavark"
CONF
mv -f "$conf" "$dir/containers.conf"
conf="$(mktemp "$dir/.storage.conf.XXXXXX")"
cat > "$conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$dir/storage"
runroot = "$run"
CONF
mv -f "$conf" "$dir/storage.conf"
export CONTAINERS_CONF="$dir/containers.conf"
export CONTAINERS_STORAGE_CONF="$dir/storage.conf"
exec podman "$@"
