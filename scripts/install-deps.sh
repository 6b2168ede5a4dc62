#!/usr/bin/env bash
# Installs the Debian packages the test tiers and the demo use. Idempotent; needs root.
# Each package and why: see docs/dependencies.md.
set -euo pipefail
PKGS=(
  build-essential python3   # node-gyp builds the native addon
  iproute2 nftables ethtool iputils-ping procps   # netns rigs, the kernel guard, offload settings
  tcpdump tshark wireshark-common                 # capture tools: codec tests, checksum verification
  socat                                           # simple peers in netns tests
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all Debian packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run this script as root to install them)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
