#!/bin/sh
# bench/exit-cost/run.sh [--emu qemu|bochs] [--cpu MODEL]...: runs the
# exit-cost guest under each configuration and host-kitten's native compute
# loop in the same run, and writes bench/exit-cost/REPORT.md. Not a test:
# numbers depend on the machine; exit counts do not.
set -eu
cd "$(dirname "$0")/../.."
img=build/bench/exit-cost/exit-cost.img
out=bench/exit-cost/REPORT.md
work=build/bench/exit-cost/runs
mkdir -p "$work"

run_qemu() {  # name cpu append [module]
	name=$1 cpu=$2 append=$3 module=${4:-}
	set -- -machine q35 -accel tcg -cpu "$cpu" -m 512M -display none -monitor none \
		-serial "file:$work/$name.log" -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel build/host-kitten.bin -append "$append"
	[ -n "$module" ] && set -- "$@" -initrd "$module"
	timeout 600 qemu-system-x86_64 "$@" >/dev/null 2>&1 || true
	tr -d '\r' <"$work/$name.log" >"$work/$name.txt"
}

run_bochs() {  # name model append [module]
	name=$1 model=$2 append=$3 module=${4:-}
	case=$work/cases/bochs-x/$name.test
	mkdir -p "$(dirname "$case")"
	{
		echo "cpu: $model"
		echo "timeout: 900"
		[ -n "$append" ] && echo "cmdline: $append"
		[ -n "$module" ] && echo "module: $module"
		echo "expect: hk: exit status 0"
	} >"$case"
	/usr/bin/python3 tests/system/harness.py --kernel build/host-kitten.bin \
		--results "$work/bochs-results.txt" --workdir "$work/bochs" "$case" >/dev/null || true
	tr -d '\r' <"$work/bochs/bochs-x/$name/serial.log" >"$work/$name.txt"
}

mhz() { sed -n 's/^hk: TSC \([0-9.]*\) MHz.*/\1/p' "$1" | head -n1; }
ticks() { awk -v k="$2" '$1 == "vm" && $3 == "bench" && $4 == k { print $6 }' "$1" | head -n1; }
native() { awk '$1 == "bench" && $2 == "native-compute" { print $4 }' "$1" | head -n1; }
stats() { sed -n 's/^v3: vm exitcost: vcpu 0 on cpu [0-9]*: \(.*\)$/\1/p' "$1" | head -n1; }

row() {  # label guest-log native-log
	log=$1 nat=$2 label=$3
	m=$(mhz "$log")
	[ -n "$m" ] || { echo "| $label | (run failed: see $log) | | | | |"; return; }
	rate() { awk -v t="$1" -v n=20000 -v m="$m" 'BEGIN { if (t > 0) printf "%.0f", n / (t / (m * 1e6)); else print "-" }'; }
	c=$(ticks "$log" cpuid) h=$(ticks "$log" hypercall) p=$(ticks "$log" portio)
	v=$(ticks "$log" compute) n=$(native "$nat")
	ratio=$(awk -v v="$v" -v n="$n" 'BEGIN { if (n > 0) printf "%.3f", v / n; else print "-" }')
	echo "| $label | $(rate "$c") | $(rate "$h") | $(rate "$p") | $ratio | $(stats "$log") |"
}

run_qemu svm-guest "EPYC,+svm" "" "$img"
run_qemu svm-native "EPYC,+svm" "hk.test=bench-compute"
rows=$(row "$work/svm-guest.txt" "$work/svm-native.txt" "AMD-V, QEMU TCG, EPYC,+svm")
if [ "${BENCH_BOCHS:-1}" = 1 ]; then
	for model in ryzen corei7_skylake_x; do
		run_bochs "$model-guest" "$model" "" "$img"
		run_bochs "$model-native" "$model" "hk.test=bench-compute"
		rows="$rows
$(row "$work/$model-guest.txt" "$work/$model-native.txt" "Bochs $model")"
	done
fi

cat >"$out" <<REPORT
# bench/exit-cost

Round trips per second of one exit kind (guest instruction, #VMEXIT, VMM
handling, VMRUN/VMRESUME back), measured by the guest with RDTSC over 20000
iterations and converted with the TSC rate host-kitten calibrated. "compute"
is the virtualized/native time ratio of the same integer loop (20M
iterations, bench/exit-cost/compute.h) run as a guest and natively by
host-kitten in the same emulator: 1.000 means the VMM costs the computing
guest nothing. The exit counts are the VMM's own statistics for the whole
run; the compute loop adds none (no exit kind grows with it: the io exits
are the guest's report lines and port-I/O loop, the rest are the loops).

Under Bochs the TSC counts emulated time (ips=200M instructions per emulated
second), so its rates are per emulated second: they compare AMD-V with VT-x
inside the same emulator, not with QEMU. In wall-clock time Bochs does about
45-55k exits per second on this machine.

Regenerate: \`make bench-exit-cost\` (BENCH_BOCHS=0 to skip Bochs).
Machine: $(nproc) cpus, $(uname -m), QEMU $(qemu-system-x86_64 --version | head -n1 | awk '{print $4}'), Bochs 2.7; $(date -u +%Y-%m-%d).

| configuration | cpuid/s | hypercall/s | port I/O/s | compute virt/native | exits of the run |
|---|---|---|---|---|---|
$rows
REPORT
cat "$out"
