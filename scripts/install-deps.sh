#!/usr/bin/env bash
# Installs the Debian 12 packages floodtwin needs to build, test and run (as root or via sudo).
set -euo pipefail
packages=(
  build-essential cmake ninja-build git
  libeigen3-dev libgtest-dev libgmock-dev
  libgdal-dev gdal-bin libhdf5-dev hdf5-tools libnetcdf-dev libtomlplusplus-dev
  pybind11-dev python3-dev python3-numpy python3-pytest python3-xarray python3-netcdf4
  python3-gdal python3-h5py python3-setuptools python3-pip python3-venv python3-wheel python3-matplotlib
  libvtk9-dev libx11-dev xvfb xauth libgl1-mesa-dri ffmpeg
  black python3-flake8
  libxml2-utils
  openmpi-bin libopenmpi-dev
  chromium
  clang libclang-rt-14-dev libomp-dev
)
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The web viewer's JavaScript libraries (Leaflet, proj4js; puppeteer-core for the browser
# tests), pinned by web/package-lock.json, from the npm registry (docs/web.md).
# Node.js and npm: Debian's when none is installed (a NodeSource node brings its own npm).
root="$(cd "$(dirname "$0")/.." && pwd)"
npm_deps() {
  if ! command -v npm > /dev/null; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  if [ ! -f "$root/web/node_modules/.package-lock.json" ] ||
    [ "$root/web/package-lock.json" -nt "$root/web/node_modules/.package-lock.json" ]; then
    npm ci --prefix "$root/web" --no-audit --no-fund --loglevel=error
  fi
}
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages present"
  npm_deps
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
npm_deps
