"""The bodies of the kiosk's pages: the topic menu, a leaflet's home, a leaflet section, and
the question checklist."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAccessible, QHideEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractButton, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.content import Block, BlockKind, Leaflet, Section, SectionKind
from kiosk.content.sentences import split_sentences
from kiosk.narration.script import Utterance
from kiosk.session import ONLY_LEAFLET
from kiosk.ui.accessible import set_role
from kiosk.ui.buttons import BigButton, ButtonStyle, QuestionRow, TopicButton
from kiosk.ui.flow import FlowLayout
from kiosk.ui.metrics import Metrics, TextRole
from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.text import TextView

# Lines of body text longer than this many "em" are hard to follow back to the next line's
# start; on a wide screen the reading column stops there and is centred.
_READING_WIDTH_EM = 36
# Home shows two columns of topic buttons when each column can be at least this many body
# characters ("em") wide, and one column below that.
_HOME_COLUMN_MIN_EM = 16


class _Page(ScrollPage):
    """Common spacing of every page body, which grows with the text size."""

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        margin = metrics.margin_px
        self.column.setContentsMargins(margin, metrics.gap_px * 2, margin, margin)
        self.content.installEventFilter(self)
        self._readers: list[Callable[[], list[Utterance]]] = []
        self._apply_spacing()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.content and event.type() == QEvent.Type.FontChange:
            self._apply_spacing()
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self._apply_spacing()
        return super().eventFilter(watched, event)

    def _apply_spacing(self) -> None:
        em = self.font().pixelSize()
        self.column.setSpacing(max(self.metrics.gap_px * 2, round(em * 0.7)))
        side = max(self.metrics.margin_px, (self.viewport().width() - _READING_WIDTH_EM * em) // 2)
        margins = self.column.contentsMargins()
        if margins.left() != side:
            self.column.setContentsMargins(side, margins.top(), side, margins.bottom())

    def end_column(self) -> None:
        """Keep the page's content at the top when it is shorter than the screen.

        A stretch rather than ``setAlignment(AlignTop)``: an aligned layout takes the height for
        its one-line size hint, which cuts off wrapped text at large sizes.
        """
        self.column.addStretch(1)

    def add_text(self, text: str, role: TextRole, block: Block | None = None) -> TextView:
        """A text on the page, read aloud in its place (by the leaflet's own sentences)."""
        view = TextView(text, role)
        self.column.addWidget(view)
        self.add_reader(view, block)
        return view

    def add_reader(self, target: QWidget, block: Block | None = None) -> None:
        """Read ``target`` aloud after what is already on the page."""
        if isinstance(target, TextView):
            self._readers.append(lambda: _sentences(target, block))
        elif isinstance(target, QAbstractButton):
            self._readers.append(lambda: [Utterance(target.text(), target, 0, len(target.text()))])

    def script(self) -> list[Utterance]:
        return [utterance for reader in self._readers for utterance in reader()]


def _sentences(view: TextView, block: Block | None) -> list[Utterance]:
    sentences = block.sentences if block is not None else split_sentences(view.text())
    return [Utterance(s.text, view, s.start, s.end) for s in sentences]


def _add_blocks(page: _Page | _QuestionGroup, blocks: tuple[Block, ...]) -> None:
    for block in blocks:
        if block.kind is BlockKind.PARAGRAPH:
            page.add_text(block.text, TextRole.BODY, block)
        elif block.kind is BlockKind.LIST_ITEM:
            row = QHBoxLayout()
            row.setSpacing(page.metrics.gap_px * 2)
            bullet = TextView("•", TextRole.BODY)
            bullet.setAccessibleName("")
            row.addWidget(bullet, 0, Qt.AlignmentFlag.AlignTop)
            item = TextView(block.text, TextRole.BODY)
            row.addWidget(item, 1)
            row.setContentsMargins(page.metrics.margin_px // 2, 0, 0, 0)
            page.column.addLayout(row)
            page.add_reader(item, block)


class _MenuPage(_Page):
    """A page with a menu of big buttons, in two columns when the screen is wide enough for
    them at the text size, else one; a heading (a ``TextView``) among them starts a new row."""

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        self._entries: list[QWidget] = []
        self._columns = 0

    def add_menu(self) -> None:
        """The menu's place on the page: its entries go into ``_entries``, then ``_arrange``."""
        menu = QWidget()
        self._menu = QVBoxLayout(menu)
        self._menu.setContentsMargins(0, 0, 0, 0)
        self._menu.setSpacing(self.metrics.gap_px * 2)
        self.column.addWidget(menu)

    def _arrange(self, columns: int) -> None:
        # Each row is a widget of its own, not a QGridLayout or a nested layout: both of those
        # kept the one-line height of buttons whose labels wrap at large text sizes.
        if columns == self._columns:
            return
        self._columns = columns
        host = self._menu.parentWidget()
        for entry in self._entries:
            entry.setParent(host)  # out of the old rows before they go
        for index in reversed(range(self._menu.count())):
            item = self._menu.itemAt(index)
            if item is not None and (old := item.widget()) is not None:
                # removeWidget deletes the layout item; one merely taken out would keep
                # receiving the widget's size changes, and the new one would never hear them.
                self._menu.removeWidget(old)
                if old not in self._entries:
                    old.deleteLater()
        row: QHBoxLayout | None = None
        for entry in self._entries:
            if isinstance(entry, TextView):  # a part heading starts a new row
                self._menu.addWidget(entry)
                row = None
                continue
            if row is None or row.count() == columns:
                row_host = QWidget()
                row = QHBoxLayout(row_host)
                row.setContentsMargins(0, 0, 0, 0)
                row.setSpacing(self._menu.spacing())
                self._menu.addWidget(row_host)
            row.addWidget(entry, 1)
        if row is not None and row.count() < columns:
            row.addStretch(columns - row.count())
        for entry in self._entries:
            entry.show()
        # A screen reader reads a widget's children in the order they were made or last given
        # a parent, which put the part headings before every row: now the layout's order.
        for index in range(self._menu.count()):
            item = self._menu.itemAt(index)
            if item is not None and (shown := item.widget()) is not None:
                shown.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rearrange()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._rearrange()

    def _rearrange(self) -> None:
        em = self.font().pixelSize()
        margins = self.column.contentsMargins()
        width = self.viewport().width() - margins.left() - margins.right()
        self._arrange(2 if width >= 2 * _HOME_COLUMN_MIN_EM * em else 1)


class HomePage(_MenuPage):
    """The leaflet's title, how to use the kiosk, and a big button for every section.

    Signals:
        section_chosen(int): a section button was tapped (index into ``leaflet.sections``).
    """

    section_chosen = Signal(int)  # section index

    def __init__(
        self,
        leaflet: Leaflet,
        metrics: Metrics,
        parent: QWidget | None = None,
        *,
        notice: str = "",
    ):
        """``notice``: said at the top of the page (a leaflet not in the patient's language)."""
        super().__init__(metrics, parent)
        self.add_text(leaflet.title, TextRole.TITLE)
        if notice:
            self.add_text(notice, TextRole.LABEL)
        self.add_text(
            self.tr(
                "Touch a topic to read about it. Tick the questions you want to ask your doctor."
            ),
            TextRole.BODY,
        )
        self.add_menu()
        self.questions_button: BigButton | None = None
        part: str | None = None
        for index, section in enumerate(leaflet.sections):
            if section.part != part and section.part is not None:
                heading = TextView(section.part, TextRole.LABEL, heading_level=2)
                self._entries.append(heading)
                self.add_reader(heading)
            part = section.part
            label = self._button_label(section)
            button = BigButton(label, metrics)
            button.clicked.connect(lambda _=False, i=index: self.section_chosen.emit(i))
            if section.kind is SectionKind.QUESTIONS:
                self.questions_button = button
            self._entries.append(button)
            self.add_reader(button)
        if leaflet.publisher is not None:
            self.add_text(self.tr("Published by {0}").format(leaflet.publisher), TextRole.BODY)
        self.add_text(self.tr("Source: {0}").format(leaflet.source), TextRole.BODY)
        self.end_column()
        self._arrange(1)

    def _button_label(self, section: Section) -> str:
        if section.kind is SectionKind.INTRODUCTION:
            return self.tr("Introduction")
        return section.heading


@dataclass(frozen=True)
class Topic:
    """One leaflet as the topic menu shows it: its id, title and one-line summary, and a note
    when it is not in the patient's language ("Only in English")."""

    id: str
    title: str
    summary: str
    note: str = ""


class TopicsPage(_MenuPage):
    """The menu of a kiosk of several leaflets: a big button for each, with its title and
    what it is about, in the clinic's order.

    Signals:
        topic_chosen(str): a topic was tapped (the leaflet's id).
    """

    topic_chosen = Signal(str)  # leaflet id

    def __init__(
        self, topics: Sequence[Topic], metrics: Metrics, parent: QWidget | None = None
    ) -> None:
        super().__init__(metrics, parent)
        self.title = self.add_text(self.tr("Choose a topic"), TextRole.TITLE)
        self.add_text(self.tr("Touch a topic to read about it."), TextRole.BODY)
        self.add_menu()
        self.buttons: list[TopicButton] = []
        for topic in topics:
            summary = f"{topic.summary}\n{topic.note}" if topic.note else topic.summary
            button = TopicButton(topic.title, summary.strip(), metrics)
            button.clicked.connect(lambda _=False, t=topic.id: self.topic_chosen.emit(t))
            self.buttons.append(button)
            self._entries.append(button)
            self._readers.append(functools.partial(_topic_script, button))
        self.end_column()
        self._arrange(1)


def _topic_script(button: TopicButton) -> list[Utterance]:
    """The title, then what the topic is about, both on the one button."""
    said = [button.title, *button.summary.splitlines()]
    return [Utterance(text, button, 0, len(button.text())) for text in said if text]


class SectionPage(_Page):
    """One section of the leaflet: the part it belongs to, its heading and its text."""

    def __init__(
        self,
        section: Section,
        metrics: Metrics,
        parent: QWidget | None = None,
        *,
        notice: str = "",
    ):
        """``notice``: said under the heading (a leaflet not in the patient's language)."""
        super().__init__(metrics, parent)
        self.section = section
        if section.part:
            self.add_text(section.part, TextRole.LABEL)
        self.add_text(section.heading, TextRole.HEADING, section.blocks[0])
        if notice:
            self.add_text(notice, TextRole.LABEL)
        _add_blocks(self, section.body)
        self.end_column()


class _QuestionGroup(QWidget):
    """One leaflet's questions on the questions page of a kiosk of several: its title as a
    heading, its own words before the questions, the rows, and the source it cites."""

    def __init__(self, title: str, metrics: Metrics, notice: str = "") -> None:
        super().__init__()
        self.metrics = metrics
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self._readers: list[Callable[[], list[Utterance]]] = []
        self.heading = TextView(title, TextRole.LABEL, heading_level=2)
        self.column.addWidget(self.heading)
        self.add_reader(self.heading)
        if notice:
            self.add_text(notice, TextRole.LABEL)
        self.rows: list[QuestionRow] = []
        self._apply_spacing()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._apply_spacing()

    def _apply_spacing(self) -> None:
        """As the page's own column: it grows with the text size."""
        em = self.font().pixelSize()
        self.column.setSpacing(max(self.metrics.gap_px * 2, round(em * 0.7)))

    def add_text(self, text: str, role: TextRole, block: Block | None = None) -> TextView:
        view = TextView(text, role)
        self.column.addWidget(view)
        self.add_reader(view, block)
        return view

    def add_reader(self, target: QWidget, block: Block | None = None) -> None:
        if isinstance(target, TextView):
            self._readers.append(lambda: _sentences(target, block))

    def add_row_reader(self, reader: Callable[[], list[Utterance]]) -> None:
        self._readers.append(reader)

    def script(self) -> list[Utterance]:
        return [utterance for reader in self._readers for utterance in reader()]


class QuestionsPage(_Page):
    """The checklist of questions to ask the doctor.

    Below the questions, the page shows what the printed handout will list, and a Print
    button that prints it with one tap. After Clear all, "All ticks cleared." and an Undo
    button show for as long as the visit offers to bring the ticks back.

    In a kiosk of several leaflets (``leaflet`` is ``None``) the one page holds the questions
    of each leaflet the patient has opened or ticked in, under its title, in the clinic's
    order (``add_group``, ``show_groups``), and one Print prints them all.

    The focus never lands on a control by accident: Print stays usable while it prints (a
    press then does nothing), and a control that becomes unavailable while it has the focus
    hands it to the count of ticks first. Qt would move it on to the next control, silently,
    and that can be Clear all: a patient pressing Enter to print again erased every tick
    (issue 13).

    Signals:
        question_toggled(int, str): a question row was touched (its 1-based number, and its
            leaflet's id: ``ONLY_LEAFLET`` in a kiosk of one).
        clear_requested: "Clear all" was touched.
        undo_requested: "Undo" was touched (bring back the ticks Clear all took away).
        print_requested: "Print my questions" was touched while it was not printing.
        announced(str): something changed that a patient using keys should hear (the
            sentence to say).
    """

    question_toggled = Signal(int, str)  # question number, leaflet id
    clear_requested = Signal()
    undo_requested = Signal()
    print_requested = Signal()
    announced = Signal(str)  # the sentence

    def __init__(
        self,
        leaflet: Leaflet | None,
        metrics: Metrics,
        parent: QWidget | None = None,
        *,
        order: Sequence[str] = (),
    ):
        """``order``: the leaflets' ids in the clinic's order, for a page of several."""
        super().__init__(metrics, parent)
        self._printing = False
        self._order = tuple(order)
        self._scroll_target: QWidget | None = None  # a group's heading to scroll to
        self.verticalScrollBar().rangeChanged.connect(self._scroll_to_group)
        if leaflet is not None:
            section = leaflet.questions_section
            self.add_text(section.heading, TextRole.HEADING, section.blocks[0])
            _add_blocks(self, section.body)
        else:
            self.add_text(self.tr("Questions to ask your doctor"), TextRole.HEADING)
        self.add_text(
            self.tr("Touch a question to tick it. Touch it again to take the tick away."),
            TextRole.BODY,
        )
        self._add_status(metrics)
        self.rows: list[QuestionRow] = []  # of every leaflet, in the order they were made
        self._group_rows: dict[str, list[QuestionRow]] = {}
        self._groups: dict[str, _QuestionGroup] = {}
        if leaflet is not None:
            self._group_rows[ONLY_LEAFLET] = self._add_rows(
                leaflet, ONLY_LEAFLET, self.column, self._readers.append
            )
        else:
            groups_host = QWidget()
            self._groups_column = QVBoxLayout(groups_host)
            self._groups_column.setContentsMargins(0, 0, 0, 0)
            self._groups_column.setSpacing(metrics.gap_px * 4)
            self.column.addWidget(groups_host)
            self._readers.append(self._groups_script)
        # What the handout will list, in full, for those who check before they print.
        self.preview_heading = self.add_text("", TextRole.LABEL)
        self.preview = self.add_text("", TextRole.BODY)
        # Who publishes the leaflet, then the source it cites: the handout says the same.
        # (A leaflet's own group says it in a kiosk of several.)
        if leaflet is not None:
            if leaflet.publisher is not None:
                self.add_text(self.tr("Published by {0}").format(leaflet.publisher), TextRole.BODY)
            self.add_text(self.tr("Source: {0}").format(leaflet.source), TextRole.BODY)
        self.end_column()

    def _add_status(self, metrics: Metrics) -> None:
        """The count of ticks, Print, Clear all and Undo, and how printing goes."""
        status_host = QWidget()
        status = FlowLayout(status_host, spacing=metrics.gap_px * 2)
        status.setContentsMargins(0, 0, 0, 0)
        self.count_text = TextView("", TextRole.LABEL)
        status.addWidget(self.count_text)
        self.add_reader(self.count_text)
        self.print_button = BigButton(self.tr("Print my questions"), metrics)
        self.print_button.clicked.connect(self._on_print_clicked)
        status.addWidget(self.print_button)
        self.clear_button = BigButton(self.tr("Clear all"), metrics, ButtonStyle.SECONDARY)
        self.clear_button.clicked.connect(self._on_clear_clicked)
        status.addWidget(self.clear_button)
        # Next to Clear all, in reading order right after it: the way back from a stray press.
        self.cleared_text = TextView(self.tr("All ticks cleared."), TextRole.LABEL)
        status.addWidget(self.cleared_text)
        self._readers.append(
            lambda: _sentences(self.cleared_text, None) if self._undo_shown() else []
        )
        self.undo_button = BigButton(self.tr("Undo"), metrics)
        self.undo_button.setAccessibleDescription(self.tr("Bring back the ticks Clear all took"))
        self.undo_button.clicked.connect(self._on_undo_clicked)
        status.addWidget(self.undo_button)
        self.cleared_text.hide()
        self.undo_button.hide()
        self.column.addWidget(status_host)
        self.print_status = self.add_text("", TextRole.LABEL)
        # A screen reader speaks a notification each time it shows, wherever the focus is
        # (the keys stay on Print): the announcer shows it again for each new message.
        set_role(self.print_status, QAccessible.Role.Notification)
        self.print_status.hide()

    def _add_rows(
        self,
        leaflet: Leaflet,
        leaflet_id: str,
        column: QVBoxLayout,
        add_reader: Callable[[Callable[[], list[Utterance]]], None],
    ) -> list[QuestionRow]:
        rows: list[QuestionRow] = []
        for question in leaflet.questions:
            row = QuestionRow(question.number, question.text, self.metrics)
            row.clicked.connect(
                lambda _=False, n=question.number: self.question_toggled.emit(n, leaflet_id)
            )
            rows.append(row)
            column.addWidget(row)
            add_reader(functools.partial(self._row_script, row))
        self.rows += rows
        return rows

    # The groups of a kiosk of several leaflets ---------------------------------------------

    def has_group(self, leaflet_id: str) -> bool:
        return leaflet_id in self._group_rows

    def add_group(self, leaflet_id: str, leaflet: Leaflet, notice: str = "") -> None:
        """The questions of ``leaflet`` (by its id), under its title, in the clinic's order;
        hidden until ``show_groups`` names it."""
        group = _QuestionGroup(leaflet.title, self.metrics, notice)
        _add_blocks(group, leaflet.questions_section.body)
        group.rows = self._add_rows(leaflet, leaflet_id, group.column, group.add_row_reader)
        if leaflet.publisher is not None:
            group.add_text(self.tr("Published by {0}").format(leaflet.publisher), TextRole.BODY)
        group.add_text(self.tr("Source: {0}").format(leaflet.source), TextRole.BODY)
        place = self._order.index(leaflet_id) if leaflet_id in self._order else len(self._order)
        before = sum(
            1 for other in self._groups if self._order.index(other) < place
        )  # the groups built so far that come before it
        self._groups[leaflet_id] = group
        self._group_rows[leaflet_id] = group.rows
        group.hide()
        self._groups_column.insertWidget(before, group)
        self._raise_in_order()

    def _raise_in_order(self) -> None:
        """A screen reader reads children in the order they were made: the layout's, now."""
        for leaflet_id in self._ordered_groups():
            self._groups[leaflet_id].raise_()

    def _ordered_groups(self) -> list[str]:
        return sorted(self._groups, key=self._order.index)

    def show_groups(self, leaflet_ids: Iterable[str]) -> None:
        """Show the groups of ``leaflet_ids`` (added already), and no others."""
        shown = set(leaflet_ids)
        for leaflet_id, group in self._groups.items():
            group.setVisible(leaflet_id in shown)

    def group_heading(self, leaflet_id: str) -> TextView | None:
        """The title over a leaflet's questions (a kiosk of several), if it is shown."""
        group = self._groups.get(leaflet_id)
        return None if group is None or group.isHidden() else group.heading

    def group_titles(self) -> list[str]:
        """The titles of the groups shown, top to bottom."""
        return [
            self._groups[i].heading.text()
            for i in self._ordered_groups()
            if not self._groups[i].isHidden()
        ]

    def show_group(self, leaflet_id: str) -> None:
        """Scroll so that a leaflet's questions start at the top of the view (the top of the
        page, with Print, if they are the first), now or once the page is laid out."""
        self.to_top()
        heading = self.group_heading(leaflet_id)
        if heading is None or self._ordered_shown()[:1] == [leaflet_id]:
            return
        self._scroll_target = heading
        self._scroll_to_group()

    def _scroll_to_group(self) -> None:
        heading = self._scroll_target
        if heading is None:
            return
        top = heading.mapTo(self.content, heading.rect().topLeft()).y() - self.metrics.gap_px * 2
        bar = self.verticalScrollBar()
        bar.setValue(top)
        if bar.value() >= top:
            self._scroll_target = None  # there; until then, each change of range tries again

    def to_top(self) -> None:
        self._scroll_target = None
        super().to_top()

    def hideEvent(self, event: QHideEvent) -> None:
        self._scroll_target = None
        super().hideEvent(event)

    def _ordered_shown(self) -> list[str]:
        return [i for i in self._ordered_groups() if not self._groups[i].isHidden()]

    def _groups_script(self) -> list[Utterance]:
        return [u for i in self._ordered_shown() for u in self._groups[i].script()]

    def questions_beside(self, row: QuestionRow) -> int:
        """How many questions the leaflet of ``row`` has ("Question 2 of 5")."""
        return next((len(rows) for rows in self._group_rows.values() if row in rows), 0)

    # Printing, Clear all and Undo ------------------------------------------------------------

    def show_print_status(self, message: str, busy: bool) -> None:
        """Say how printing goes; while it prints, a press of Print does nothing (Print stays
        enabled, so that the focus stays on it for trying again)."""
        if not message:
            self._hand_focus_away(self.print_status)
        self.print_status.setText(message)
        self.print_status.setVisible(bool(message))
        self._printing = busy

    def _on_print_clicked(self) -> None:
        if self._printing:
            self.announced.emit(self.print_status.text())  # "Printing your questions…"
            return
        self.print_requested.emit()

    def _on_clear_clicked(self) -> None:
        self.clear_requested.emit()
        if self._undo_shown():
            self.announced.emit(self.tr("All ticks cleared. Press Undo to bring them back."))

    def _on_undo_clicked(self) -> None:
        self.undo_requested.emit()
        if not self._undo_shown():
            self.announced.emit(self.tr("Ticks brought back. {0}.").format(self.count_text.text()))

    def _undo_shown(self) -> bool:
        return not self.undo_button.isHidden()

    def show_undo(self, offered: bool) -> None:
        """Offer Undo after Clear all (``True``), with the focus on it, or take it away."""
        if not offered:
            self._hand_focus_away(self.cleared_text, self.undo_button)
            self.cleared_text.hide()
            self.undo_button.hide()
            return
        self.cleared_text.show()
        self.undo_button.show()
        focus = self.window().focusWidget()
        by_keys = focus is not None and self.isAncestorOf(focus)
        # A screen reader follows the focus too; a touch still leaves no ring behind.
        reason = Qt.FocusReason.TabFocusReason if by_keys else Qt.FocusReason.OtherFocusReason
        self.undo_button.setFocus(reason)

    def _set_available(self, control: QWidget, available: bool) -> None:
        if not available:
            self._hand_focus_away(control)
        control.setEnabled(available)

    def _hand_focus_away(self, *leaving: QWidget) -> None:
        """Before ``leaving`` is disabled or hidden: if it has the focus (of the window,
        active or not, as Qt checks), the count of ticks takes it."""
        if self.window().focusWidget() in leaving:
            self.count_text.setFocus(Qt.FocusReason.OtherFocusReason)

    def _row_script(self, row: QuestionRow) -> list[Utterance]:
        state = self.tr("Ticked.") if row.isChecked() else self.tr("Not ticked.")
        spoken = self.tr("Question {0} of {1}: {2} {3}").format(
            row.number, self.questions_beside(row), row.text(), state
        )
        return [Utterance(row.text(), row, 0, len(row.text()), spoken=spoken)]

    def show_ticked(self, ticked: frozenset[int]) -> None:
        """The ticks of a kiosk's one leaflet."""
        self.show_ticks({ONLY_LEAFLET: ticked})

    def show_ticks(self, ticked: Mapping[str, frozenset[int]]) -> None:
        """The ticks of each leaflet, by id."""
        chosen: list[tuple[str, list[str]]] = []  # (title, questions) of each group
        for leaflet_id, rows in self._group_rows.items():
            numbers = ticked.get(leaflet_id, frozenset())
            for row in rows:
                row.setChecked(row.number in numbers)
        for leaflet_id in self._ordered_groups() if self._groups else list(self._group_rows):
            texts = [row.text() for row in self._group_rows[leaflet_id] if row.isChecked()]
            group = self._groups.get(leaflet_id)
            if texts:
                chosen.append(("" if group is None else group.heading.text(), texts))
        shown = [
            row
            for leaflet_id, rows in self._group_rows.items()
            if leaflet_id not in self._groups or not self._groups[leaflet_id].isHidden()
            for row in rows
        ]
        count = sum(len(numbers) for numbers in ticked.values())
        text = self.tr("Questions ticked: {0} of {1}").format(count, len(shown))
        self.count_text.setText(text)
        self._set_available(self.clear_button, count > 0)
        if chosen:
            self.preview_heading.setText(self.tr("Your printed questions will be:"))
            shown_lines = [
                line
                for title, texts in chosen
                for line in _titled(title, [f"• {t}" for t in texts])
            ]
            # A screen reader gets the questions alone: it would read each bullet aloud.
            spoken_lines = [line for title, texts in chosen for line in _titled(title, texts)]
            self.preview.setText("\n".join(shown_lines), "\n".join(spoken_lines))
        else:
            self.preview_heading.setText(self.tr("Tick at least one question to print it."))
            self.preview.setText("")
        self.preview.setVisible(bool(chosen))
        self._set_available(self.print_button, count > 0)


def _titled(title: str, lines: list[str]) -> list[str]:
    return [title, *lines] if title else lines
