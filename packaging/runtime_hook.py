"""PyInstaller runtime hook: the programs the built kiosk starts use the system's libraries,
and the C library's locale is a UTF-8 one."""

import locale
import os
import sys

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

# With no locale set (LANG unset, as in a bare systemd unit or an ssh session that sends none)
# the C library's locale is "C", whose character encoding is ASCII. The `python` program
# coerces that to C.UTF-8 (PEP 538); PyInstaller's bootloader only turns on Python's UTF-8 mode
# and leaves the C library in "C", so Qt wrote 'Detected locale "C" with character encoding
# "ANSI_X3.4-1968", which is not UTF-8' into the kiosk's log at every start, before switching
# to C.UTF-8 itself. Doing that switch first, in the environment, keeps the log clean and gives
# the programs the kiosk starts (the CUPS tools, its speech worker) the same locale. A locale
# that names a language (es_ES.UTF-8) is left alone.
if sys.platform.startswith("linux"):
    _decides = next((n for n in ("LC_ALL", "LC_CTYPE", "LANG") if os.environ.get(n)), "LANG")
    if os.environ.get(_decides, "") in ("", "C", "POSIX"):
        try:
            locale.setlocale(locale.LC_CTYPE, "C.UTF-8")  # glibc has it built in since 2.35
        except locale.Error:
            pass  # not on this system: Qt's own warning says so, rightly
        else:
            # LC_ALL overrides every other variable; otherwise LC_CTYPE is the one that counts.
            os.environ["LC_ALL" if _decides == "LC_ALL" else "LC_CTYPE"] = "C.UTF-8"
