#!/bin/busybox sh
# The init of the interactive demo VM (make run, demo/linux-shell.xml): mounts the
# pseudo file systems, says how to leave, and gives the serial console an
# interactive busybox shell; the VM powers off when that shell exits.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
hostname v3-guest
export HOME=/root PS1='v3-guest:\w\$ '
mkdir -p /root
cd /root
echo
echo "v3 demo: Linux $(uname -r), a guest of the v3 VMM on host-kitten."
echo "To leave: type 'poweroff -f' to power the VM off (host-kitten then exits),"
echo "or 'exit' (the VM powers off), or press Ctrl-A X to kill QEMU."
echo
# The shell needs a session of its own with ttyS0 as its controlling terminal,
# for Ctrl-C and job control: cttyhack finds the real console, setsid makes the
# session. It runs in a foreground subshell: there setsid needs no fork of its
# own (which would return at once), and unlike a job started with & its
# commands do not inherit SIGINT ignored.
( exec setsid cttyhack sh -l )
echo "init: the shell exited, powering off"
poweroff -f
