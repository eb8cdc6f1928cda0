#!/usr/bin/env bash
# Builds the .deb as `scripts/dev package` does and checks its name, version, Depends (computed by
# dpkg-shlibdeps from what the binary links) and its files.
#   package_test.sh CPACK BUILD_DIR VERSION
set -euo pipefail
cpack=$1 build=$2 version=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

"$cpack" -G DEB -B "$work" --config "$build/CPackConfig.cmake" >"$work/cpack.log" ||
    fail "cpack: $(cat "$work/cpack.log")"
deb=$work/asynclab_${version}_$(dpkg --print-architecture).deb
[[ -f $deb ]] || fail "no $deb; cpack wrote: $(ls "$work")"

[[ $(dpkg-deb -f "$deb" Package) == asynclab ]] || fail "Package: $(dpkg-deb -f "$deb" Package)"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "Version: $(dpkg-deb -f "$deb" Version)"
depends=$(dpkg-deb -f "$deb" Depends)
for library in libc6 'libstdc\+\+6' libuv1 'libfmt[0-9]+' 'libtomlplusplus[0-9]+'; do
    grep -Eq "(^|, )$library \(>= [^)]+\)" <<<"$depends" || fail "Depends lacks $library: $depends"
done

expected='./usr/bin/asynclab
./usr/share/bash-completion/completions/asynclab
./usr/share/doc/asynclab/changelog.gz
./usr/share/doc/asynclab/copyright
./usr/share/man/man1/asynclab.1.gz
./usr/share/zsh/vendor-completions/_asynclab'
actual=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -v '/$' | LC_ALL=C sort)
[[ $actual == "$expected" ]] || fail "files in the package: $(diff <(echo "$expected") <(echo "$actual"))"
echo "$(basename "$deb"): Depends: $depends"
