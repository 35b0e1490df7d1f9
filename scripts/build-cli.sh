#!/bin/sh
# npm postinstall: build the CLI bundle with the Bun that bin/bunflare runs
# (the npm `bun` package). Never fails the install: without a bundle the
# launcher runs the sources.
cd "$(dirname "$0")/.." || exit 0
bun=""
dir=$(pwd -P)
while :; do
  if [ -x "$dir/node_modules/bun/bin/bun.exe" ]; then bun="$dir/node_modules/bun/bin/bun.exe"; break; fi
  [ "$dir" = "/" ] && break
  dir=$(dirname "$dir")
done
[ -z "$bun" ] && bun=$(command -v bun 2>/dev/null)
[ -z "$bun" ] && exit 0
"$bun" scripts/build-cli.ts || echo "bunflare: could not build the CLI bundle; commands run from the sources (a little slower)." >&2
exit 0
