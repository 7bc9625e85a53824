#!/bin/sh
# run-qemu.sh [--cpu MODEL] [--smp N] [--mem SIZE] [--append ARGS] KERNEL [VM_IMAGE...]
# Boots host-kitten under QEMU, with the VM images as multiboot modules, and
# exits with host-kitten's own status (isa-debug-exit: QEMU exits with 2N+1).
# The serial console is this terminal, both ways: what is typed goes to the
# VM's console, Ctrl-C included; Ctrl-A X kills QEMU, Ctrl-A H lists the
# other Ctrl-A commands (QEMU's monitor multiplexed on the serial line).
# Uses KVM when this machine can give a guest nested SVM/VMX, TCG otherwise.
set -eu
cpu="EPYC,+svm" smp=1 mem=1G append=
while [ $# -gt 0 ]; do
	case $1 in
	--cpu) cpu=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--*) echo "run-qemu.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ $# -lt 1 ]; then
	echo "usage: run-qemu.sh [--cpu MODEL] [--smp N] [--mem SIZE] [--append ARGS] KERNEL [VM_IMAGE...]" >&2
	exit 2
fi
kernel=$1
shift
# QEMU -initrd takes the modules comma-separated (a comma in a path is doubled).
modules=
for image in "$@"; do
	[ -f "$image" ] || { echo "run-qemu.sh: no VM image $image" >&2; exit 2; }
	modules="${modules:+$modules,}$(printf '%s' "$image" | sed 's/,/,,/g')"
done

kvm_nested() {
	[ -w /dev/kvm ] || return 1
	for f in /sys/module/kvm_amd/parameters/nested /sys/module/kvm_intel/parameters/nested; do
		[ -r "$f" ] && grep -qiE '^(1|y)' "$f" && return 0
	done
	return 1
}
if kvm_nested; then
	accel="-accel kvm" cpu=host
	echo "run-qemu: KVM with nested virtualization, -cpu host"
else
	accel="-accel tcg"
	echo "run-qemu: TCG (no nested KVM here), -cpu $cpu"
fi
set +e
# shellcheck disable=SC2086
qemu-system-x86_64 -machine q35 $accel -cpu "$cpu" -smp "$smp" -m "$mem" \
	-display none -monitor none -serial mon:stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$kernel" -append "$append" \
	${modules:+-initrd "$modules"}
rc=$?
set -e
if [ $((rc % 2)) -eq 1 ]; then
	exit $((rc >> 1))
fi
echo "run-qemu: QEMU exited with $rc without a host-kitten status (Ctrl-A X, a crash or a triple fault)" >&2
exit 1
