#!/bin/busybox sh
# The init of bench/linux-boot: the same initramfs is booted natively by QEMU
# and as a v3 VM. The host script (run.py) timestamps each "bench:" line as it
# arrives on the serial port; nothing here reads a guest clock.
echo "bench: init started"
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
mount -t tmpfs -o size=100m tmp /tmp
# 64 MiB of random data into RAM (tmpfs), then its checksum.
echo "bench: checksum start"
dd if=/dev/urandom of=/tmp/big bs=1M count=64 2>/dev/null
echo "bench: checksum done: $(md5sum </tmp/big | cut -d' ' -f1) $(stat -c %s /tmp/big) bytes"
echo "bench: powering off"
poweroff -f
