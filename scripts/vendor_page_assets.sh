#!/usr/bin/env bash
# Re-fetches the files the explorer page at / draws its map with (so it works offline) from the npm registry, at
# the versions pinned below, into app/static/page/vendor/. To update: change a version, run
# `bash scripts/vendor_page_assets.sh`, run `make test` (tests/test_page.py drives a real browser), commit.
#
# Every file is copied verbatim, with its package's license:
#   - world-atlas: Natural Earth's 1:110m country outlines as TopoJSON (Natural Earth is public domain);
#   - topojson-client: turns them into GeoJSON;
#   - d3-geo (and d3-array, which it needs): the projection and the SVG paths.
set -euo pipefail

WORLD_ATLAS_VERSION=2.0.2
TOPOJSON_CLIENT_VERSION=3.1.0
D3_GEO_VERSION=3.1.2
D3_ARRAY_VERSION=3.2.4 # within the range d3-geo's package.json asks for ("2.5.0 - 3")

repo="$(cd "$(dirname "$0")/.." && pwd)"
dest="$repo/app/static/page/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
# npm pack checks each tarball against the integrity hash the registry publishes for that version.
npm pack --silent "world-atlas@$WORLD_ATLAS_VERSION" "topojson-client@$TOPOJSON_CLIENT_VERSION" \
  "d3-geo@$D3_GEO_VERSION" "d3-array@$D3_ARRAY_VERSION" >/dev/null
for package in world-atlas topojson-client d3-geo d3-array; do
  mkdir "$package"
  tar -xzf "$package"-*.tgz -C "$package" --strip-components=1
done

rm -rf "$dest"
mkdir -p "$dest"
cp world-atlas/countries-110m.json "$dest/"
cp world-atlas/LICENSE "$dest/world-atlas.LICENSE.txt"
cp topojson-client/dist/topojson-client.min.js "$dest/"
cp topojson-client/LICENSE "$dest/topojson-client.LICENSE.txt"
cp d3-geo/dist/d3-geo.min.js "$dest/"
cp d3-geo/LICENSE "$dest/d3-geo.LICENSE.txt"
cp d3-array/dist/d3-array.min.js "$dest/"
cp d3-array/LICENSE "$dest/d3-array.LICENSE.txt"
printf '{"world-atlas": "%s", "topojson-client": "%s", "d3-geo": "%s", "d3-array": "%s"}\n' \
  "$WORLD_ATLAS_VERSION" "$TOPOJSON_CLIENT_VERSION" "$D3_GEO_VERSION" "$D3_ARRAY_VERSION" >"$dest/versions.json"

echo "vendored world-atlas@$WORLD_ATLAS_VERSION, topojson-client@$TOPOJSON_CLIENT_VERSION, d3-geo@$D3_GEO_VERSION" \
  "and d3-array@$D3_ARRAY_VERSION into ${dest#"$repo"/}:"
(cd "$dest" && find . -type f | sort | xargs ls -l | awk '{printf "  %9d  %s\n", $5, $9}')
