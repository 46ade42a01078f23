#!/bin/sh
# Prove that a collection form saved again by LibreOffice (a stand-in for Excel and WPS) still imports:
# carework form → soffice --convert-to xlsx → carework import, for every sample school. Needs soffice
# (Debian: apt-get install libreoffice-calc-nogui). The test suite runs the same check on one school when
# soffice is present (tests/test_spreadsheets.py) and skips, saying why, when it is not.
set -eu
command -v soffice >/dev/null || { echo "soffice not found: apt-get install libreoffice-calc-nogui" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/forms" "$work/resaved" "$work/out"
for record in data/schools/*.yaml; do
  code=$(basename "$record" .yaml)
  carework form "$code" -o "$work/forms/$code.xlsx" >/dev/null
done
start=$(date +%s)
soffice "-env:UserInstallation=file://$work/profile" --headless --convert-to xlsx --outdir "$work/resaved" "$work"/forms/*.xlsx >/dev/null
echo "LibreOffice re-saved $(ls "$work/resaved" | wc -l) forms in $(( $(date +%s) - start ))s"
carework import "$work"/resaved/*.xlsx --into "$work/out" >/dev/null  # exits 3 if any form has an error
echo "every re-saved form imported: $(ls "$work/out" | wc -l) records"
