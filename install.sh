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
#   YARC_ALLOW_HTTP=1  allow plain http:// for YARC_DOWNLOAD_URL and for redirects; without it
#                      an http:// URL, or a redirect from https to http, is refused
#   YARC_ARCHIVE_CACHE a folder that keeps the verified archive (the GitHub Action caches it):
#                      a cached archive is checked against a fresh SHA256SUMS like a download,
#                      and downloaded again when it does not match
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

# Plain http lets anyone on the way swap both the archive and SHA256SUMS: https only, for the
# first URL and every redirect, unless YARC_ALLOW_HTTP=1 says otherwise.
if [ "${YARC_ALLOW_HTTP:-}" = 1 ]; then
    protos='=https,http'
else
    protos='=https'
fi
case "$base" in
    https://*) ;;
    http://*) [ "$protos" = '=https,http' ] || fail "refusing to download over plain http ($base); set YARC_ALLOW_HTTP=1 to allow it" ;;
    *) fail "YARC_DOWNLOAD_URL must be an https:// URL, not $base" ;;
esac

not_https() {
    rm -f "$2"
    fail "refusing $1: it redirects to a URL that is not https; set YARC_ALLOW_HTTP=1 to allow it"
}

fetch() {
    if command -v curl >/dev/null 2>&1; then
        rc=0
        curl --proto "$protos" --proto-redir "$protos" -fsSL --retry 2 -o "$2" "$1" || rc=$?
        # curl's 1 is "unsupported protocol": here, a redirect --proto-redir refused.
        [ "$rc" -ne 1 ] || not_https "$1" "$2"
        [ "$rc" -eq 0 ] || fail "cannot download $1"
    elif command -v wget >/dev/null 2>&1; then
        # wget cannot refuse a redirect by scheme: its headers (-S) show where it went, and a
        # download that went through http is thrown away before anything is installed.
        wget -S -q -O "$2" "$1" 2>"$2.headers" || fail "cannot download $1"
        if [ "$protos" = '=https' ] && grep -qi '^ *location: *http:' "$2.headers"; then
            not_https "$1" "$2"
        fi
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
fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS"
expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS has no line for $asset"
cache=${YARC_ARCHIVE_CACHE:-}
if [ -n "$cache" ] && [ -f "$cache/$asset" ]; then
    if [ "$(sha256 "$cache/$asset")" = "$expected" ]; then
        cp "$cache/$asset" "$tmp/$asset"
    else
        echo "yarc install: the cached $asset does not match SHA256SUMS; downloading it again" >&2
    fi
fi
[ -f "$tmp/$asset" ] || fetch "$base/$asset" "$tmp/$asset"
actual=$(sha256 "$tmp/$asset")
[ "$expected" = "$actual" ] || fail "checksum mismatch for $asset: expected $expected, got $actual; nothing was installed"

tar -xzf "$tmp/$asset" -C "$tmp" || fail "$asset is not a gzip'd tar archive"
[ -f "$tmp/yarc-$target/yarc" ] || fail "$asset has no yarc-$target/yarc"
chmod 755 "$tmp/yarc-$target/yarc"
# A tag asked for is the version installed (a mirror or a cache serving another is refused).
if [ "$version" != latest ]; then
    got=$("$tmp/yarc-$target/yarc" --version 2>/dev/null) || got="(it does not run here)"
    [ "$got" = "yarc ${version#v}" ] || fail "$asset is $got, not yarc ${version#v}; nothing was installed"
fi
if [ -n "$cache" ]; then
    mkdir -p "$cache" && cp "$tmp/$asset" "$cache/$asset.new" && mv "$cache/$asset.new" "$cache/$asset" \
        || fail "cannot write $cache/$asset"
fi
mkdir -p "$dir" || fail "cannot create $dir"
cp "$tmp/yarc-$target/yarc" "$dir/yarc.new" && chmod 755 "$dir/yarc.new" && mv "$dir/yarc.new" "$dir/yarc" \
    || fail "cannot write $dir/yarc"
echo "installed $("$dir/yarc" --version) to $dir/yarc"
case ":$PATH:" in
    *":$dir:"*) ;;
    *) echo "note: $dir is not on PATH" ;;
esac
