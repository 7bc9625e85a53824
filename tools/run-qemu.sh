#!/bin/sh
# run-qemu.sh [--cpu MODEL] [--smp N] [--mem SIZE] [--append ARGS] KERNEL
# Boots host-kitten under QEMU with its console on this terminal and exits
# with host-kitten's own status (isa-debug-exit: QEMU exits with 2N+1).
# Uses KVM when this machine can give a guest nested SVM/VMX, TCG otherwise.
set -eu
cpu="EPYC,+svm" smp=1 mem=1G append=
while [ $# -gt 1 ]; do
	case $1 in
	--cpu) cpu=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	*) echo "run-qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
kernel=$1

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
	-display none -monitor none -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$kernel" -append "$append"
rc=$?
set -e
if [ $((rc % 2)) -eq 1 ]; then
	exit $((rc >> 1))
fi
echo "run-qemu: QEMU exited with $rc without a host-kitten status (crash or triple fault?)" >&2
exit 1
