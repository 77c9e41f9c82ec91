#!/bin/sh
# Re-vendor the browser libraries the book ships (no CDN: the book works offline).
#   sh tools/vendor.sh            # the pinned versions below
#   MINISEARCH=7.2.0 sh tools/vendor.sh
# Each library comes from the npm registry through `npm pack` (the ordinary
# client); its UMD build and licence go under socioaffective/static/vendor/<name>/.
set -eu
MINISEARCH="${MINISEARCH:-7.2.0}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/socioaffective/static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent "minisearch@$MINISEARCH" >/dev/null
tar xzf "minisearch-$MINISEARCH.tgz"
mkdir -p "$dest/minisearch"
cp package/dist/umd/index.js "$dest/minisearch/minisearch.js"
cp package/LICENSE.txt "$dest/minisearch/LICENSE.txt"
printf 'minisearch %s (npm), dist/umd/index.js; MIT licence in LICENSE.txt\n' "$MINISEARCH" > "$dest/minisearch/VERSION"
# the UMD build ends with a source-map comment whose map we do not ship
sed -i '/^\/\/# sourceMappingURL=/d' "$dest/minisearch/minisearch.js"
echo "vendored minisearch $MINISEARCH into $dest/minisearch"
