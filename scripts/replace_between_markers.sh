#!/usr/bin/env bash
# Replaces the lines of a Markdown file between `<!-- NAME -->` and `<!-- /NAME -->` with the
# contents of a file, so that a table in the documentation is the script's that measured it.
# Usage: scripts/replace_between_markers.sh DOC.md NAME CONTENT_FILE
set -euo pipefail
doc=$1 name=$2 content=$3
grep -qxF "<!-- $name -->" "$doc" && grep -qxF "<!-- /$name -->" "$doc" ||
  { echo "$doc: no <!-- $name --> ... <!-- /$name --> markers" >&2; exit 2; }
awk -v name="$name" -v file="$content" '
  $0 == "<!-- " name " -->" { print; while ((getline line < file) > 0) print line; skip = 1; next }
  $0 == "<!-- /" name " -->" { skip = 0 }
  !skip { print }' "$doc" >"$doc.tmp"
mv "$doc.tmp" "$doc"
