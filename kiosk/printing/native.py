"""Printing where there is no CUPS (Windows): the handout goes to the printer through QPrinter.

Windows gives Qt no job status, so "printed" there means "handed to the printer's queue". The
printer is looked up by name first, because QPrinter silently prints to the default printer
when it is given a name it does not know.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.printing.handout import Handout, paint_handout
from kiosk.printing.paper import Paper

log = logging.getLogger("kiosk.printing")


class NativePrintError(Exception):
    """The handout could not be handed to a printer; the message is the staff log line."""


def print_natively(
    handout: Handout, paper: Paper, printer: str | None, title: str, to_pdf: Path | None = None
) -> str:
    """Send the handout to ``printer`` (None: the system default); return the staff log line.

    ``to_pdf`` renders through the same QPrinter into a PDF file instead, which is how this
    path is checked on a machine without Windows printers.
    """
    device = QPrinter(QPrinter.PrinterMode.HighResolution)
    if to_pdf is None:
        name = printer or QPrinterInfo.defaultPrinterName()
        if not name:
            raise NativePrintError("no printer is set up and the system has no default printer")
        if name not in QPrinterInfo.availablePrinterNames():
            raise NativePrintError(f"printer {name!r} does not exist on this computer")
        device = QPrinter(QPrinterInfo.printerInfo(name), QPrinter.PrinterMode.HighResolution)
    else:
        name = str(to_pdf)
        device.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        device.setOutputFileName(str(to_pdf))
    device.setDocName(title)
    device.setFullPage(True)
    paint_handout(handout, paper, device)
    return f"handout sent to {name} (Windows reports no job status, so completion is not known)"
