#!/bin/sh
# Checks the flat multiboot image against its ELF: the header's load end
# must not pass the end of the file (QEMU: "fread() failed") and the header
# must sit in the first 8 KiB.
set -eu
elf=$1 bin=$2
sym() { nm "$elf" | awk -v s="$1" '$3 == s { print $1 }'; }
start=$((0x$(sym __kernel_start))) load_end=$((0x$(sym __load_end))) hdr=$((0x$(sym hk_multiboot_header)))
size=$(stat -c %s "$bin")
if [ $((load_end - start)) -gt "$size" ]; then
	echo "error: $bin: multiboot load end 0x$(printf %x $load_end) is past the file end ($size bytes)" >&2
	exit 1
fi
if [ $((hdr - start)) -ge 8192 ]; then
	echo "error: $bin: multiboot header at offset $((hdr - start)), must be in the first 8 KiB" >&2
	exit 1
fi
