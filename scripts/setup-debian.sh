#!/usr/bin/env bash
# Installs what Duet needs to build and test on Debian 12, and nothing when it is all there.
# Run as root (or with sudo). Every dependency is a Debian package; nothing else is downloaded.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libeigen3-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libzip-dev libhdf5-dev
  libgtest-dev libgmock-dev libbenchmark-dev doxygen
  clang libclang-rt-14-dev
  # Tests only: duet-compare --report is opened in headless Chromium (tests/report), with a font.
  chromium fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all build dependencies are installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
  command -v sudo >/dev/null || { echo "setup: run as root to install packages" >&2; exit 1; }
else
  sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
