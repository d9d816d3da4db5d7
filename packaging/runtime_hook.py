"""PyInstaller runtime hook: the programs the built kiosk starts use the system's libraries."""

import os

# The bootloader puts the bundle's folder first in LD_LIBRARY_PATH so that the kiosk loads the
# libraries it was built with; the dynamic linker has read it by the time this runs. Children
# inherit it, though, and the kiosk's children are the CUPS tools (lp, lpstat, cancel,
# ipptool), which would then load the bundle's copies of libcups, GnuTLS and Kerberos instead
# of their own. The speech worker is the kiosk's own program, whose bootloader sets it again.
# The bootloader keeps a value that was there before as LD_LIBRARY_PATH_ORIG.
_original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
if _original is None:
    os.environ.pop("LD_LIBRARY_PATH", None)
else:
    os.environ["LD_LIBRARY_PATH"] = _original
