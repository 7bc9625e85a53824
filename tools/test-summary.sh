#!/bin/sh
# Reads build/test-results.txt (PASS|FAIL|SKIP <layer>/<name> <s>s) and
# prints the closing line; fails when any test failed or none ran.
set -eu
results=$1
passed=$(grep -c '^PASS ' "$results" || true)
failed=$(grep -c '^FAIL ' "$results" || true)
skipped=$(grep -c '^SKIP ' "$results" || true)
if [ "$failed" -gt 0 ]; then
	echo "failed tests:"
	grep '^FAIL ' "$results" | sed 's/^/  /'
fi
if [ "$skipped" -gt 0 ]; then
	echo "skipped tests:"
	grep '^SKIP ' "$results" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
