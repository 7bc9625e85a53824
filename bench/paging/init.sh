#!/bin/busybox sh
# The init of bench/paging's Linux VM: page-table-update-heavy user-space loops, each
# bracketed by "bench: NAME start UPTIME" / "bench: NAME done UPTIME" lines (UPTIME is the
# guest's /proc/uptime, read with the shell's builtin read: no fork). run.py timestamps the
# same lines on the host as they arrive on the serial port.
echo "bench: init started"
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs -o size=200m tmp /tmp
# 4 KiB pages only: anonymous memory is not backed by 2 MiB pages (THP), so every page
# touched is a fault and a page-table update.
echo never >/sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
mark() { read up idle </proc/uptime; echo "bench: $1 $up"; }

# fork/exec: 500 x fork + exec of busybox (/bin/true) and wait.
mark "fork start"
i=0
while [ $i -lt 500 ]; do /bin/true; i=$((i + 1)); done
mark "fork done"

# mmap/munmap: 40 processes (dd) that each mmap an 8 MiB buffer, fault in its 2048 pages
# (reading /dev/zero into it), and unmap it at exit.
mark "anon start"
i=0
while [ $i -lt 40 ]; do dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null; i=$((i + 1)); done
mark "anon done"

# tmpfs: 2 x write a 64 MiB file into tmpfs, read it back (md5sum), delete it.
mark "tmpfs start"
i=0
while [ $i -lt 2 ]; do
	dd if=/dev/zero of=/tmp/f bs=1M count=64 2>/dev/null
	sum=$(md5sum </tmp/f)
	rm /tmp/f
	i=$((i + 1))
done
mark "tmpfs done"
echo "bench: tmpfs md5 ${sum%% *}"
echo "bench: powering off"
poweroff -f
