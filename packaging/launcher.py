"""The frozen kiosk's entry script: PyInstaller runs this as ``__main__`` (see kiosk.spec)."""

# Not kiosk/__main__.py itself: PyInstaller puts an entry script's own folder on the import
# path, which would make kiosk/'s modules importable a second time under top-level names.
import sys

from kiosk.narration import worker_child

# The built program starts its speech worker as itself (kiosk/narration/worker.py, _launch):
# that start goes straight to the worker, without the kiosk's command line, Qt or anything else.
if sys.argv[1:2] == [worker_child.WORKER_FLAG]:
    raise SystemExit(worker_child.child_main(sys.argv[2:]))

# On Windows the worker is a multiprocessing child instead; kiosk.cli.main() hands such a
# start to multiprocessing (freeze_support) before it reads any arguments (its command line
# is never one a welcome picture was kept for, so kiosk.start does not show one).
from kiosk.start import main

raise SystemExit(main())
