"""What talking mode says about an item the keys are on."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.ui.buttons import QuestionRow, TopicButton
from kiosk.ui.text import TextView


def describe(widget: QWidget, question_count: int) -> str:
    """What talking mode says for an item: its role and its label."""
    translate = QApplication.translate
    if isinstance(widget, QuestionRow):
        state = (
            translate("Talk", "ticked") if widget.isChecked() else translate("Talk", "not ticked")
        )
        return translate("Talk", "Question {0} of {1}, {2}: {3}").format(
            widget.number, question_count, state, widget.text()
        )
    if isinstance(widget, TopicButton):  # the title, then what the topic is about
        said = translate("Talk", "Topic: {0}").format(widget.title)
        for line in widget.summary.splitlines():
            said += (" " if said.endswith((".", "!", "?")) else ". ") + line
        return said
    if isinstance(widget, QAbstractButton):
        label = widget.accessibleName() or widget.text()
        if widget.isCheckable():
            state = translate("Talk", "on") if widget.isChecked() else translate("Talk", "off")
            text = translate("Talk", "Switch: {0}, {1}").format(label, state)
        else:
            text = translate("Talk", "Button: {0}").format(label)
        if not widget.isEnabled():
            text += translate("Talk", ", not available now")
        return text
    if isinstance(widget, TextView):
        if widget.heading_level():  # what a screen reader calls a heading too
            return translate("Talk", "Heading: {0}").format(widget.text())
        return widget.text()
    return widget.accessibleName()
