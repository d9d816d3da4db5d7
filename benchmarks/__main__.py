"""``python -m benchmarks``: every benchmark once, against Chromium (see benchmarks/run.py)."""

from benchmarks.run import main

main()
