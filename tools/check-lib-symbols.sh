#!/bin/sh
# libv3vee.a must be self-contained: the host reaches it only through
# struct v3_host_ops, so no symbol may stay undefined once the archive's own
# members are taken into account.
set -eu
lib=$1
defined=$(mktemp) undefined=$(mktemp)
trap 'rm -f "$defined" "$undefined"' EXIT
nm --defined-only -g "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u >"$defined"
nm -u "$lib" 2>/dev/null | awk 'NF == 2 { print $2 }' | sort -u >"$undefined"
missing=$(comm -23 "$undefined" "$defined")
if [ -n "$missing" ]; then
	echo "error: $lib has undefined symbols (the core may only use the host ops table):" >&2
	echo "$missing" | sed 's/^/  /' >&2
	exit 1
fi
