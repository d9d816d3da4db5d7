"""The touchscreen user interface (the only package that imports QtWidgets)."""
