#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the small Linux guest kernel (docs/testing.md, "The tiny kernel"):
# Debian's linux-source-6.1 with `make ARCH=x86_64 tinyconfig` plus the
# fragment tests/linux/tiny.config, every option of which is checked in the
# final .config.
#
#   tools/build-tiny-kernel.sh OUTPUT [FRAGMENT]
#
# The bzImage is cached outside the build tree (CI runs make distclean on a
# fresh clone), in ${V3_CACHE:-/var/cache/v3}/tiny-kernel/HASH/bzImage, HASH
# being the sha256 of the fragment, this script and the linux-source-6.1
# package version: a cached kernel is just copied.
# Environment: V3_CACHE (cache root), V3_TINY_JOBS (make -j, default 2),
# TMPDIR (where the source is unpacked; ~1.5 GB, removed afterwards).
set -eu

die() { echo "build-tiny-kernel: error: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 OUTPUT [FRAGMENT]"
out=$1
here=$(cd "$(dirname "$0")" && pwd)
script="$here/$(basename "$0")"
fragment=${2:-$here/../tests/linux/tiny.config}
[ -f "$fragment" ] || die "no config fragment $fragment"
fragment=$(cd "$(dirname "$fragment")" && pwd)/$(basename "$fragment")
src_pkg=linux-source-6.1
tarball=/usr/src/linux-source-6.1.tar.xz
jobs=${V3_TINY_JOBS:-2}

version=$(dpkg-query -W -f='${Version}' "$src_pkg" 2>/dev/null) ||
	die "package $src_pkg is not installed (make deps, or apt-get install $src_pkg)"
[ -n "$version" ] && [ -f "$tarball" ] ||
	die "$tarball missing although $src_pkg $version is known to dpkg (reinstall it)"

hash=$( { cat "$fragment" "$script"; echo "$src_pkg $version"; } | sha256sum | cut -d' ' -f1)
cache_root=${V3_CACHE:-/var/cache/v3}
cache_dir=$cache_root/tiny-kernel/$hash
cached=$cache_dir/bzImage

mkdir -p "$(dirname "$out")"
if [ -s "$cached" ]; then
	echo "  TINY    $out (cached: $cached)"
	cp "$cached" "$out.tmp" && mv "$out.tmp" "$out"
	exit 0
fi

mkdir -p "$cache_dir" 2>/dev/null && [ -w "$cache_dir" ] ||
	die "cannot write the cache directory $cache_dir (set V3_CACHE to a writable directory)"
for tool in make gcc bc flex bison xz perl; do
	command -v "$tool" >/dev/null || die "$tool not found (make deps installs the kernel build tools)"
done
[ -f /usr/include/libelf.h ] || die "libelf.h not found (apt-get install libelf-dev)"
[ -f /usr/include/openssl/ssl.h ] || die "openssl headers not found (apt-get install libssl-dev)"

start=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/v3-tiny-kernel.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
log=$work/build.log
echo "  TINY    building $src_pkg $version (tinyconfig + $(basename "$fragment")) in $work, -j$jobs"

tar -C "$work" -xJf "$tarball" || die "unpacking $tarball failed"
ksrc=$work/$src_pkg
[ -d "$ksrc" ] || die "$tarball did not unpack to $src_pkg/"

kmake() {
	make -C "$ksrc" ARCH=x86_64 "$@" >>"$log" 2>&1 || {
		tail -n 40 "$log" >&2
		die "make $* failed (the last lines of the build log are above)"
	}
}

kmake tinyconfig
# -m: merge only; olddefconfig then resolves the dependencies.
(cd "$ksrc" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m .config "$fragment") >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "merging $fragment failed"; }
kmake olddefconfig

# Every option of the fragment must have survived olddefconfig as written.
bad=
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF "$line" "$ksrc/.config" ||
			bad="$bad
  wanted $line, got: $(grep -E "^(# )?${line%%=*}[= ]" "$ksrc/.config" || echo "(absent: unmet dependency or unknown option)")"
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		if grep -q "^$opt=" "$ksrc/.config"; then
			bad="$bad
  wanted $line, got: $(grep "^$opt=" "$ksrc/.config")"
		fi
		;;
	esac
done <"$fragment"
[ -z "$bad" ] || die "options of $fragment not in the final .config:$bad"

kmake -j"$jobs" bzImage
image=$ksrc/arch/x86/boot/bzImage
[ -s "$image" ] || die "no $image after the build"

cp "$ksrc/.config" "$cache_dir/config.tmp" && mv "$cache_dir/config.tmp" "$cache_dir/config"
cp "$image" "$cache_dir/bzImage.tmp.$$" && mv "$cache_dir/bzImage.tmp.$$" "$cached"
cp "$cached" "$out.tmp" && mv "$out.tmp" "$out"
end=$(date +%s)
echo "  TINY    $out ($(stat -c %s "$out") bytes) built in $((end - start)) s, cached in $cache_dir"
