"""The touchscreen user interface (the only package that imports QtWidgets)."""

from kiosk.ui.pyside import read_sources_once

# Before any of the interface's modules: each one imported from now on is checked by PySide6.
read_sources_once()
