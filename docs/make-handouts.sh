#!/usr/bin/env bash
# Renders the printed handout on every paper with 1 and 5 questions (`kiosk print --pdf`, then
# pdftoppm) into docs/handouts/, as a patient takes it from the printer.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/handouts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
for paper in letter a4 roll80 roll58; do
  printf 'clinic_name = "Riverside Spine Clinic"\nclinic_phone = "(555) 010-0100"\npaper = "%s"\n' \
    "$paper" >"$work/$paper.toml"
  for questions in 2 1,2,3,4,5; do
    count=$(tr ',' '\n' <<<"$questions" | wc -l)
    name="$paper-$count-question$([ "$count" = 1 ] || echo s)"
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m kiosk --config "$work/$paper.toml" \
      print --questions "$questions" --pdf "$work/$name.pdf" >/dev/null
    pdftoppm -r 60 -png -singlefile "$work/$name.pdf" "$out/$name"
  done
done
ls "$out"
