#!/usr/bin/env bash
# Builds every image the container tests run, with podman and without a registry:
#   localhost/vitals-base-jre:bookworm    Debian + openjdk-17-jre-headless (mmdebstrap)
#   localhost/vitals-base-build:bookworm  Debian + openjdk-17-jdk-headless + maven
#   localhost/vitals-stores:bookworm      Debian's prometheus, prometheus-alertmanager and
#                                         victoria-metrics packages (one image, three commands, at
#                                         the official images' entrypoint paths)
#   localhost/vitals-kafka:<version>, :ci Kafka's broker and tools from its Maven artifacts
#   localhost/vitals:ci                   docker/Dockerfile, with the two Debian bases
# local.env names them for docker/compose.yaml. The bases and the Kafka image are kept in
# docker/ci/podman.sh's storage and built only when missing (VITALS_REBUILD_BASES=1 rebuilds
# them); vitals:ci is built on every run. Installs podman and mmdebstrap when they are missing
# and this runs as root.
#   docker/ci/images.sh             # from anywhere; about 3 minutes the first time
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${VITALS_CONTAINERS_DIR:-/var/tmp/vitals-containers}"
podman() { "$here/podman.sh" "$@"; }
log() { printf '%s images: %s\n' "$(date -u +%H:%M:%S)" "$*"; }

mapfile -t needed < <("$here/missing-tools.sh")
if [ "${#needed[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "images: missing ${needed[*]} (install them, or run as root to have them installed)" >&2
    exit 2
  fi
  log "installing ${needed[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}"
fi
mkdir -p "$dir"

# A cached image is reused only when it was built from the same inputs: their hash is a label.
inputs_hash() { cat "$@" | sha256sum | cut -c1-16; }
cached() {
  local name="$1" hash="$2"
  [ "${VITALS_REBUILD_BASES:-}" != 1 ] || return 1
  podman image exists "$name" || return 1
  [ "$(podman image inspect --format '{{index .Labels "dev.vitals.inputs"}}' "$name")" = "$hash" ]
}

# base NAME PACKAGES: a minimal Debian bookworm with the packages, imported as an image.
base() {
  local name="$1" packages="$2" hash
  hash="$(echo "$packages" | sha256sum | cut -c1-16)"
  if cached "$name" "$hash"; then
    log "$name: cached"
    return
  fi
  log "$name: mmdebstrap $packages"
  local tar="$dir/base-$$.tar"
  # The JRE's postinst writes man pages links; minbase has no /usr/share/man/man1.
  mmdebstrap --quiet --mode=root --variant=minbase --include="$packages" \
    --setup-hook='mkdir -p "$1/usr/share/man/man1"' bookworm "$tar"
  podman import --quiet --change 'ENV LANG=C.UTF-8' --change "LABEL dev.vitals.inputs=$hash" \
    "$tar" "$name" >/dev/null
  rm -f "$tar"
}

base localhost/vitals-base-jre:bookworm openjdk-17-jre-headless,ca-certificates
base localhost/vitals-base-build:bookworm openjdk-17-jdk-headless,maven,ca-certificates
base localhost/vitals-base-stores:bookworm prometheus,prometheus-alertmanager,victoria-metrics,ca-certificates
stores_hash="$(inputs_hash "$here/stores/Containerfile" \
  <(podman image inspect --format '{{.Id}}' localhost/vitals-base-stores:bookworm))"
if cached localhost/vitals-stores:bookworm "$stores_hash"; then
  log "localhost/vitals-stores:bookworm: cached"
else
  log "localhost/vitals-stores:bookworm: entrypoint paths"
  podman build --quiet --format docker --build-arg BASE_IMAGE=localhost/vitals-base-stores:bookworm \
    --label "dev.vitals.inputs=$stores_hash" \
    -t localhost/vitals-stores:bookworm -f "$here/stores/Containerfile" "$here/stores" >/dev/null
fi

# Kafka: the broker's jars from the local Maven repository (the build resolved them for the
# embedded broker), at the version the project builds against.
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/pom.xml" | head -1)"
slf4j_version="$(sed -n 's:.*<slf4j.version>\(.*\)</slf4j.version>.*:\1:p' "$root/pom.xml" | head -1)"
kafka_image="localhost/vitals-kafka:$kafka_version"
kafka_hash="$(inputs_hash "$here"/kafka/pom.xml "$here"/kafka/Containerfile "$here"/kafka/*.sh \
  "$here"/kafka/bin/* <(echo "$kafka_version $slf4j_version") \
  <(podman image inspect --format '{{.Id}}' localhost/vitals-base-jre:bookworm))"
if cached "$kafka_image" "$kafka_hash"; then
  log "$kafka_image: cached"
else
  log "$kafka_image: from Maven artifacts"
  context="$(mktemp -d)"
  trap 'rm -rf "$context"' EXIT
  (cd "$root" && ./mvnw -B -q -f docker/ci/kafka/pom.xml dependency:copy-dependencies \
    -Dkafka.version="$kafka_version" -Dslf4j.version="$slf4j_version" -DoutputDirectory="$context/libs" -DincludeScope=runtime)
  cp -r "$here/kafka/entrypoint.sh" "$here/kafka/Containerfile" "$here/kafka/bin" "$context/"
  podman build --quiet --format docker --build-arg RUNTIME_IMAGE=localhost/vitals-base-jre:bookworm \
    --label "dev.vitals.inputs=$kafka_hash" -t "$kafka_image" -f "$context/Containerfile" "$context" >/dev/null
fi
podman tag "$kafka_image" localhost/vitals-kafka:ci

# Vitals, from docker/Dockerfile as users build it, with the Debian bases. Maven inside reads the
# host's local repository through an overlay (nothing written back) and trusts the host's CAs.
log "localhost/vitals:ci: docker/Dockerfile"
m2="${MAVEN_REPO_DIR:-$HOME/.m2}"
mkdir -p "$m2"
podman build --format docker --network host \
  --volume "$m2:/root/.m2:O" \
  --volume /etc/ssl/certs/java/cacerts:/etc/ssl/certs/java/cacerts:ro \
  --build-arg BUILD_IMAGE=localhost/vitals-base-build:bookworm \
  --build-arg RUNTIME_IMAGE=localhost/vitals-base-jre:bookworm \
  -t localhost/vitals:ci -f "$root/docker/Dockerfile" "$root"
podman image prune -f >/dev/null
log "done"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep vitals
