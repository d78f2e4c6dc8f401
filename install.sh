#!/bin/sh
# Installs yarc from its GitHub releases: picks the archive for this OS and architecture,
# checks it against the release's SHA256SUMS, and puts `yarc` in a directory of your choice.
#
#   curl -fsSL https://raw.githubusercontent.com/yarc-dev/yarc/main/install.sh | sh
#
# Environment:
#   YARC_VERSION       a tag (v0.2.0) or `latest` (default)
#   YARC_INSTALL_DIR   where `yarc` goes (default: $HOME/.local/bin)
#   YARC_REPO          owner/name on GitHub (default: yarc-dev/yarc)
#   YARC_DOWNLOAD_URL  the folder holding the archives and SHA256SUMS (default: the release's
#                      download URL; a mirror, or a local server in yarc's own tests)
set -eu

fail() {
    echo "yarc install: $*" >&2
    exit 1
}

os=${YARC_UNAME_S:-$(uname -s)}
arch=${YARC_UNAME_M:-$(uname -m)}
case "$os" in
    Linux) os_part=unknown-linux-musl ;;
    Darwin) os_part=apple-darwin ;;
    MINGW* | MSYS* | CYGWIN*) fail "on Windows, download yarc-x86_64-pc-windows-msvc.zip from the release page" ;;
    *) fail "unknown platform: $os $arch (releases exist for Linux and macOS on x86_64 and aarch64)" ;;
esac
case "$arch" in
    x86_64 | amd64) arch_part=x86_64 ;;
    aarch64 | arm64) arch_part=aarch64 ;;
    *) fail "unknown platform: $os $arch (releases exist for Linux and macOS on x86_64 and aarch64)" ;;
esac
target="$arch_part-$os_part"
asset="yarc-$target.tar.gz"

version=${YARC_VERSION:-latest}
repo=${YARC_REPO:-yarc-dev/yarc}
if [ -n "${YARC_DOWNLOAD_URL:-}" ]; then
    base=$YARC_DOWNLOAD_URL
elif [ "$version" = latest ]; then
    base="https://github.com/$repo/releases/latest/download"
else
    base="https://github.com/$repo/releases/download/$version"
fi
dir=${YARC_INSTALL_DIR:-$HOME/.local/bin}

fetch() {
    if command -v curl >/dev/null 2>&1; then
        curl --proto '=https,http' -fsSL --retry 2 -o "$2" "$1" || fail "cannot download $1"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1" || fail "cannot download $1"
    else
        fail "neither curl nor wget is installed"
    fi
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d' ' -f1
    else
        fail "neither sha256sum nor shasum is installed: the download cannot be checked"
    fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fetch "$base/$asset" "$tmp/$asset"
fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS"
expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS has no line for $asset"
actual=$(sha256 "$tmp/$asset")
[ "$expected" = "$actual" ] || fail "checksum mismatch for $asset: expected $expected, got $actual; nothing was installed"

tar -xzf "$tmp/$asset" -C "$tmp" || fail "$asset is not a gzip'd tar archive"
[ -f "$tmp/yarc-$target/yarc" ] || fail "$asset has no yarc-$target/yarc"
mkdir -p "$dir" || fail "cannot create $dir"
cp "$tmp/yarc-$target/yarc" "$dir/yarc.new" && chmod 755 "$dir/yarc.new" && mv "$dir/yarc.new" "$dir/yarc" \
    || fail "cannot write $dir/yarc"
echo "installed $("$dir/yarc" --version) to $dir/yarc"
case ":$PATH:" in
    *":$dir:"*) ;;
    *) echo "note: $dir is not on PATH" ;;
esac
