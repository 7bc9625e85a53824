#!/bin/sh
# Installs the Debian packages the build and the tests need, when missing.
# Needs root; without it, names what is missing and fails.
set -eu
pkgs="gcc make binutils nasm python3 python3-kconfiglib libcmocka-dev
qemu-system-x86 bochs bochsbios bochs-sdl vgabios seabios
grub-pc-bin grub-common xorriso mtools
linux-image-amd64 busybox-static cpio acpica-tools
linux-source-6.1 bc flex bison libelf-dev libssl-dev"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "error: missing Debian packages:$missing (run as root, or apt-get install them)" >&2
	exit 1
fi
echo "  APT     installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
