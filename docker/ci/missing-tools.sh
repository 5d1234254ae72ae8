#!/usr/bin/env bash
# Prints the Debian packages the container tests need and this machine lacks, one per line:
# rootful podman with runc and netavark (aardvark-dns: names on a network), iptables for its
# networks, fuse-overlayfs and slirp4netns, and mmdebstrap for the base images. .ci/run and
# images.sh install what it prints.
set -euo pipefail

command -v podman >/dev/null 2>&1 || echo podman
command -v runc >/dev/null 2>&1 || echo runc
command -v mmdebstrap >/dev/null 2>&1 || echo mmdebstrap
command -v iptables >/dev/null 2>&1 || echo iptables
[ -x /usr/lib/podman/netavark ] || echo netavark
[ -x /usr/lib/podman/aardvark-dns ] || echo aardvark-dns
command -v fuse-overlayfs >/dev/null 2>&1 || echo fuse-overlayfs
command -v slirp4netns >/dev/null 2>&1 || echo slirp4netns
