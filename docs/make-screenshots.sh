#!/usr/bin/env bash
# Renders the README's screenshots with `kiosk screenshot` (offscreen; no display needed).
set -euo pipefail
cd "$(dirname "$0")/.."
kiosk=(.venv/bin/python -m kiosk screenshot)
out=docs/screenshots
mkdir -p "$out"
for page in welcome still-here staff-pin staff home intro section:1 section:2 section:3 section:4 section:5 section:6 questions; do
  name=${page/:/-}
  "${kiosk[@]}" --page "$page" --size 1920x1080 --tick 2,4 --out "$out/landscape-$name.png"
  "${kiosk[@]}" --page "$page" --size 1080x1920 --tick 2,4 --out "$out/portrait-$name.png"
done
# The same pages in Spanish, as a patient who picks "Español" sees them.
for page in welcome still-here home intro section:1 section:2 section:3 section:4 section:5 section:6 questions; do
  name=${page/:/-}
  "${kiosk[@]}" --page "$page" --language es --size 1920x1080 --tick 2,4 --out "$out/es-landscape-$name.png"
  "${kiosk[@]}" --page "$page" --language es --size 1080x1920 --tick 2,4 --out "$out/es-portrait-$name.png"
done
"${kiosk[@]}" --page questions --size 1920x1080 --tick 2,4 --theme high_contrast \
  --out "$out/landscape-questions-high-contrast.png"
"${kiosk[@]}" --page section:1 --size 1280x800 --diagonal 10.1 --text-size 5 \
  --out "$out/tablet-section-1-200-percent.png"
# The topic menu of a kiosk of several leaflets: the shipped one and two test leaflets.
several=$(mktemp -d)
trap 'rm -rf "$several"' EXIT
.venv/bin/python -c 'import sys, pathlib, harness.leaflets as t; t.write_library(pathlib.Path(sys.argv[1]), 2)' "$several"
leaflets=(--leaflets resources/leaflets/vertebroplasty "$several/test-1" "$several/test-2")
"${kiosk[@]}" --page topics "${leaflets[@]}" --size 1920x1080 --out "$out/landscape-topics.png"
"${kiosk[@]}" --page topics "${leaflets[@]}" --size 1080x1920 --out "$out/portrait-topics.png"
