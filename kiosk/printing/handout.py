"""The printed handout: the ticked questions laid out on one sheet or a strip of roll paper."""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QCoreApplication,
    QIODevice,
    QLineF,
    QMarginsF,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QTextLayout,
    QTextOption,
)

from kiosk.content import Leaflet
from kiosk.fonts import load_fonts

log = logging.getLogger("kiosk.printing")

PREFERRED_FAMILY = "Atkinson Hyperlegible"
FALLBACK_FAMILY = "Sans Serif"

MIN_BODY_PT = 14.0  # no text on the handout is smaller
RESOLUTION_DPI = 1200  # the PDF's user units; fine enough that rounding never shows
QR_QUIET_ZONE_MODULES = 4  # ISO/IEC 18004 asks for four blank modules round the symbol
MIN_QR_MM = 20.0  # smaller than this, a shaky hand's phone camera struggles
MIN_QR_MODULE_MM = 0.4  # three dots of a 203 dpi receipt printer
MAX_OWN_LINES = 8  # spare room on a sheet beyond this stays blank above the footer

_BLACK = QColor(0, 0, 0)
_RULE_MM = 0.25  # answer lines and separators: thin, so no area of solid ink
_BOX_MM = 0.4  # the tick box a little heavier, to be found at a glance


class HandoutTooLongError(ValueError):
    """The handout does not fit on one sheet even at its tightest layout."""


class Paper(Enum):
    """What the handout is printed on: a sheet, or receipt roll cut to the content's length."""

    LETTER = "letter"
    A4 = "a4"
    ROLL_80MM = "roll-80mm"
    ROLL_58MM = "roll-58mm"

    @property
    def width_mm(self) -> float:
        return _PAPER_SPECS[self].width_mm

    @property
    def height_mm(self) -> float | None:
        """The sheet's height; ``None`` for a roll, whose page is as long as the content."""
        return _PAPER_SPECS[self].height_mm

    @property
    def is_roll(self) -> bool:
        return self.height_mm is None


@dataclass(frozen=True)
class _PaperSpec:
    width_mm: float
    height_mm: float | None
    side_mm: float  # left and right margins
    top_mm: float
    bottom_mm: float


_PAPER_SPECS = {
    # Office printers cannot print the outer 5 to 6 mm of a sheet; 15 mm keeps well clear.
    Paper.LETTER: _PaperSpec(215.9, 279.4, 15.0, 15.0, 15.0),
    Paper.A4: _PaperSpec(210.0, 297.0, 15.0, 15.0, 15.0),
    # Receipt printers print 72 mm of an 80 mm roll and 48 mm of a 58 mm one. The longer bottom
    # margin keeps the last line clear of the tear bar.
    Paper.ROLL_80MM: _PaperSpec(80.0, None, 4.0, 5.0, 10.0),
    Paper.ROLL_58MM: _PaperSpec(58.0, None, 5.0, 5.0, 10.0),
}


@dataclass(frozen=True)
class Handout:
    """Everything printed on the handout, and nothing else."""

    clinic_name: str  # "" leaves the line out
    title: str  # the leaflet's title
    heading: str  # the leaflet's questions heading ("Questions to ask your doctor")
    questions: tuple[str, ...]  # the ticked questions, in the leaflet's order
    printed_on: datetime.date
    own_questions_label: str  # "My own questions:", already translated
    date_label: str  # "Date: {0}", already translated; {0} is the date in the language
    source_label: str  # "Source: {0}", already translated; {0} is the source
    source: str
    url: str | None  # the full leaflet on the web, shown as a QR code and written out
    language: str

    @property
    def date_line(self) -> str:
        return self.date_label.replace("{0}", format_date(self.printed_on, self.language))

    @property
    def source_line(self) -> str:
        return self.source_label.replace("{0}", self.source)


def handout_for(
    leaflet: Leaflet,
    ticked: Iterable[int],
    *,
    clinic_name: str,
    today: datetime.date,
    own_questions_label: str,
    date_label: str,
    source_label: str,
) -> Handout:
    """The handout of ``leaflet`` with the ``ticked`` questions (1-based numbers).

    The labels are the kiosk's own words, already translated; ``date_label`` and
    ``source_label`` hold ``{0}`` where the date and the source go. Raises ``ValueError`` if
    nothing is ticked, a number is not a question of the leaflet, or a label lacks ``{0}``.
    """
    wanted = set(ticked)
    if not wanted:
        raise ValueError("no question is ticked, so there is nothing to print")
    known = {q.number for q in leaflet.questions}
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(f"no question {unknown[0]}; the leaflet has questions 1 to {len(known)}")
    for name, label in (("date_label", date_label), ("source_label", source_label)):
        if "{0}" not in label:
            raise ValueError(f"{name} {label!r} has no {{0}} for its value")
    return Handout(
        clinic_name=clinic_name,
        title=leaflet.title,
        heading=leaflet.questions_section.heading,
        questions=tuple(q.text for q in leaflet.questions if q.number in wanted),
        printed_on=today,
        own_questions_label=own_questions_label,
        date_label=date_label,
        source_label=source_label,
        source=leaflet.source,
        url=leaflet.url,
        language=leaflet.language,
    )


_MONTHS = {
    "en": (
        *("January", "February", "March", "April", "May", "June"),
        *("July", "August", "September", "October", "November", "December"),
    ),
    "es": (
        *("enero", "febrero", "marzo", "abril", "mayo", "junio"),
        *("julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"),
    ),
}


def format_date(day: datetime.date, language: str) -> str:
    """The date as a reader of ``language`` writes it in full.

    Written here rather than taken from the system locale, which a kiosk image rarely has for
    every language. A language without month names here gets ISO 8601, which no one misreads.
    """
    months = _MONTHS.get(language)
    if months is None:
        return day.isoformat()
    month = months[day.month - 1]
    if language == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{month} {day.day}, {day.year}"


@functools.cache
def handout_family() -> str:
    """The typeface the handout is set in (loaded here too, so ``kiosk print`` needs no screen)."""
    return load_fonts()


@dataclass(frozen=True)
class _Style:
    """The sizes and spacing of one way to lay out a handout."""

    body_pt: float
    answer_lines: int  # ruled lines under each question
    pitch_mm: float  # between ruled lines: room for handwriting
    gap_mm: float  # between blocks
    own_lines: int  # ruled lines under "My own questions:", at least
    qr_mm: float  # the QR symbol's preferred width
    leading: float = 1.1  # line spacing as a multiple of the font's own

    @property
    def title_pt(self) -> float:
        return self.body_pt + 8

    @property
    def heading_pt(self) -> float:
        return self.body_pt + 4

    @property
    def clinic_pt(self) -> float:
        return self.body_pt + 2


# From roomiest to tightest; a sheet uses the first that fits. Spacing and ruled lines give way
# before the type does, and the type stops at 14 pt. The last two fall short of the two ruled
# lines per question the clinic asked for, but keep everything on one page.
_SHEET_STYLES = (
    _Style(16, 3, 10, 6, 4, 30),
    _Style(16, 3, 9, 5, 3, 30),
    _Style(16, 2, 9, 5, 3, 25),
    _Style(16, 2, 8, 4, 3, 25, leading=1.05),
    _Style(16, 2, 8, 3, 2, 22, leading=1.0),
    _Style(14, 2, 8, 3, 2, 22, leading=1.0),
    _Style(14, 2, 7, 2, 2, 20, leading=1.0),
    _Style(14, 1, 7, 2, 2, 20, leading=1.0),
    _Style(14, 0, 7, 2, 2, 20, leading=1.0),
)
# A roll is as long as it needs to be, so nothing gives way on it. Its narrow column takes 16 pt
# on 80 mm (about 26 letters a line) but only 14 pt on 58 mm (about 20).
_ROLL_STYLES = {
    Paper.ROLL_80MM: _Style(16, 2, 9, 5, 4, 30),
    Paper.ROLL_58MM: _Style(14, 2, 9, 5, 4, 30),
}


@dataclass(frozen=True)
class HandoutLayout:
    """Where everything of a handout goes on its paper, in millimetres from the top left."""

    paper: Paper
    page_width_mm: float
    page_height_mm: float
    content_mm: QRectF  # the printable area inside the margins; nothing is drawn outside it
    body_pt: float  # the smallest type on the page
    title_pt: float
    answer_lines: int  # ruled lines under each question
    own_lines: int  # ruled lines under "My own questions:"
    pitch_mm: float  # between ruled lines
    qr_mm: QRectF | None  # the QR symbol without its quiet zone, or None if it is left out
    qr_modules: int  # modules along a side of the symbol (0 without a QR code)


def layout_handout(handout: Handout, paper: Paper) -> HandoutLayout:
    """Lay out ``handout`` on ``paper`` without drawing it (for figures and tests).

    Needs a ``QGuiApplication``; raises ``HandoutTooLongError`` as ``render_pdf`` does.
    """
    return _compose(handout, paper).layout


def render_pdf(handout: Handout, paper: Paper, path: Path) -> None:
    """Write ``handout`` to ``path`` as a one-page PDF with vector drawing and selectable text.

    Sheets are Letter or A4; a roll's page is as long as its content. Needs a
    ``QGuiApplication`` (for the fonts). Raises ``HandoutTooLongError`` (before writing
    anything) if the questions do not fit on one sheet, and ``OSError`` if ``path`` cannot be
    written.
    """
    # Drawn into memory and written in one go: no half-written file is left behind, and a
    # path that cannot be written raises the OSError that says why.
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION_DPI)
    writer.setTitle(handout.title)
    paint_handout(handout, paper, writer)
    path.write_bytes(buffer.data().data())


def paint_handout(handout: Handout, paper: Paper, device: QPagedPaintDevice) -> None:
    """Draw ``handout`` on any paged device (a QPrinter on Windows), at that device's resolution.

    The text is laid out once for the 1200 dpi PDF and scaled to the device, so a printer
    shows exactly what the PDF shows.
    """
    page = _compose(handout, paper)
    device.setPageLayout(
        QPageLayout(
            _page_size(paper, page.layout.page_width_mm, page.layout.page_height_mm),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the printer would not start the page")
    try:
        scale = device.logicalDpiX() / RESOLUTION_DPI
        painter.scale(scale, scale)
        page.paint(painter)
    finally:
        painter.end()


def _page_size(paper: Paper, width_mm: float, height_mm: float) -> QPageSize:
    if paper is Paper.LETTER:
        return QPageSize(QPageSize.PageSizeId.Letter)
    if paper is Paper.A4:
        return QPageSize(QPageSize.PageSizeId.A4)
    # ExactMatch, or Qt would round a roll's strip to the nearest standard size.
    return QPageSize(
        QSizeF(width_mm, height_mm),
        QPageSize.Unit.Millimeter,
        f"{paper.value} {height_mm:.0f} mm",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )


# Laying out --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    layout: QTextLayout
    position: QPointF


@dataclass(frozen=True)
class _Line:
    line: QLineF
    width: float


@dataclass(frozen=True)
class _Box:
    rect: QRectF
    width: float


@dataclass(frozen=True)
class _Qr:
    rect: QRectF  # the symbol, without its quiet zone
    matrix: tuple[bytes, ...]  # rows of modules, 1 for dark


_Item = _Text | _Line | _Box | _Qr


@dataclass
class _Page:
    """A laid-out handout: what to draw and where, in device units of a 1200 dpi PDF."""

    layout: HandoutLayout
    items: list[_Item]
    offset: QPointF  # where the content's top left sits on the page
    # The device the text was measured on, and its buffer: the layouts must not outlive them.
    keep: tuple[object, ...] = field(repr=False)

    def paint(self, painter: QPainter) -> None:
        painter.translate(self.offset)
        for item in self.items:
            if isinstance(item, _Text):
                painter.setPen(_BLACK)
                item.layout.draw(painter, item.position)
            elif isinstance(item, _Line):
                painter.setPen(
                    QPen(_BLACK, item.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
                )
                painter.drawLine(item.line)
            elif isinstance(item, _Box):
                pen = QPen(_BLACK, item.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.SquareCap)
                pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(item.rect)
            else:
                painter.fillPath(_qr_path(item), _BLACK)


def _qr_path(qr: _Qr) -> QPainterPath:
    """The dark modules as one path, each row's runs merged into one rectangle.

    One filled path rather than a square per module: a renderer that anti-aliases each square
    on its own leaves hairline seams between neighbours, which a scanner can misread.
    """
    module = qr.rect.width() / len(qr.matrix)
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    for row, modules in enumerate(qr.matrix):
        start = None
        for column, dark in enumerate([*modules, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                path.addRect(
                    QRectF(
                        qr.rect.x() + start * module,
                        qr.rect.y() + row * module,
                        (column - start) * module,
                        module,
                    )
                )
                start = None
    return path


def _compose(handout: Handout, paper: Paper) -> _Page:
    app = QCoreApplication.instance()
    if not isinstance(app, QGuiApplication):
        raise RuntimeError("laying out a handout needs a QGuiApplication (for the fonts)")
    spec = _PAPER_SPECS[paper]
    # Text is measured on a PDF device like the one it is drawn on, so that the metrics match.
    buffer = QBuffer()
    device = QPdfWriter(buffer)
    device.setResolution(RESOLUTION_DPI)
    family = handout_family()
    width_mm = spec.width_mm - 2 * spec.side_mm
    if spec.height_mm is None:
        builder = _Builder(handout, _ROLL_STYLES[paper], family, device, width_mm, roll=True)
        page_height_mm = spec.top_mm + builder.height_mm + spec.bottom_mm
        return builder.page(paper, spec, page_height_mm, (buffer, device))
    room_mm = spec.height_mm - spec.top_mm - spec.bottom_mm
    for style in _SHEET_STYLES:
        builder = _Builder(handout, style, family, device, width_mm, roll=False)
        spare_mm = room_mm - builder.height_mm
        if spare_mm >= 0:
            # Spare room becomes more lines for the patient's own questions.
            extra = min(MAX_OWN_LINES - style.own_lines, int(spare_mm // style.pitch_mm))
            if extra > 0:
                style = replace(style, own_lines=style.own_lines + extra)  # noqa: PLW2901
                builder = _Builder(handout, style, family, device, width_mm, roll=False)
            return builder.page(paper, spec, spec.height_mm, (buffer, device), footer_at_mm=room_mm)
    raise HandoutTooLongError(
        f"{len(handout.questions)} questions do not fit on one {paper.value} page even with "
        f"{MIN_BODY_PT:.0f} pt type and no lines to write on"
    )


class _Builder:
    """Lays out one handout in one style down a column ``width_mm`` wide."""

    def __init__(
        self,
        handout: Handout,
        style: _Style,
        family: str,
        device: QPaintDevice,
        width_mm: float,
        *,
        roll: bool,
    ) -> None:
        self._handout = handout
        self._style = style
        self._family = family
        self._device = device
        self._px_per_mm = device.logicalDpiY() / 25.4
        self._width = width_mm * self._px_per_mm
        self._roll = roll
        self._y = 0.0
        self.items: list[_Item] = []
        self.footer: list[_Item] = []
        self.title_pt = style.title_pt
        self._body()
        self._body_height = self._y
        self._y = 0.0
        self._footer()
        self._footer_height = self._y

    @property
    def height_mm(self) -> float:
        return (self._body_height + self._footer_height) / self._px_per_mm

    def page(
        self,
        paper: Paper,
        spec: _PaperSpec,
        page_height_mm: float,
        keep: tuple[object, ...],
        footer_at_mm: float | None = None,
    ) -> _Page:
        """The page, with the footer right under the questions or (sheets) at the bottom."""
        footer_y = (
            self._body_height
            if footer_at_mm is None
            else footer_at_mm * self._px_per_mm - self._footer_height
        )
        footer = [_moved(item, footer_y) for item in self.footer]
        qr = next((item for item in footer if isinstance(item, _Qr)), None)
        mm = 1 / self._px_per_mm
        layout = HandoutLayout(
            paper=paper,
            page_width_mm=spec.width_mm,
            page_height_mm=page_height_mm,
            content_mm=QRectF(
                spec.side_mm,
                spec.top_mm,
                spec.width_mm - 2 * spec.side_mm,
                page_height_mm - spec.top_mm - spec.bottom_mm,
            ),
            body_pt=self._style.body_pt,
            title_pt=self.title_pt,
            answer_lines=self._style.answer_lines,
            own_lines=self._style.own_lines,
            pitch_mm=self._style.pitch_mm,
            qr_mm=None
            if qr is None
            else QRectF(
                spec.side_mm + qr.rect.x() * mm,
                spec.top_mm + qr.rect.y() * mm,
                qr.rect.width() * mm,
                qr.rect.height() * mm,
            ),
            qr_modules=0 if qr is None else len(qr.matrix),
        )
        offset = QPointF(spec.side_mm * self._px_per_mm, spec.top_mm * self._px_per_mm)
        return _Page(layout, [*self.items, *footer], offset, keep)

    # The parts of the page, top to bottom.

    def _body(self) -> None:
        style, handout = self._style, self._handout
        if handout.clinic_name:
            self._text(
                handout.clinic_name, self._fitting_font(handout.clinic_name, style.clinic_pt)
            )
        title_font = self._fitting_font(handout.title, style.title_pt)
        self.title_pt = title_font.pointSizeF()
        self._text(handout.title, title_font)
        # The date's words stay together: "November 26," at a line's end and "2026" on the
        # next reads as two things.
        day = format_date(handout.printed_on, handout.language).replace(" ", "\u00a0")
        self._text(handout.date_label.replace("{0}", day), self._font(style.body_pt))
        self._gap(style.gap_mm / 2)
        self._rule(_RULE_MM)
        self._gap(style.gap_mm)
        self._text(handout.heading, self._fitting_font(handout.heading, style.heading_pt))
        for question in handout.questions:
            self._gap(style.gap_mm)
            self._question(question)
        self._gap(style.gap_mm * 1.5)
        self._text(handout.own_questions_label, self._font(style.body_pt, bold=True))
        self._ruled(style.own_lines, 0.0)

    def _question(self, text: str) -> None:
        font = self._font(self._style.body_pt)
        metrics = QFontMetricsF(font, self._device)
        side = metrics.capHeight() * 1.35
        indent = side * 1.7
        top = self._y
        first = self._text(text, font, indent)
        # The box sits on the first line, centred on its capital letters.
        baseline = top + first
        self.items.append(
            _Box(
                QRectF(0, baseline - metrics.capHeight() / 2 - side / 2, side, side),
                _BOX_MM * self._px_per_mm,
            )
        )
        self._ruled(self._style.answer_lines, indent)

    def _footer(self) -> None:
        handout, style = self._handout, self._style
        items = self.items
        self.items = self.footer
        body = self._font(style.body_pt)
        # Space rather than a rule above the footer: a rule there reads as one more line to
        # write on.
        space_mm = style.gap_mm * 2
        url = handout.url
        qr = None if url is None else self._qr(url)
        if url is None or qr is None:
            self._gap(space_mm)
            self._text(handout.source_line, body)
            if url is not None:
                self._gap(style.gap_mm / 2)
                self._text(url, body)
            self.items = items
            return
        quiet_mm = qr.rect.width() / len(qr.matrix) * QR_QUIET_ZONE_MODULES / self._px_per_mm
        if self._roll:
            self._gap(space_mm)
            self._text(handout.source_line, body)
            self._gap(max(style.gap_mm, quiet_mm))
            self._place_qr(qr, (self._width - qr.rect.width()) / 2)
            self._gap(quiet_mm)
            self._text(url, body, align=Qt.AlignmentFlag.AlignHCenter)
        else:
            # On a sheet the source sits beside the symbol; the quiet zone on its left lies in
            # the page margin, which is blank.
            self._gap(max(space_mm, quiet_mm))
            top = self._y
            self._place_qr(qr, 0.0)
            below_qr = self._y
            self._y = top
            self._text(handout.source_line, body, qr.rect.width() + quiet_mm * self._px_per_mm)
            self._y = max(self._y, below_qr)
            self._gap(quiet_mm)
            self._text(url, body)
        self.items = items

    # Building blocks.

    def _font(self, pt: float, bold: bool = False) -> QFont:
        font = QFont(self._family)
        font.setPointSizeF(pt)
        font.setBold(bold)
        # Outlines as designed, since a PDF is printed at whatever resolution the printer has.
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        return font

    def _fitting_font(self, text: str, pt: float) -> QFont:
        """A bold heading font at ``pt``, or smaller (down to the body size) until every word
        fits the column: a long word such as "Vertebroplasty" would otherwise break mid-word."""
        size = pt
        while True:
            font = self._font(size, bold=True)
            metrics = QFontMetricsF(font, self._device)
            widest = max((metrics.horizontalAdvance(w) for w in text.split()), default=0.0)
            if widest <= self._width or size <= self._style.body_pt:
                return font
            size -= 1

    def _text(
        self,
        text: str,
        font: QFont,
        indent: float = 0.0,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> float:
        """Lay out ``text`` as plain text (never markup) at the cursor, wrapped to the column.

        Returns the first line's ascent, for placing things beside it.
        """
        layout = QTextLayout(text, font, self._device)
        option = QTextOption(align)
        # A word wider than the column (a long address) breaks anywhere rather than run off.
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        y = bottom = ascent = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(self._width - indent)
            line.setPosition(QPointF(0, y))
            if not ascent:
                ascent = line.ascent()
            bottom = y + line.height()
            y += line.height() * self._style.leading
        layout.endLayout()
        self.items.append(_Text(layout, QPointF(indent, self._y)))
        self._y += bottom
        return ascent

    def _rule(self, width_mm: float, indent: float = 0.0) -> None:
        self.items.append(
            _Line(QLineF(indent, self._y, self._width, self._y), width_mm * self._px_per_mm)
        )

    def _ruled(self, count: int, indent: float) -> None:
        for _ in range(count):
            self._gap(self._style.pitch_mm)
            self._rule(_RULE_MM, indent)

    def _gap(self, mm: float) -> None:
        self._y += mm * self._px_per_mm

    def _qr(self, url: str) -> _Qr | None:
        """The QR code to ``url`` at the style's width, or None if it cannot be legible here.

        It grows past the style's width for a long address (modules of at least
        ``MIN_QR_MODULE_MM``), but with its quiet zone must fit the column and be at least
        ``MIN_QR_MM`` wide.
        """
        # Error correction M: a quarter of the symbol can smudge on a receipt printer. No
        # boost, so that every handout uses the same level whatever the address's length.
        import segno  # noqa: PLC0415 - here, not at start-up: it pulls in xml and urllib

        code = segno.make(url, error="m", boost_error=False, micro=False)
        matrix = tuple(bytes(row) for row in code.matrix)
        modules = len(matrix)
        module_mm = max(self._style.qr_mm / modules, MIN_QR_MODULE_MM)
        room_mm = self._width / self._px_per_mm
        module_mm = min(module_mm, room_mm / (modules + 2 * QR_QUIET_ZONE_MODULES))
        if module_mm < MIN_QR_MODULE_MM or module_mm * modules < MIN_QR_MM:
            return None
        side = module_mm * modules * self._px_per_mm
        return _Qr(QRectF(0, 0, side, side), matrix)

    def _place_qr(self, qr: _Qr, x: float) -> None:
        self.items.append(_Qr(qr.rect.translated(x, self._y), qr.matrix))
        self._y += qr.rect.height()


def _moved(item: _Item, dy: float) -> _Item:
    if isinstance(item, _Text):
        return _Text(item.layout, item.position + QPointF(0, dy))
    if isinstance(item, _Line):
        return _Line(item.line.translated(0, dy), item.width)
    if isinstance(item, _Box):
        return _Box(item.rect.translated(0, dy), item.width)
    return _Qr(item.rect.translated(0, dy), item.matrix)
