#!/usr/bin/env bash
# For a machine that reaches Debian's mirror and the npm registry but no container registry: builds
# local stand-ins for the two base images deploy/Dockerfile names (node:20-bookworm for the build,
# node:20-bookworm-slim to run) from Debian bookworm (debootstrap) and this machine's own Node 20,
# so that `deploy/check-image.sh` can build and check Tend's image. Where Docker Hub answers, the
# official images are used instead and this script is not needed.
#
#   sudo deploy/offline-base-images.sh            # podman (or CONTAINER_TOOL=docker)
#
# Needs root, debootstrap, and Node 20 with its headers (/usr/include/node) on the host. When the
# host trusts a proxy's certificate for the npm registry, the build image trusts the same bundle.
set -euo pipefail

tool=${CONTAINER_TOOL:-podman}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
node_binary=$(command -v node)
[[ $("$node_binary" --version) == v20.* ]] || { echo "needs Node 20 on the host" >&2; exit 1; }
npm_dir=$(dirname "$(readlink -f "$(command -v npm)")")/..
headers=${NODE_HEADERS:-/usr/include/node}
ca_bundle=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== Debian bookworm (minbase) from $mirror"
debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >/dev/null
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
"$tool" import "$work/rootfs.tar" localhost/debian-minbase:bookworm >/dev/null

echo "== node:20-bookworm-slim"
mkdir -p "$work/slim"
cp "$node_binary" "$work/slim/node"
cp -a "$npm_dir" "$work/slim/npm"
cat >"$work/slim/Containerfile" <<'EOF'
FROM localhost/debian-minbase:bookworm
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
CMD ["node"]
EOF
"$tool" build --pull=never --network host -t docker.io/library/node:20-bookworm-slim "$work/slim" >/dev/null

echo "== node:20-bookworm (compilers for node-gyp)"
mkdir -p "$work/full"
cp "$ca_bundle" "$work/full/ca-bundle.crt"
cp -a "$headers" "$work/full/node-headers"
cat >"$work/full/Containerfile" <<'EOF'
FROM docker.io/library/node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY ca-bundle.crt /etc/ssl/certs/host-ca-bundle.crt
# node-gyp would download Node's headers from nodejs.org; they come from the host instead.
COPY node-headers /usr/local/include/node
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca-bundle.crt \
    npm_config_cafile=/etc/ssl/certs/host-ca-bundle.crt \
    npm_config_nodedir=/usr/local
EOF
"$tool" build --pull=never --network host -t docker.io/library/node:20-bookworm "$work/full" >/dev/null
"$tool" images | grep -E "^(REPOSITORY|docker.io/library/node)"
