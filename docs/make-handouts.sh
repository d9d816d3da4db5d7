#!/usr/bin/env bash
# Renders the printed handout on every paper with 1 and 5 questions (`kiosk print --pdf`, then
# pdftoppm), and one of two leaflets on Letter and a 58 mm roll, into docs/handouts/, as a
# patient takes it from the printer.
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
# One handout of two leaflets (issue 18): the shipped one and a test leaflet (test data, from
# harness/leaflets.py), as one Print on a kiosk of several leaflets makes it.
for paper in letter roll58; do
  QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python - "$work" "$paper" <<'PY'
import datetime, sys
from pathlib import Path
from PySide6.QtGui import QGuiApplication
from harness.leaflets import write_leaflet
from kiosk.config import Config, resources_dir
from kiosk.content.library import open_library
from kiosk.printing.handout import render_pdf
from kiosk.printing.service import PrintService, choose_paper, clinic_paper

app = QGuiApplication(sys.argv[:1])
work, paper = Path(sys.argv[1]), sys.argv[2]
write_leaflet(work / "leaflets", 2, url="https://example.org/test-topic-2", publisher="Test data")
folders = [work / "leaflets", resources_dir() / "leaflets"]
library = open_library(["vertebroplasty", "test-2"], folders, work, "en", ["en"])
config = Config(clinic_name="Riverside Spine Clinic", clinic_phone="(555) 010-0100", paper=paper)
shipped = library["vertebroplasty"].leaflet("en")
service = PrintService(config, {"en": shipped}, library=library)
ticked = {"vertebroplasty": frozenset({2, 4}), "test-2": frozenset({1, 3})}
handout = service.handout(ticked, datetime.date.today(), "en")
render_pdf(handout, choose_paper(paper, None, clinic_paper(config)), work / f"{paper}.pdf")
PY
  pdftoppm -r 60 -png -singlefile "$work/$paper.pdf" "$out/$paper-2-leaflets"
done
ls "$out"
