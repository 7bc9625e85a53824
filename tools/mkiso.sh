#!/bin/sh
# mkiso.sh KERNEL OUT.iso [CMDLINE]: a GRUB rescue ISO that multiboots
# host-kitten, for Bochs (which cannot take -kernel) and real machines.
set -eu
kernel=$1 out=$2 cmdline=${3:-}
command -v grub-mkrescue >/dev/null || { echo "error: grub-mkrescue missing (make deps)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/host-kitten.bin"
cat >"$dir/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
menuentry "v3 host-kitten" {
	multiboot /boot/host-kitten.bin $cmdline
	boot
}
CFG
grub-mkrescue -o "$out" "$dir" >/dev/null 2>"$dir/log" || { cat "$dir/log" >&2; exit 1; }
echo "  ISO     $out"
