#!/usr/bin/env bash
# One release archive: package.sh <program> <target> <version> <out-dir>
# → <out-dir>/luoshi-<version>-<target>.zip (Windows) or .tar.gz, holding
#   luoshi-<version>-<target>/luoshi[.exe], README.md, 设置/ (luoshi init's files).
set -euo pipefail
exe=$1 target=$2 version=$3 out=$4
root=$(cd "$(dirname "$0")/.." && pwd)
name="luoshi-$version-$target"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name" "$out"
cp "$exe" "$stage/$name/"
cp "$root/README.md" "$stage/$name/"
mkdir "$stage/$name/设置"
# The settings as luoshi init writes them; never its lock or manifest.
find "$root/release/设置" -maxdepth 1 -type f ! -name '.*' -exec cp {} "$stage/$name/设置/" \;
out=$(cd "$out" && pwd)
case "$target" in
  *windows*)
    if command -v 7z >/dev/null 2>&1; then (cd "$stage" && 7z a -tzip "$out/$name.zip" "$name" >/dev/null)
    else (cd "$stage" && zip -qr "$out/$name.zip" "$name"); fi ;;
  *) tar -C "$stage" -czf "$out/$name.tar.gz" "$name" ;;
esac
ls "$out"
