#!/bin/busybox sh
# The init of the Linux guest test (tests/linux, docs/testing.md): every line
# it prints starting "init:" is asserted by tests/system/cases/linux/*.test.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs -o size=300m tmp /tmp
echo "init: uname -r: $(uname -r)"
echo "init: cpu: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "init: date: $(date -u +%Y-%m-%dT%H:%M)"
[ -e /dev/rtc0 ] && echo "init: rtc: $(hwclock -r -u -f /dev/rtc0 2>&1 | head -n1)"
# 256 MiB of random data written to RAM (tmpfs), then read back twice: the
# checksums must agree and the size must be exact. v3test.mem_mib=N on the
# kernel command line (1..280) makes it N MiB: Bochs needs ~18 min for 256.
mib=256
for arg in $(cat /proc/cmdline); do
	case $arg in v3test.mem_mib=*) mib=${arg#v3test.mem_mib=} ;; esac
done
case $mib in ''|*[!0-9]*) echo "init: memory: MISMATCH: bad v3test.mem_mib=$mib"; mib=256 ;; esac
[ "$mib" -ge 1 ] && [ "$mib" -le 280 ] || { echo "init: memory: MISMATCH: bad v3test.mem_mib=$mib"; mib=256; }
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/urandom of=/tmp/big bs=1M count=$mib 2>/dev/null
size=$(stat -c %s /tmp/big)
a=$(md5sum </tmp/big | cut -d' ' -f1)
b=$(md5sum </tmp/big | cut -d' ' -f1)
t1=$(cut -d' ' -f1 /proc/uptime)
if [ "$size" = $((mib * 1048576)) ] && [ "$a" = "$b" ]; then
	echo "init: memory: $mib MiB written and verified ($a, $t0-$t1 s uptime)"
else
	echo "init: memory: MISMATCH size $size, checksums $a $b"
fi
rm -f /tmp/big
# The timer and the serial port have been interrupting: their lines count up.
grep -E '^ *([0-9]+: .*(timer|ttyS0)|LOC: .*)' /proc/interrupts | sed 's/^/init: irq: /'
echo "init: powering off"
poweroff -f
