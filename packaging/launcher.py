"""The frozen kiosk's entry script: PyInstaller runs this as ``__main__`` (see kiosk.spec)."""

# Not kiosk/__main__.py itself: PyInstaller puts an entry script's own folder on the import
# path, which would make kiosk/'s modules importable a second time under top-level names.
# In the built program, the spawned speech worker starts here too; kiosk.cli.main() hands it
# over to multiprocessing (freeze_support) before it reads any arguments.
from kiosk.cli import main

raise SystemExit(main())
