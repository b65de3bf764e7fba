#!/usr/bin/env bash
# Re-fetches the Swagger UI and ReDoc files that /docs and /redoc serve (so the docs work offline) from the npm
# registry, at the versions pinned below, into app/static/docs/. To update: change a version, run
# `bash scripts/vendor_docs_assets.sh`, run `make test` (tests/test_docs_offline.py drives a real browser), commit.
#
# Every file is copied verbatim except redoc.standalone.js, where two things are changed (each must match
# exactly once, or this script stops):
#   - ReDoc's side menu shows a Redocly logo loaded from Redocly's CDN; its src is emptied, so the browser fetches
#     nothing and ReDoc drops the image (its onError handler); the "API docs by Redocly" link stays.
#   - the sourceMappingURL comment is removed, since the 4 MB source map is not vendored.
set -euo pipefail

SWAGGER_UI_VERSION=5.35.0 # swagger-ui-dist: FastAPI's own default is swagger-ui-dist@5
REDOC_VERSION=2.5.4       # redoc: FastAPI's get_redoc_html() targets redoc@2 (3.x wants a module script)

repo="$(cd "$(dirname "$0")/.." && pwd)"
dest="$repo/app/static/docs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
# npm pack checks each tarball against the integrity hash the registry publishes for that version.
npm pack --silent "swagger-ui-dist@$SWAGGER_UI_VERSION" "redoc@$REDOC_VERSION" >/dev/null
mkdir swagger-ui redoc
tar -xzf "swagger-ui-dist-$SWAGGER_UI_VERSION.tgz" -C swagger-ui --strip-components=1
tar -xzf "redoc-$REDOC_VERSION.tgz" -C redoc --strip-components=1

replace_once() { # FILE PYTHON-REGEX REPLACEMENT
  python3 - "$@" <<'PY'
import re, sys
path, pattern, replacement = sys.argv[1:]
text = open(path, encoding="utf-8").read()
new, count = re.subn(pattern, lambda _m: replacement, text)
if count != 1:
    sys.exit(f"{path}: expected exactly one match of {pattern!r}, found {count}; check the new version by hand")
open(path, "w", encoding="utf-8").write(new)
PY
}
replace_once redoc/bundles/redoc.standalone.js 'src:"https://cdn\.redoc\.ly/redoc/logo-mini\.svg"' 'src:""'
replace_once redoc/bundles/redoc.standalone.js '\n//# sourceMappingURL=redoc\.standalone\.js\.map\s*$' $'\n'

rm -rf "$dest"
mkdir -p "$dest/swagger-ui" "$dest/redoc"
cp swagger-ui/{swagger-ui-bundle.js,swagger-ui-bundle.js.LICENSE.txt,swagger-ui.css,favicon-32x32.png,LICENSE,NOTICE} \
  "$dest/swagger-ui/"
cp redoc/bundles/{redoc.standalone.js,redoc.standalone.js.LICENSE.txt} redoc/LICENSE "$dest/redoc/"
printf '{"swagger-ui-dist": "%s", "redoc": "%s"}\n' "$SWAGGER_UI_VERSION" "$REDOC_VERSION" >"$dest/versions.json"

echo "vendored swagger-ui-dist@$SWAGGER_UI_VERSION and redoc@$REDOC_VERSION into ${dest#"$repo"/}:"
(cd "$dest" && find . -type f | sort | xargs ls -l | awk '{printf "  %9d  %s\n", $5, $9}')
