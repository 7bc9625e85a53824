#!/bin/sh
# run.sh RESULTS TEST...: runs each cmocka unit test binary, records
# PASS|FAIL unit/<name> <s>s in RESULTS and prints the output of failures.
set -u
results=$1
shift
status=0
for t in "$@"; do
	name=$(basename "$t")
	out=$(mktemp)
	start=$(date +%s.%N)
	if "$t" >"$out" 2>&1; then verdict=PASS; else verdict=FAIL; status=1; fi
	secs=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
	echo "$verdict unit/$name ${secs}s" >>"$results"
	echo "$verdict unit/$name ${secs}s ($(grep -E '^\[  (PASSED|FAILED)  \]' "$out" | tr '\n' ' '))"
	[ $verdict = FAIL ] && sed 's/^/    /' "$out"
	rm -f "$out"
done
exit $status
