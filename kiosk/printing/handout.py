"""The printed handout: the ticked questions laid out on sheets or a strip of roll paper."""

from __future__ import annotations

import bisect
import datetime
import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
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

from kiosk.content import Leaflet, languages
from kiosk.fonts import load_fonts
from kiosk.printing.paper import PAPER_SPECS, Paper, PaperSpec

log = logging.getLogger("kiosk.printing")

PREFERRED_FAMILY = "Atkinson Hyperlegible"
FALLBACK_FAMILY = "Sans Serif"

MIN_BODY_PT = 14.0  # no text on the handout is smaller
MIN_SHEET_QUESTION_PT = 18.0  # the questions on a sheet, bold, above everything but the title
RESOLUTION_DPI = 1200  # the PDF's user units; fine enough that rounding never shows
QR_QUIET_ZONE_MODULES = 4  # ISO/IEC 18004 asks for four blank modules round the symbol
MIN_QR_MM = 20.0  # smaller than this, a shaky hand's phone camera struggles
MIN_QR_MODULE_MM = 0.4  # three dots of a 203 dpi receipt printer
MAX_OWN_LINES = 6  # spare room on a sheet beyond these and MAX_ANSWER_LINES stays blank
MAX_ANSWER_LINES = 8  # under each question, however much room a sheet has
MIN_OWN_LINES = 2  # for the patient's own questions, when room is shared out on a sheet
MAX_CLINIC_LINES = 2  # a longer clinic name is set smaller, then cut short
ROLL_ANSWER_LINES = 0  # under each question on a roll, unless the clinic asks for more
MIN_BESIDE_QR_MM = 40.0  # the QR label goes beside the symbol on a roll this much wider
ANSWER_LINES_ASKED = 2  # ruled lines under each question, as the clinic asked

_BLACK = QColor(0, 0, 0)
_RULE_MM = 0.25  # answer lines and separators: thin, so no area of solid ink


@dataclass(frozen=True)
class HandoutWords:
    """The kiosk's own words on the handout that have no place of their own in the leaflet,
    already translated (English here); ``phone_label`` holds ``{0}`` where the number goes."""

    bring: str = "Bring this to your appointment."
    write: str = "Write the answers on the lines."  # left out when no question has lines
    name: str = "Name:"
    appointment: str = "Appointment date:"
    doctor: str = "Doctor:"
    phone_label: str = "Clinic phone: {0}"


@dataclass(frozen=True)
class HandoutPart:
    """One leaflet's part of a handout: its title, its ticked questions and where it is from."""

    title: str  # the leaflet's title
    questions: tuple[str, ...]  # the ticked questions, in the leaflet's order
    source: str  # the source the leaflet cites
    url: str | None  # the full leaflet on the web, shown as a QR code and written out
    publisher: str | None = None  # who publishes the leaflet; None: an older pack names none

    @property
    def short_address(self) -> str | None:
        """The address as a person types it: no https://, no www., no / at the end."""
        if self.url is None:
            return None
        short = re.sub(r"^[a-z][a-z0-9+.-]*://", "", self.url, flags=re.IGNORECASE)
        return short.removeprefix("www.").rstrip("/") or self.url


@dataclass(frozen=True)
class Handout:
    """Everything printed on the handout, and nothing else.

    A handout of one leaflet holds it in ``title``, ``questions``, ``source``, ``url`` and
    ``publisher``. A handout of several (a kiosk of several leaflets) holds the first of them
    there and the others in ``more_parts``, in the kiosk's order: it is headed with ``heading``
    and has a part per leaflet, each under its title, the questions numbered on through them.
    """

    clinic_name: str  # "" leaves the line out
    title: str  # the (first) leaflet's title
    heading: str  # the leaflet's questions heading ("Questions to ask your doctor")
    questions: tuple[str, ...]  # the ticked questions, in the leaflet's order
    printed_on: datetime.date
    own_questions_label: str  # "My own questions:", already translated
    date_label: str  # "Date: {0}", already translated; {0} is the date in the language
    source_label: str  # "Source: {0}", already translated; {0} is the source
    source: str
    url: str | None  # the full leaflet on the web, shown as a QR code and written out
    language: str
    # "Page {0} of {1}", already translated; on each page of a handout that takes more than one
    page_label: str = "Page {0} of {1}"
    publisher: str | None = None  # who publishes the leaflet; None: an older pack names none
    publisher_label: str = "Published by {0}"  # already translated; {0} is the publisher
    # Beside the QR code, already translated: what it is, for those who have never used one.
    qr_label: str = "Scan with your phone's camera to read the whole leaflet"
    clinic_phone: str = ""  # "" leaves the line out
    words: HandoutWords = HandoutWords()
    roll_answer_lines: int = ROLL_ANSWER_LINES  # ruled lines under each question on a roll
    more_parts: tuple[HandoutPart, ...] = ()  # the parts of the leaflets after the first

    @property
    def parts(self) -> tuple[HandoutPart, ...]:
        """Each leaflet's part, in the kiosk's order: one for a handout of one leaflet."""
        first = HandoutPart(self.title, self.questions, self.source, self.url, self.publisher)
        return (first, *self.more_parts)

    @property
    def page_title(self) -> str:
        """What heads the page and names the PDF: the leaflet's title, or for a handout of
        several leaflets the questions heading they share."""
        return self.heading if self.more_parts else self.title

    @property
    def question_count(self) -> int:
        """The questions of every part together: the last one's number."""
        return sum(len(part.questions) for part in self.parts)

    @property
    def phone_line(self) -> str | None:
        if not self.clinic_phone:
            return None
        # The number's parts stay together on one line.
        return self.words.phone_label.replace("{0}", self.clinic_phone.replace(" ", "\u00a0"))

    @property
    def short_address(self) -> str | None:
        """The (first) leaflet's address as a person types it: no https://, no www., no / at
        the end."""
        return self.parts[0].short_address

    @property
    def publisher_line(self) -> str | None:
        return self.publisher_line_of(self.parts[0])

    def publisher_line_of(self, part: HandoutPart) -> str | None:
        if part.publisher is None:
            return None
        return self.publisher_label.replace("{0}", part.publisher)

    @property
    def date_line(self) -> str:
        return self.date_label.replace("{0}", format_date(self.printed_on, self.language))

    @property
    def source_line(self) -> str:
        return self.source_line_of(self.parts[0])

    def source_line_of(self, part: HandoutPart) -> str:
        return self.source_label.replace("{0}", part.source)

    def page_line(self, number: int, pages: int) -> str:
        """``page_label`` for page ``number`` of ``pages``, its words kept on one line."""
        line = self.page_label.replace("{0}", str(number)).replace("{1}", str(pages))
        return line.replace(" ", "\u00a0")


def handout_for(
    leaflet: Leaflet,
    ticked: Iterable[int],
    *,
    clinic_name: str,
    today: datetime.date,
    own_questions_label: str,
    date_label: str,
    source_label: str,
    page_label: str = "Page {0} of {1}",
    publisher_label: str = "Published by {0}",
    qr_label: str = "Scan with your phone's camera to read the whole leaflet",
    clinic_phone: str = "",
    words: HandoutWords | None = None,
    roll_answer_lines: int = ROLL_ANSWER_LINES,
) -> Handout:
    """The handout of ``leaflet`` with the ``ticked`` questions (1-based numbers).

    The labels are the kiosk's own words, already translated; ``date_label`` and
    ``source_label`` (and ``publisher_label``) hold ``{0}`` where the date and the source (the
    publisher) go, ``page_label`` ``{0}`` and
    ``{1}`` for the page and the number of pages. Raises ``ValueError`` if nothing is ticked, a
    number is not a question of the leaflet, or a label lacks its ``{0}`` or ``{1}``.
    """
    return handout_of_parts(
        [(leaflet, ticked)],
        clinic_name=clinic_name,
        today=today,
        own_questions_label=own_questions_label,
        date_label=date_label,
        source_label=source_label,
        page_label=page_label,
        publisher_label=publisher_label,
        qr_label=qr_label,
        clinic_phone=clinic_phone,
        words=words,
        roll_answer_lines=roll_answer_lines,
    )


def handout_of_parts(
    parts: Sequence[tuple[Leaflet, Iterable[int]]],
    *,
    clinic_name: str,
    today: datetime.date,
    own_questions_label: str,
    date_label: str,
    source_label: str,
    page_label: str = "Page {0} of {1}",
    publisher_label: str = "Published by {0}",
    qr_label: str = "Scan with your phone's camera to read the whole leaflet",
    clinic_phone: str = "",
    words: HandoutWords | None = None,
    roll_answer_lines: int = ROLL_ANSWER_LINES,
    language: str | None = None,
) -> Handout:
    """The handout of several leaflets, each with its ``ticked`` questions (1-based numbers),
    in the order given (the kiosk's); a leaflet with nothing ticked is left out, and one
    leaflet left makes the handout ``handout_for`` makes.

    ``language`` is that of the kiosk's words (the labels, the date): None for the first
    leaflet's. The handout is headed with the questions heading of the first leaflet in it
    (they are printed in it too, a leaflet that lacks it in their own). The labels as for
    ``handout_for``. Raises ``ValueError`` if nothing is ticked, a number is not a question of
    its leaflet, or a label lacks its ``{0}`` or ``{1}``.
    """
    chosen: list[tuple[Leaflet, HandoutPart]] = []
    for leaflet, ticked in parts:
        wanted = set(ticked)
        if not wanted:
            continue
        known = {q.number for q in leaflet.questions}
        unknown = sorted(wanted - known)
        if unknown:
            raise ValueError(
                f"no question {unknown[0]}; the leaflet has questions 1 to {len(known)} "
                f"({leaflet.path})"
            )
        questions = tuple(q.text for q in leaflet.questions if q.number in wanted)
        part = HandoutPart(leaflet.title, questions, leaflet.source, leaflet.url, leaflet.publisher)
        chosen.append((leaflet, part))
    if not chosen:
        raise ValueError("no question is ticked, so there is nothing to print")
    labels = (
        ("date_label", date_label),
        ("source_label", source_label),
        ("publisher_label", publisher_label),
    )
    for name, label in labels:
        if "{0}" not in label:
            raise ValueError(f"{name} {label!r} has no {{0}} for its value")
    if words is not None and "{0}" not in words.phone_label:
        raise ValueError(f"phone_label {words.phone_label!r} has no {{0}} for its value")
    for mark in ("{0}", "{1}"):
        if mark not in page_label:
            raise ValueError(f"page_label {page_label!r} has no {mark} for its value")
    language = language or chosen[0][0].language
    heading = next(
        (leaflet for leaflet, _part in chosen if leaflet.language == language), chosen[0][0]
    ).questions_section.heading
    first = chosen[0][1]
    return Handout(
        clinic_name=clinic_name,
        title=first.title,
        heading=heading,
        questions=first.questions,
        printed_on=today,
        own_questions_label=own_questions_label,
        date_label=date_label,
        source_label=source_label,
        source=first.source,
        url=first.url,
        language=language,
        page_label=page_label,
        publisher=first.publisher,
        publisher_label=publisher_label,
        qr_label=qr_label,
        clinic_phone=clinic_phone,
        words=words or HandoutWords(),
        roll_answer_lines=roll_answer_lines,
        more_parts=tuple(part for _leaflet, part in chosen[1:]),
    )


def format_date(day: datetime.date, language: str) -> str:
    """The date as a reader of ``language`` writes it in full ("3 de diciembre de 2026"), from
    the language's file (``resources/languages/<code>.toml``), never from the system locale,
    which a kiosk image rarely has for every language."""
    return languages.language(language).format_date(day)


@functools.cache
def handout_family() -> str:
    """The typeface the handout is set in (loaded here too, so ``kiosk print`` needs no screen)."""
    return load_fonts()


@dataclass(frozen=True)
class _Style:
    """The sizes and spacing of one way to lay out a handout.

    ``body_pt`` is the smallest type, for what the patient reads once (the date, the source);
    the questions are bold and larger, second only to the title.
    """

    body_pt: float
    answer_lines: int  # ruled lines under each question
    pitch_mm: float  # between ruled lines: room for handwriting
    gap_mm: float  # between blocks
    own_lines: int  # ruled lines under "My own questions:", at least
    qr_mm: float  # the QR symbol's preferred width
    leading: float = 1.1  # line spacing as a multiple of the font's own
    question_pt: float = MIN_SHEET_QUESTION_PT

    @property
    def title_pt(self) -> float:
        return self.question_pt + 4

    @property
    def heading_pt(self) -> float:
        return self.body_pt + 2

    @property
    def clinic_pt(self) -> float:
        return self.body_pt + 2


# From roomiest to tightest; a sheet uses the first that fits. Spacing and ruled lines give way
# before the type does; ruled lines never come closer than 9 mm (older handwriting is large),
# and the questions stay at 18 pt until only the last four styles, made-up lists of ten long
# questions. The last five fall short of the two ruled lines per question the clinic asked for,
# but keep everything on one page. When even the tightest does not fit, the handout goes on to
# more sheets and nothing is gained by falling short: it takes the roomiest style with the
# lines asked for that needs the fewest sheets.
_SHEET_STYLES = (
    _Style(14, 3, 10, 6, 4, 30),
    _Style(14, 3, 9, 5, 3, 30),
    _Style(14, 2, 9, 5, 3, 25),
    _Style(14, 2, 9, 4, 3, 25, leading=1.05),
    _Style(14, 1, 9, 3, 2, 22, leading=1.0),
    _Style(14, 1, 9, 3, 2, 22, leading=1.0, question_pt=16),
    _Style(14, 0, 9, 2, 2, 20, leading=1.0, question_pt=16),
    _Style(14, 0, 9, 2, 1, 20, leading=1.0, question_pt=14),
    _Style(14, 0, 9, 1, 1, 20, leading=1.0, question_pt=14),
)
# A roll is as long as it needs to be, so nothing gives way on it. Its narrow column takes 16 pt
# on 80 mm (about 26 letters a line) but only 14 pt on 58 mm (about 20).
_ROLL_STYLES = {
    Paper.ROLL_80MM: _Style(14, ROLL_ANSWER_LINES, 9, 3, 2, 22, question_pt=16),
    Paper.ROLL_58MM: _Style(14, ROLL_ANSWER_LINES, 9, 3, 2, 22, question_pt=14),
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
    question_pt: float  # the questions, bold
    answer_lines: int  # ruled lines under each question
    own_lines: int  # ruled lines under "My own questions:"
    pitch_mm: float  # between ruled lines
    qr_mm: QRectF | None  # the QR symbol without its quiet zone (on the last page), or None
    qr_modules: int  # modules along a side of the symbol (0 without a QR code)
    pages: int = 1  # sheets the handout takes; a roll's one page is as long as it needs
    # Every QR symbol, a part's each (the first is qr_mm), and the modules along its side.
    qrs_mm: tuple[QRectF, ...] = ()
    qrs_modules: tuple[int, ...] = ()


def layout_handout(handout: Handout, paper: Paper) -> HandoutLayout:
    """Lay out ``handout`` on ``paper`` without drawing it (for figures and tests).

    Needs a ``QGuiApplication``.
    """
    return _compose(handout, paper).layout


def render_pdf(handout: Handout, paper: Paper, path: Path) -> None:
    """Write ``handout`` to ``path`` as a PDF with vector drawing and selectable text.

    Sheets are Letter or A4: one, or as many as the questions need, each after the first headed
    with the leaflet's title and its page number. A roll's one page is as long as its content.
    Needs a ``QGuiApplication`` (for the fonts). Raises ``OSError`` if ``path`` cannot be
    written.
    """
    # Drawn into memory and written in one go: no half-written file is left behind, and a
    # path that cannot be written raises the OSError that says why.
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION_DPI)
    writer.setTitle(handout.page_title)
    paint_handout(handout, paper, writer)
    path.write_bytes(with_language(bytes(buffer.data().data()), handout.language))


def with_language(pdf: bytes, language: str) -> bytes:
    """``pdf`` (as QPdfWriter writes it) with its language in the catalog (``/Lang``), which
    screen readers and PDF/UA ask for and Qt has no setting for: the entry goes in, and the
    offsets of the cross-reference table after it move by its length. ``pdf`` unchanged if it
    is not laid out as Qt lays it out (one classic xref table)."""
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", language):
        return pdf
    catalog = pdf.find(b"/Type /Catalog\n")
    xref = pdf.rfind(b"\nxref\n")
    start = pdf.rfind(b"startxref\n")
    if catalog < 0 or xref < catalog or start < xref or b"/Lang" in pdf[catalog : catalog + 200]:
        return pdf
    entry = f"/Lang ({language})\n".encode("ascii")
    at = catalog + len(b"/Type /Catalog\n")
    shift = len(entry)

    def moved(match: re.Match[bytes]) -> bytes:
        offset = int(match[1])
        return b"%010d" % (offset + shift if offset >= at else offset) + match[2]

    table_end = pdf.find(b"trailer", xref)
    table = re.sub(rb"(\d{10})( \d{5} n)", moved, pdf[xref:table_end])
    tail = pdf[table_end:start] + re.sub(
        rb"startxref\n(\d+)", lambda m: b"startxref\n%d" % (int(m[1]) + shift), pdf[start:]
    )
    return pdf[:at] + entry + pdf[at:xref] + table + tail


def paint_handout(handout: Handout, paper: Paper, device: QPagedPaintDevice) -> None:
    """Draw ``handout`` on any paged device (a QPrinter on Windows), at that device's resolution.

    The text is laid out once for the 1200 dpi PDF and scaled to the device, so a printer
    shows exactly what the PDF shows.
    """
    composition = _compose(handout, paper)
    layout = composition.layout
    device.setPageLayout(
        QPageLayout(
            _page_size(paper, layout.page_width_mm, layout.page_height_mm),
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
        for number, items in enumerate(composition.pages, start=1):
            if number > 1 and not device.newPage():
                raise OSError(f"the printer would not start page {number}")
            painter.save()
            painter.scale(scale, scale)
            composition.paint(painter, items)
            painter.restore()
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
    lines: range | None = None  # the lines of it on this page, when a page break splits it


@dataclass(frozen=True)
class _Line:
    line: QLineF
    width: float


@dataclass(frozen=True)
class _Qr:
    rect: QRectF  # the symbol, without its quiet zone
    matrix: tuple[bytes, ...]  # rows of modules, 1 for dark


_Item = _Text | _Line | _Qr


@dataclass(frozen=True)
class _Cut:
    """A place in the column where a continued handout may go on to its next page."""

    end: float  # where the ink above ends
    resume: float  # where the next page's part of the column starts (past any gap)
    between_blocks: bool  # between questions, not inside one: where a page break reads best


@dataclass
class _Composition:
    """A laid-out handout: what to draw on each page and where, in units of a 1200 dpi PDF."""

    layout: HandoutLayout
    pages: list[list[_Item]]
    offset: QPointF  # where the content's top left sits on a page
    # The device the text was measured on, and its buffer: the layouts must not outlive them.
    keep: tuple[object, ...] = field(repr=False)

    def paint(self, painter: QPainter, items: list[_Item]) -> None:
        painter.translate(self.offset)
        for item in items:
            if isinstance(item, _Text):
                painter.setPen(_BLACK)
                if item.lines is None:
                    item.layout.draw(painter, item.position)
                else:
                    for index in item.lines:
                        item.layout.lineAt(index).draw(painter, item.position)
            elif isinstance(item, _Line):
                painter.setPen(
                    QPen(_BLACK, item.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
                )
                painter.drawLine(item.line)
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


def _compose(handout: Handout, paper: Paper) -> _Composition:
    app = QCoreApplication.instance()
    if not isinstance(app, QGuiApplication):
        raise RuntimeError("laying out a handout needs a QGuiApplication (for the fonts)")
    spec = PAPER_SPECS[paper]
    # Text is measured on a PDF device like the one it is drawn on, so that the metrics match.
    buffer = QBuffer()
    device = QPdfWriter(buffer)
    device.setResolution(RESOLUTION_DPI)
    family = handout_family()
    width_mm = spec.width_mm - 2 * spec.side_mm
    if spec.height_mm is None:
        # Compact: a strip of receipt paper is for the questions; writing on it is awkward, so
        # it has ruled lines under them only if the clinic asks (roll_answer_lines).
        style = replace(_ROLL_STYLES[paper], answer_lines=handout.roll_answer_lines)
        builder = _Builder(handout, style, family, device, width_mm, roll=True)
        page_height_mm = spec.top_mm + builder.height_mm + spec.bottom_mm
        return builder.page(paper, spec, page_height_mm, (buffer, device))
    room_mm = spec.height_mm - spec.top_mm - spec.bottom_mm
    for style in _SHEET_STYLES:
        builder = _Builder(handout, style, family, device, width_mm, roll=False)
        spare_mm = room_mm - builder.height_mm
        if spare_mm >= 0:
            roomier = _shared(style, spare_mm, handout.question_count)
            if roomier != style:
                wider = _Builder(handout, roomier, family, device, width_mm, roll=False)
                if wider.height_mm <= room_mm:
                    builder = wider
            return builder.page(paper, spec, spec.height_mm, (buffer, device), footer_at_mm=room_mm)

    # Too long for one sheet: as few sheets as any style with the lines asked for needs, in the
    # roomiest style that needs no more.
    def sheets(style: _Style, pages: int) -> _Builder:
        return _Builder(handout, style, family, device, width_mm, roll=False, pages=pages)

    styles = [style for style in _SHEET_STYLES if style.answer_lines >= ANSWER_LINES_ASKED]
    # Page 1 says "Page 1 of N" on one line whatever N is, so the page breaks found with a guess
    # of two pages are the breaks of the handout that says how many there are.
    counts = [len(sheets(style, 2).page_starts(room_mm)) for style in styles]
    pages = min(counts)
    style = styles[counts.index(pages)]
    builder = sheets(style, pages)
    # Spare room on the last page becomes more lines for the patient's own questions, as on
    # one sheet, unless the longer column would break its pages elsewhere.
    extra = min(MAX_OWN_LINES - style.own_lines, int(builder.spare_mm(room_mm) // style.pitch_mm))
    if extra > 0:
        longer = sheets(replace(style, own_lines=style.own_lines + extra), pages)
        if longer.page_starts(room_mm) == builder.page_starts(room_mm):
            builder = longer
    return builder.continued(paper, spec, spec.height_mm, (buffer, device), room_mm)


def _shared(style: _Style, spare_mm: float, questions: int) -> _Style:
    """``style`` with the ``spare_mm`` of a sheet shared out as ruled lines: first more under
    every question alike (the answers are what the patient came to write), then more for their
    own questions; what is left, less than a line a question, stays blank above the footer."""
    pitch = style.pitch_mm
    # The style's own lines beyond MIN_OWN_LINES may go to the answers too.
    given_up = max(style.own_lines - MIN_OWN_LINES, 0)
    spare_mm += given_up * pitch
    answers = min(MAX_ANSWER_LINES - style.answer_lines, int(spare_mm // (pitch * questions)))
    answers = max(answers, 0)
    spare_mm -= answers * pitch * questions
    own = style.own_lines - given_up
    own += max(min(MAX_OWN_LINES - own, int(spare_mm // pitch)), 0)
    return replace(style, answer_lines=style.answer_lines + answers, own_lines=own)


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
        pages: int = 1,
    ) -> None:
        """``pages``: the sheets a continued handout takes, which page 1 says (1: one sheet)."""
        self._handout = handout
        self._style = style
        self._family = family
        self._device = device
        self._px_per_mm = device.logicalDpiY() / 25.4
        self._width = width_mm * self._px_per_mm
        self._roll = roll
        self._pages = pages
        self._y = 0.0
        self._ink_below = 0.0  # how far the last thing drawn reaches below the cursor
        self.items: list[_Item] = []
        self.footer: list[_Item] = []
        self.title_pt = style.title_pt
        self._cuts: list[_Cut] | None = []
        self._body()
        self._body_height = self._y
        self.cuts: list[_Cut] = self._cuts
        self._cuts = None  # the footer and the headers of continued pages stay in one piece
        self._y = 0.0
        self._footer()
        self._footer_height = self._y

    @property
    def height_mm(self) -> float:
        return (self._body_height + self._footer_height) / self._px_per_mm

    def page(
        self,
        paper: Paper,
        spec: PaperSpec,
        page_height_mm: float,
        keep: tuple[object, ...],
        footer_at_mm: float | None = None,
    ) -> _Composition:
        """The page, with the footer right under the questions or (sheets) at the bottom."""
        footer_y = (
            self._body_height
            if footer_at_mm is None
            else footer_at_mm * self._px_per_mm - self._footer_height
        )
        footer = [_moved(item, footer_y) for item in self.footer]
        layout = self._layout(paper, spec, page_height_mm, footer, pages=1)
        offset = QPointF(spec.side_mm * self._px_per_mm, spec.top_mm * self._px_per_mm)
        return _Composition(layout, [[*self.items, *footer]], offset, keep)

    def page_starts(self, room_mm: float) -> list[float]:
        """Where each sheet's part of the column starts, for sheets ``room_mm`` tall inside
        their margins: the first at 0.

        Each page takes as much as fits, breaking between questions where it can and between
        the lines of one (a question longer than a page) only where it must. The footer goes
        at the bottom of the last page, so the last page is one it fits on too.
        """
        first_room = room_mm * self._px_per_mm
        room = first_room - self._header(2, 2, first_room)[1]
        starts = [0.0]
        while True:
            start = starts[-1]
            limit = start + (first_room if len(starts) == 1 else room)
            if self._body_height + self._footer_height <= limit:
                return starts
            fitting = [cut for cut in self.cuts if start < cut.end <= limit]
            cut = max(
                (cut for cut in fitting if cut.between_blocks), key=_end, default=None
            ) or max(fitting, key=_end, default=None)
            if cut is None:
                # Not met on a sheet, whose lines are a small part of a page: a piece taller
                # than a page goes on one of its own and runs off its foot, but still prints.
                cut = next((cut for cut in self.cuts if cut.end > start), None)
            if cut is None:
                return starts
            starts.append(cut.resume)

    def spare_mm(self, room_mm: float) -> float:
        """The room left blank above the footer on the last of the pages ``page_starts`` finds."""
        starts = self.page_starts(room_mm)
        room = room_mm * self._px_per_mm
        if len(starts) > 1:
            room -= self._header(len(starts), len(starts), room)[1]
        used = self._body_height - starts[-1] + self._footer_height
        return (room - used) / self._px_per_mm

    def continued(
        self,
        paper: Paper,
        spec: PaperSpec,
        page_height_mm: float,
        keep: tuple[object, ...],
        room_mm: float,
    ) -> _Composition:
        """The handout on as many sheets as it needs: pages after the first are headed with
        the title and the page number, and the footer sits at the bottom of the last."""
        starts = self.page_starts(room_mm)
        pages: list[list[_Item]] = [[] for _ in starts]
        tops = [0.0]
        for number in range(2, len(starts) + 1):
            header, height = self._header(number, len(starts), room_mm * self._px_per_mm)
            pages[number - 1].extend(header)
            tops.append(height)
        for item in self.items:
            if isinstance(item, _Text):
                self._place_lines(item, starts, tops, pages)
            else:
                index = bisect.bisect_right(starts, _anchor(item)) - 1
                pages[index].append(_moved(item, tops[index] - starts[index]))
        footer_y = room_mm * self._px_per_mm - self._footer_height
        footer = [_moved(item, footer_y) for item in self.footer]
        pages[-1].extend(footer)
        layout = self._layout(paper, spec, page_height_mm, footer, pages=len(pages))
        offset = QPointF(spec.side_mm * self._px_per_mm, spec.top_mm * self._px_per_mm)
        return _Composition(layout, pages, offset, keep)

    def _place_lines(
        self, text: _Text, starts: list[float], tops: list[float], pages: list[list[_Item]]
    ) -> None:
        """Put each line of ``text`` on the page its top falls on, whole: never a line cut."""
        by_page: dict[int, list[int]] = {}
        for index in range(text.layout.lineCount()):
            # A line's position is kept in 1/64 of a unit (QTextLine's fixed point), so its top
            # can fall a hair above the page start found from the unrounded one: a unit more.
            top = text.position.y() + text.layout.lineAt(index).y() + 1.0
            by_page.setdefault(bisect.bisect_right(starts, top) - 1, []).append(index)
        for page, lines in by_page.items():
            part = None if len(by_page) == 1 else range(lines[0], lines[-1] + 1)
            position = text.position + QPointF(0, tops[page] - starts[page])
            pages[page].append(replace(text, position=position, lines=part))

    def _header(self, number: int, pages: int, room: float) -> tuple[list[_Item], float]:
        """The head of a continued page: the title, "Page 2 of 3" and a rule; and its height.

        The title is left out if it would take more than a third of the ``room`` on the page
        (a title of a hundred words), so that the questions keep theirs.
        """
        items, y = self.items, self._y
        style, handout = self._style, self._handout
        made: list[_Item] = []
        height = 0.0
        for with_title in (True, False):
            self.items, self._y = [], 0.0
            if with_title:
                self._text(handout.page_title, self._font(style.body_pt, bold=True))
            self._text(handout.page_line(number, pages), self._font(style.body_pt))
            self._gap(style.gap_mm / 2)
            self._rule(_RULE_MM)
            self._gap(style.gap_mm)
            made, height = self.items, self._y
            if height <= room / 3:
                break
        self.items, self._y = items, y
        return made, height

    def _layout(
        self,
        paper: Paper,
        spec: PaperSpec,
        page_height_mm: float,
        footer: list[_Item],
        *,
        pages: int,
    ) -> HandoutLayout:
        mm = 1 / self._px_per_mm
        qrs = [item for item in footer if isinstance(item, _Qr)]
        rects = tuple(
            QRectF(
                spec.side_mm + qr.rect.x() * mm,
                spec.top_mm + qr.rect.y() * mm,
                qr.rect.width() * mm,
                qr.rect.height() * mm,
            )
            for qr in qrs
        )
        return HandoutLayout(
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
            question_pt=self._style.question_pt,
            answer_lines=self._style.answer_lines,
            own_lines=self._style.own_lines,
            pitch_mm=self._style.pitch_mm,
            qr_mm=rects[0] if rects else None,
            qr_modules=len(qrs[0].matrix) if qrs else 0,
            pages=pages,
            qrs_mm=rects,
            qrs_modules=tuple(len(qr.matrix) for qr in qrs),
        )

    # The parts of the page, top to bottom.

    def _body(self) -> None:
        style, handout = self._style, self._handout
        if handout.clinic_name:
            self._clinic(handout.clinic_name)
        body = self._font(style.body_pt)
        if handout.phone_line is not None:
            self._text(handout.phone_line, body)
        if handout.clinic_name or handout.phone_line is not None:
            self._gap(style.gap_mm / 2)  # the clinic apart from the title
        title_font = self._fitting_font(handout.page_title, style.title_pt)
        self.title_pt = title_font.pointSizeF()
        self._text(handout.page_title, title_font)
        # The date's words stay together: "November 26," at a line's end and "2026" on the
        # next reads as two things. A date wider than the column ("26 de noviembre de 2026"
        # on a 58 mm roll) breaks between its words, never inside the year.
        day = format_date(handout.printed_on, handout.language)
        whole = day.replace(" ", "\u00a0")
        if QFontMetricsF(body, self._device).horizontalAdvance(whole) <= self._width:
            day = whole
        self._text(handout.date_label.replace("{0}", day), body)
        if self._pages > 1:
            self._text(handout.page_line(1, self._pages), body)
        self._gap(style.gap_mm / 2)
        self._rule(_RULE_MM)
        self._gap(style.gap_mm / 2)
        words = handout.words
        instruction = words.bring if not style.answer_lines else f"{words.bring} {words.write}"
        self._text(instruction, self._font(style.body_pt, bold=True))
        # Written in by hand: the kiosk never asks for a name, nor keeps one.
        if self._roll:
            for label in (words.name, words.appointment, words.doctor):
                self._fields((label,))
        else:
            self._fields((words.name,))
            self._fields((words.appointment, words.doctor))
        self._gap(style.gap_mm)
        self._questions()
        self._gap(style.gap_mm * 1.5, page_break=True)
        self._text(handout.own_questions_label, self._font(style.body_pt, bold=True))
        self._ruled(style.own_lines, 0.0)

    def _questions(self) -> None:
        """The ticked questions: under the questions heading, or for a handout of several
        leaflets a part under each one's title."""
        style, handout = self._style, self._handout
        parts = handout.parts
        if len(parts) == 1:
            self._text(handout.heading, self._fitting_font(handout.heading, style.heading_pt))
        # The heading (of a part, its leaflet's title) stays with the first question; a page
        # may break before any other. Numbered on through the parts, so that "question 5"
        # names one question in the consultation; no tick boxes, which read as "nothing
        # ticked" or as a form to fill in.
        font = self._font(style.question_pt, bold=True)
        widest = f"{handout.question_count}."
        indent = QFontMetricsF(font, self._device).horizontalAdvance(widest + "\u2002")
        number = 0
        for part_index, part in enumerate(parts):
            if len(parts) > 1:
                if part_index > 0:
                    self._gap(style.gap_mm * 1.5, page_break=True)
                self._text(part.title, self._fitting_font(part.title, style.heading_pt))
            for index, question in enumerate(part.questions):
                self._gap(style.gap_mm, page_break=index > 0)
                number += 1
                self._question(number, question, font, indent)

    def _question(self, number: int, text: str, font: QFont, indent: float) -> None:
        """``number`` hangs in the margin of ``indent``, the question's lines beside it."""
        # Drawn first, so that copied text reads "2. How long ...".
        self._cut(self._y + self._ink_below, self._y)
        self.items.append(_Text(self._line_layout(f"{number}.", font), QPointF(0, self._y)))
        self._text(text, font, indent)
        self._ruled(self._style.answer_lines, indent)

    def _footer(self) -> None:
        items = self.items
        self.items = self.footer
        parts = self._handout.parts
        if len(parts) == 1:
            self._part_footer(parts[0])
        else:
            self._parts_footer(parts)
        self.items = items

    def _part_footer(self, part: HandoutPart) -> None:
        """The footer of a handout of one leaflet."""
        handout, style = self._handout, self._style
        body = self._font(style.body_pt)
        # Space rather than a rule above the footer: a rule there reads as one more line to
        # write on.
        space_mm = style.gap_mm * 2
        qr = None if part.url is None else self._qr(part.url)
        address = part.short_address
        if address is None or qr is None:
            self._gap(space_mm)
            self._attribution(part, body)
            if address is not None:
                self._gap(style.gap_mm / 2)
                self._address(address, body)
            return
        quiet_mm = self._quiet_mm(qr)
        beside = qr.rect.width() + quiet_mm * self._px_per_mm
        if self._single_column(beside):
            # A 58 mm roll: everything in one centred column under the attribution.
            centre = Qt.AlignmentFlag.AlignHCenter
            self._gap(space_mm)
            self._attribution(part, body)
            self._gap(style.gap_mm)
            self._text(handout.qr_label, body, align=centre)
            self._gap(quiet_mm)
            self._place_qr(qr, (self._width - qr.rect.width()) / 2)
            self._gap(quiet_mm)
            self._address(address, body, align=centre)
            return
        # What the symbol is sits beside it, and on a sheet the address to type instead too
        # (an 80 mm roll has room for the label there, not the address); the quiet zone on its
        # left lies in the page margin, which is blank.
        self._gap(max(space_mm, quiet_mm))
        top = self._y
        self._place_qr(qr, 0.0)
        below_qr = self._y
        self._y = top
        self._text(handout.qr_label, self._font(style.body_pt, bold=True), beside)
        if not self._roll:
            self._address(address, body, beside)
        self._y = max(self._y, below_qr)
        if self._roll:
            self._gap(quiet_mm)
            self._address(address, body)
        self._gap(style.gap_mm)
        self._attribution(part, body)

    def _parts_footer(self, parts: tuple[HandoutPart, ...]) -> None:
        """The footer of a handout of several leaflets: what a QR code is, said once, then a
        block for each part, named by its leaflet's title (so that each code is known for
        whose it is), with its QR code and address, publisher and source."""
        handout, style = self._handout, self._style
        body = self._font(style.body_pt)
        bold = self._font(style.body_pt, bold=True)
        qrs = [None if part.url is None else self._qr(part.url) for part in parts]
        self._gap(style.gap_mm * 2)
        if any(qr is not None for qr in qrs):
            centre = self._single_column(max(self._qr_beside(qr) for qr in qrs if qr))
            align = Qt.AlignmentFlag.AlignHCenter if centre else Qt.AlignmentFlag.AlignLeft
            self._text(handout.qr_label, body if centre else bold, align=align)
        for index, (part, qr) in enumerate(zip(parts, qrs, strict=True)):
            title = self._fitting_font(part.title, style.body_pt)
            address = part.short_address
            if address is None or qr is None:
                self._gap(style.gap_mm if index else style.gap_mm / 2)
                self._text(part.title, title)
                self._attribution(part, body)
                if address is not None:
                    self._address(address, body)
                continue
            quiet_mm = self._quiet_mm(qr)
            beside = self._qr_beside(qr)
            if self._single_column(beside):
                # A 58 mm roll: the part's title and attribution, then its code, centred.
                self._gap(style.gap_mm if index else style.gap_mm / 2)
                self._text(part.title, title)
                self._attribution(part, body)
                self._gap(quiet_mm)
                self._place_qr(qr, (self._width - qr.rect.width()) / 2)
                self._gap(quiet_mm)
                self._address(address, body, align=Qt.AlignmentFlag.AlignHCenter)
                continue
            # The title beside the code, and on a sheet all the rest of the part's block too;
            # on an 80 mm roll the address and attribution go under it.
            self._gap(max(style.gap_mm, quiet_mm))
            top = self._y
            self._place_qr(qr, 0.0)
            below_qr = self._y
            self._y = top
            self._text(part.title, title, beside)
            if not self._roll:
                self._address(address, body, beside)
                self._attribution(part, body, beside)
            self._y = max(self._y, below_qr)
            if self._roll:
                self._gap(quiet_mm)
                self._address(address, body)
                self._attribution(part, body)

    def _quiet_mm(self, qr: _Qr) -> float:
        return qr.rect.width() / len(qr.matrix) * QR_QUIET_ZONE_MODULES / self._px_per_mm

    def _qr_beside(self, qr: _Qr) -> float:
        """Where text beside ``qr`` starts: past the symbol and its quiet zone."""
        return qr.rect.width() + self._quiet_mm(qr) * self._px_per_mm

    def _single_column(self, beside: float) -> bool:
        """Whether the column is too narrow for text beside a QR code (a 58 mm roll)."""
        return self._roll and self._width - beside < MIN_BESIDE_QR_MM * self._px_per_mm

    def _attribution(self, part: HandoutPart, font: QFont, indent: float = 0.0) -> None:
        """Who publishes the leaflet (when its header says), then the source it cites."""
        publisher = self._handout.publisher_line_of(part)
        if publisher is not None:
            self._text(publisher, font, indent)
        self._text(self._handout.source_line_of(part), font, indent)

    def _address(
        self,
        address: str,
        font: QFont,
        indent: float = 0.0,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> None:
        """The web address to type, broken only after a / or a -, never inside a word: a
        smaller size (not under the body's) if a part of it is wider than the column."""
        parts = re.findall(r"[^/-]*[/-]?", address)
        size = font.pointSizeF()
        while size > MIN_BODY_PT:
            metrics = QFontMetricsF(font, self._device)
            if max(metrics.horizontalAdvance(p) for p in parts) <= self._width - indent:
                break
            size -= 1
            font = self._font(size, bold=font.bold())
        self._text(address, font, indent, align, anywhere=False)

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
        *,
        anywhere: bool = True,
    ) -> float:
        """Lay out ``text`` as plain text (never markup) at the cursor, wrapped to the column.

        Returns the first line's ascent, for placing things beside it. A continued handout may
        break its page before the text and between its lines.
        """
        self._cut(self._y + self._ink_below, self._y)
        layout = QTextLayout(text, font, self._device)
        option = QTextOption(align)
        # A word wider than the column (a long word) breaks anywhere rather than run off;
        # an address (``anywhere`` False) only where Qt may break it, after / and -.
        option.setWrapMode(
            QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
            if anywhere
            else QTextOption.WrapMode.WordWrap
        )
        layout.setTextOption(option)
        layout.beginLayout()
        y = bottom = ascent = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(self._width - indent)
            line.setPosition(QPointF(0, y))
            if line.lineNumber() > 0:
                self._cut(self._y + bottom, self._y + y)
            if not ascent:
                ascent = line.ascent()
            bottom = y + line.height()
            y += line.height() * self._style.leading
        layout.endLayout()
        self.items.append(_Text(layout, QPointF(indent, self._y)))
        self._y += bottom
        self._ink_below = 0.0
        return ascent

    def _clinic(self, name: str) -> None:
        """The clinic's name in at most MAX_CLINIC_LINES lines: smaller (down to the body's
        size) until it fits, and cut short with an ellipsis if even that is too long."""
        size = self._style.clinic_pt
        while True:
            font = self._fitting_font(name, size)
            if self._line_count(name, font) <= MAX_CLINIC_LINES or size <= self._style.body_pt:
                break
            size -= 1
        words = name.split()
        shown = name
        while len(words) > 1 and self._line_count(shown, font) > MAX_CLINIC_LINES:
            words.pop()
            shown = " ".join(words).rstrip(",;:-") + "\u2026"
        if self._line_count(shown, font) > MAX_CLINIC_LINES:
            # One word longer than the lines: as much of it as they hold.
            metrics = QFontMetricsF(font, self._device)
            shown = metrics.elidedText(
                name, Qt.TextElideMode.ElideRight, (self._width - 1) * MAX_CLINIC_LINES * 0.95
            )
        self._text(shown, font)

    def _line_count(self, text: str, font: QFont) -> int:
        layout = QTextLayout(text, font, self._device)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        count = 0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(self._width)
            count += 1
        layout.endLayout()
        return count

    def _fields(self, labels: tuple[str, ...]) -> None:
        """One row of blank lines to write on, each after its label, sharing the column; a
        row whose labels leave too little room to write is set one label a row."""
        font = self._font(self._style.body_pt)
        metrics = QFontMetricsF(font, self._device)
        cell = self._width / len(labels)
        space = metrics.horizontalAdvance("\u2002")
        writing = 25 * self._px_per_mm  # room for a name or a date in handwriting
        widths = [metrics.horizontalAdvance(label) for label in labels]
        if max(widths) + space + writing > cell:
            if len(labels) > 1:
                for label in labels:
                    self._fields((label,))
            else:  # a narrow roll: the label, and the whole line under it
                self._gap(self._style.gap_mm)
                self._text(labels[0], font)
                self._ruled(1, 0.0)
            return
        self._cut(self._y + self._ink_below, self._y)
        self._y += self._style.pitch_mm * self._px_per_mm
        width = _RULE_MM * self._px_per_mm
        for index, (label, label_width) in enumerate(zip(labels, widths, strict=True)):
            left = index * cell
            layout = self._line_layout(label, font)
            # The label sits on the line it is written on, as on a paper form.
            baseline = self._y - metrics.descent()
            self.items.append(_Text(layout, QPointF(left, baseline - layout.lineAt(0).ascent())))
            end = left + cell - (space * 2 if index < len(labels) - 1 else 0)
            start = min(left + label_width + space, end)
            self.items.append(_Line(QLineF(start, self._y, end, self._y), width))
        self._ink_below = width / 2

    def _line_layout(self, text: str, font: QFont) -> QTextLayout:
        """``text`` on one line, not wrapped, positioned where the caller puts it."""
        layout = QTextLayout(text, font, self._device)
        layout.beginLayout()
        line = layout.createLine()
        line.setPosition(QPointF(0, 0))
        layout.endLayout()
        return layout

    def _rule(self, width_mm: float, indent: float = 0.0) -> None:
        width = width_mm * self._px_per_mm
        self.items.append(_Line(QLineF(indent, self._y, self._width, self._y), width))
        self._ink_below = width / 2

    def _ruled(self, count: int, indent: float) -> None:
        for _ in range(count):
            # The room to write sits above each line, so it goes with the line.
            self._cut(self._y + self._ink_below, self._y)
            self._gap(self._style.pitch_mm)
            self._rule(_RULE_MM, indent)

    def _gap(self, mm: float, *, page_break: bool = False) -> None:
        """Move down ``mm``; ``page_break``: a continued handout breaks its page best here,
        and the gap is left out at the top of the next."""
        end = self._y + self._ink_below
        self._y += mm * self._px_per_mm
        if page_break:
            self._cut(end, self._y, between_blocks=True)
        self._ink_below = 0.0

    def _cut(self, end: float, resume: float, *, between_blocks: bool = False) -> None:
        if self._cuts is not None:
            self._cuts.append(_Cut(end, resume, between_blocks))

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


def _end(cut: _Cut) -> float:
    return cut.end


def _anchor(item: _Line | _Qr) -> float:
    """The height in the column that decides which page ``item`` goes on."""
    if isinstance(item, _Line):
        return item.line.y1()
    return item.rect.center().y()


def _moved(item: _Item, dy: float) -> _Item:
    if isinstance(item, _Text):
        return replace(item, position=item.position + QPointF(0, dy))
    if isinstance(item, _Line):
        return _Line(item.line.translated(0, dy), item.width)
    return _Qr(item.rect.translated(0, dy), item.matrix)
