"""The printed handout, rendered for real and read back with poppler (pdftotext, pdftoppm)."""

from __future__ import annotations

import datetime
import functools
import itertools
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import segno
from PySide6.QtCore import QRectF

from harness.leaflets import write_leaflet
from kiosk.config import resources_dir
from kiosk.content import BlockKind, Leaflet, check_path, load_leaflet
from kiosk.printing.handout import (
    MIN_BODY_PT,
    MIN_SHEET_QUESTION_PT,
    Handout,
    HandoutLayout,
    HandoutPart,
    HandoutWords,
    Paper,
    format_date,
    handout_for,
    handout_of_parts,
    layout_handout,
    render_pdf,
)

DPI = 200  # one pixel is 0.13 mm: fine enough to measure type, quick enough for 16 pages
MM_PER_PT = 25.4 / 72
# Atkinson Hyperlegible's capital letters are 0.667 em tall (its OS/2 capital height).
CAP_HEIGHT_EM = 0.667
DARK = 128  # grey levels below this are ink
TODAY = datetime.date(2026, 11, 26)
CLINIC = "Riverside Spine Clinic"
LABELS = {
    "own_questions_label": "My own questions:",
    "date_label": "Printed on {0}",
    "source_label": "Source: {0}",
}
# Ten long questions of two lines each on a sheet: more than any leaflet should have. Each
# starts with a capital letter whose height can be measured.
LONG_QUESTIONS = (
    "How will we know whether the pain comes from this fracture and not from another problem "
    "in my back?",
    "If the cement leaks out of the bone during the procedure, what happens next and how would "
    "you know?",
    "Can I keep taking my blood thinner and my other daily medicines in the days before the "
    "procedure?",
    "What should I do at home if the pain comes back a few weeks after the procedure is over "
    "and done?",
    "Who will drive me home afterwards, and how long should someone stay with me during the "
    "first night?",
    "Does my insurance pay for vertebroplasty, and what will I have to pay myself for the "
    "whole treatment?",
    "When can I lift my grandchildren, carry shopping bags or work in the garden again without "
    "any danger?",
    "Should I also be treated for osteoporosis, and which tests or medicines would you suggest "
    "for that?",
    "Is it <b>x</b> safe to have the procedure more than once if another bone in my spine "
    "breaks later?",
    "What are the chances that the treated bone or the bones next to it will break again in "
    "the future?",
)
SELECTIONS: dict[str, tuple[int, ...] | None] = {
    "1 question": (2,),
    "3 questions": (1, 3, 5),
    "all 5": (1, 2, 3, 4, 5),
    "10 long": None,  # made up, not the leaflet's
}
CASES = [(paper, selection) for paper in Paper for selection in SELECTIONS]
CASE_IDS = [f"{paper.value}-{selection.replace(' ', '-')}" for paper, selection in CASES]

# Fonts and QPdfWriter need the application.
pytestmark = pytest.mark.usefixtures("qapp")


def squeeze(text: str) -> str:
    """``text`` without any whitespace: pdftotext breaks lines where the handout wraps them."""
    return "".join(text.split())


def words(text: str) -> str:
    return " ".join(text.split())


@functools.cache
def leaflet() -> Leaflet:
    return load_leaflet(resources_dir() / "leaflets" / "vertebroplasty", "en")


def handout_of(selection: str) -> Handout:
    ticked = SELECTIONS[selection]
    if ticked is not None:
        return handout_for(leaflet(), ticked, clinic_name=CLINIC, today=TODAY, **LABELS)
    base = handout_for(leaflet(), [1], clinic_name=CLINIC, today=TODAY, **LABELS)
    return replace(base, questions=LONG_QUESTIONS)


@dataclass(frozen=True)
class Word:
    text: str
    box_mm: QRectF


class Raster:
    """A greyscale rendering of the page by pdftoppm, with ink counted per millimetre."""

    def __init__(self, pgm: bytes) -> None:
        match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", pgm)
        assert match is not None
        self.width, self.height = int(match[1]), int(match[2])
        self.pixels = pgm[match.end() :]
        assert len(self.pixels) == self.width * self.height

    def px(self, mm: float) -> int:
        return round(mm * DPI / 25.4)

    def row(self, y: int) -> bytes:
        return self.pixels[y * self.width : (y + 1) * self.width]

    def is_dark(self, x_mm: float, y_mm: float) -> bool:
        return self.row(self.px(y_mm))[self.px(x_mm)] < DARK

    def ink_outside(self, area_mm: QRectF) -> list[tuple[int, int]]:
        """Pixels (x, y) with ink outside ``area_mm``."""
        left, right = self.px(area_mm.left()), self.px(area_mm.right())
        top, bottom = self.px(area_mm.top()), self.px(area_mm.bottom())
        found = []
        for y in range(self.height):
            row = self.row(y)
            spans = [(0, self.width)] if not top <= y < bottom else [(0, left), (right, self.width)]
            for start, end in spans:
                if start < end and min(row[start:end]) < DARK:
                    x = next(x for x in range(start, end) if row[x] < DARK)
                    found.append((x, y))
        return found

    def ink_per_mm(self) -> list[list[float]]:
        """The share of dark pixels in each 1 mm square of the page."""
        dark = self.pixels.translate(bytes(1 if v < DARK else 0 for v in range(256)))
        columns = [self.px(x) for x in range(round(self.width * 25.4 / DPI) + 1)]
        columns = [min(c, self.width) for c in columns]
        rows = [min(self.px(y), self.height) for y in range(round(self.height * 25.4 / DPI) + 1)]
        grid = []
        for top, bottom in itertools.pairwise(rows):
            counts = [0] * (len(columns) - 1)
            for y in range(top, bottom):
                offset = y * self.width
                for i, (left, right) in enumerate(itertools.pairwise(columns)):
                    counts[i] += sum(dark[offset + left : offset + right])
            grid.append(
                [
                    count / max(1, (bottom - top) * (right - left))
                    for count, left, right in zip(counts, columns, columns[1:], strict=False)
                ]
            )
        return grid

    def capital_height_mm(self, box_mm: QRectF) -> float:
        """The height of the ink of the first letter inside ``box_mm`` (a word's box)."""
        left, right = self.px(box_mm.left()), self.px(box_mm.right())
        top, bottom = self.px(box_mm.top()), self.px(box_mm.bottom())
        rows = [self.row(y)[left:right] for y in range(top, bottom)]
        inked = [any(r[x] < DARK for r in rows) for x in range(right - left)]
        first = inked.index(True)
        end = inked.index(False, first)
        ys = [y for y, r in enumerate(rows) if min(r[first:end]) < DARK]
        return (max(ys) - min(ys) + 1) * 25.4 / DPI


@dataclass(frozen=True)
class Rendered:
    handout: Handout
    layout: HandoutLayout
    pdf: Path
    info: str
    fonts: str
    images: str
    text: str  # pdftotext -raw: in the order it was drawn
    words: list[Word]
    raster: Raster


def run(*command: str | Path) -> str:
    return subprocess.run(
        [str(c) for c in command], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def words_of(bbox: str) -> list[Word]:
    """The words of ``pdftotext -bbox`` output, with their boxes in millimetres."""
    return [
        Word(
            text,
            QRectF(
                float(x0) * MM_PER_PT,
                float(y0) * MM_PER_PT,
                (float(x1) - float(x0)) * MM_PER_PT,
                (float(y1) - float(y0)) * MM_PER_PT,
            ),
        )
        for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            bbox,
        )
    ]


def read_back(handout: Handout, paper: Paper, pdf: Path) -> Rendered:
    render_pdf(handout, paper, pdf)
    found = words_of(run("pdftotext", "-bbox", pdf, "-"))
    stem = pdf.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(DPI), "-singlefile", str(pdf), str(stem)],
        check=True,
        timeout=60,
    )
    return Rendered(
        handout,
        layout_handout(handout, paper),
        pdf,
        run("pdfinfo", pdf),
        run("pdffonts", pdf),
        run("pdfimages", "-list", pdf),
        run("pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"),
        found,
        Raster(stem.with_suffix(".pgm").read_bytes()),
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Paper, str], Rendered]:
    """Each paper and selection rendered once for the module, and read back."""
    folder = tmp_path_factory.mktemp("handouts")

    @functools.cache
    def render(paper: Paper, selection: str) -> Rendered:
        pdf = folder / f"{paper.value}-{selection.replace(' ', '-')}.pdf"
        return read_back(handout_of(selection), paper, pdf)

    return render


def expected_text(handout: Handout, layout: HandoutLayout, *, qr: bool = True) -> list[str]:
    """Everything the handout prints, in the order it is drawn (``qr``: with its QR code)."""
    paper = layout.paper
    lines = [handout.clinic_name] if handout.clinic_name else []
    lines += [handout.phone_line] if handout.phone_line else []
    lines += [handout.title, handout.date_line]
    said = handout.words
    lines += [said.bring, said.write] if layout.answer_lines else [said.bring]
    lines += [said.name, said.appointment, said.doctor, handout.heading]
    for number, question in enumerate(handout.questions, start=1):
        lines += [f"{number}.", question]
    lines += [handout.own_questions_label]
    attribution = [handout.publisher_line] if handout.publisher_line else []
    attribution += [handout.source_line]
    address = handout.short_address
    if address is None:
        return [*lines, *attribution]
    if not qr:
        return [*lines, *attribution, address]
    if paper is Paper.ROLL_58MM:  # one column: too narrow for anything beside the QR code
        return [*lines, *attribution, handout.qr_label, address]
    return [*lines, handout.qr_label, address, *attribution]


# What goes on the paper ----------------------------------------------------------------------


@pytest.mark.parametrize(("paper", "selection"), CASES, ids=CASE_IDS)
def test_one_page_with_exactly_the_ticked_questions(
    rendered: Callable[[Paper, str], Rendered], paper: Paper, selection: str
) -> None:
    page = rendered(paper, selection)
    assert re.search(r"^Pages:\s+1$", page.info, re.MULTILINE)
    width_pt, height_pt = map(float, re.findall(r"Page size:\s+([\d.]+) x ([\d.]+)", page.info)[0])
    assert width_pt * MM_PER_PT == pytest.approx(paper.width_mm, abs=0.5)
    if paper.height_mm is not None:
        assert height_pt * MM_PER_PT == pytest.approx(paper.height_mm, abs=0.5)
    # Every character drawn, in order, and nothing else: the clinic, title, date, heading,
    # the ticked questions, the label, the source and the address.
    assert squeeze(page.text) == squeeze("".join(expected_text(page.handout, page.layout)))
    shown = words(page.text)
    assert "Printed on November 26, 2026" in shown
    # Blank lines for what the patient writes in by hand, and what to do with the sheet.
    assert "Bring this to your appointment." in shown
    for label in ("Name:", "Appointment date:", "Doctor:"):
        assert label in shown
    # The PDF says what it is, and in which language, to a screen reader or a search.
    assert re.search(r"^Title:\s+Vertebroplasty for Spine Fracture Pain$", page.info, re.M)
    assert b"/Lang (en)" in page.pdf.read_bytes()
    # Who publishes the leaflet the QR code opens, then the source that leaflet cites.
    publisher = "Published by American Academy of Family Physicians, familydoctor.org"
    source = "Source: National Institutes of Health, MedlinePlus: Vertebroplasty"
    assert squeeze(publisher) + squeeze(source) in squeeze(page.text)
    positions = [shown.index(words(q)) for q in page.handout.questions]
    assert positions == sorted(positions)
    # Each question follows its number, 1, 2, 3 in order; nothing is drawn as a tick box.
    for number, question in enumerate(page.handout.questions, start=1):
        assert f"{number}. {words(question)}" in shown
    for question in leaflet().questions:
        assert (squeeze(question.text) in squeeze(page.text)) == (
            question.text in page.handout.questions
        )
    # Vector drawing, not a picture of the page: no images, text in the handout's typeface.
    assert page.images.count("\n") == 2  # the header of an empty list
    assert "AtkinsonHyperlegible" in page.fonts


def test_no_other_text_of_the_leaflet_is_printed(
    rendered: Callable[[Paper, str], Rendered],
) -> None:
    page = rendered(Paper.LETTER, "all 5")
    for section in leaflet().sections:
        for block in section.blocks:
            printed = {page.handout.title, page.handout.heading}
            if block.kind is not BlockKind.QUESTION and block.text not in printed:
                assert squeeze(block.text)[:40] not in squeeze(page.text)


@pytest.mark.parametrize(("paper", "selection"), CASES, ids=CASE_IDS)
def test_nothing_is_clipped(
    rendered: Callable[[Paper, str], Rendered], paper: Paper, selection: str
) -> None:
    page = rendered(paper, selection)
    content = page.layout.content_mm
    assert content.left() >= 3
    assert page.layout.page_width_mm - content.right() >= 3
    assert content.top() >= 3
    assert page.layout.page_height_mm - content.bottom() >= 3
    # Half a millimetre for anti-aliasing and the width of the rules.
    allowed = content.adjusted(-0.5, -0.5, 0.5, 0.5)
    if page.layout.qr_mm is not None:
        quiet = page.layout.qr_mm.width() / page.layout.qr_modules * 4
        allowed = allowed.united(page.layout.qr_mm.adjusted(-quiet, -quiet, quiet, quiet))
        assert content.contains(page.layout.qr_mm)
    assert page.raster.ink_outside(allowed) == []
    assert [w.text for w in page.words if not allowed.contains(w.box_mm)] == []


@pytest.mark.parametrize(("paper", "selection"), CASES, ids=CASE_IDS)
def test_questions_stand_out_and_no_type_is_under_14_pt(
    rendered: Callable[[Paper, str], Rendered], paper: Paper, selection: str
) -> None:
    page = rendered(paper, selection)
    assert page.layout.body_pt >= MIN_BODY_PT
    assert page.layout.title_pt > page.layout.body_pt
    # Measure the capital letter that starts each question on the page.
    starts = [words(q).split()[0] for q in page.handout.questions]
    index = 0
    heights = []
    for start in starts:
        index = next(i for i in range(index, len(page.words)) if page.words[i].text == start)
        heights.append(page.raster.capital_height_mm(page.words[index].box_mm))
        index += 1
    smallest_pt = min(heights) / CAP_HEIGHT_EM / MM_PER_PT
    # A pixel either way is 0.5 pt. On a sheet the leaflet's questions are at least 18 pt; only
    # the made-up ten long ones may be smaller, to stay on one page.
    sheet = not paper.is_roll and selection != "10 long"
    least = MIN_SHEET_QUESTION_PT if sheet else MIN_BODY_PT
    assert smallest_pt >= least - 0.5, heights
    assert page.layout.question_pt >= least
    assert "AtkinsonHyperlegible-Bold" in page.fonts
    # No word anywhere is set smaller than the date, and the date is smaller than a question.
    smallest_box = min(w.box_mm.height() for w in page.words)
    date_box = next(w for w in page.words if w.text == "Printed").box_mm
    assert smallest_box >= date_box.height() * 0.99
    date_pt = page.raster.capital_height_mm(date_box) / CAP_HEIGHT_EM / MM_PER_PT
    assert date_pt >= MIN_BODY_PT - 0.5
    if least == MIN_SHEET_QUESTION_PT:
        assert date_pt < smallest_pt - 2


@pytest.mark.parametrize(("paper", "selection"), CASES, ids=CASE_IDS)
def test_no_large_areas_of_ink(
    rendered: Callable[[Paper, str], Rendered], paper: Paper, selection: str
) -> None:
    page = rendered(paper, selection)
    grid = page.raster.ink_per_mm()
    qr = page.layout.qr_mm or QRectF()
    darkest = 0.0
    for top in range(len(grid) - 10):
        for left in range(len(grid[0]) - 10):
            if QRectF(left, top, 10, 10).intersects(qr):
                continue
            ink = sum(sum(row[left : left + 10]) for row in grid[top : top + 10]) / 100
            darkest = max(darkest, ink)
    assert darkest < 0.5
    assert darkest > 0.05  # there is text to find


@pytest.mark.parametrize("paper", list(Paper), ids=[p.value for p in Paper])
def test_the_qr_code_is_the_address(
    rendered: Callable[[Paper, str], Rendered], paper: Paper
) -> None:
    page = rendered(paper, "all 5")
    qr = page.layout.qr_mm
    assert qr is not None
    assert qr.width() >= 20
    assert qr.width() == pytest.approx(qr.height())
    url = leaflet().url
    assert url is not None
    expected = segno.make(url, error="m", boost_error=False, micro=False)
    assert expected.error == "M"
    size = page.layout.qr_modules
    assert size == len(expected.matrix)
    module = qr.width() / size
    quiet = 4

    def sampled(row: int, column: int) -> int:
        return int(
            page.raster.is_dark(
                qr.left() + (column + 0.5) * module, qr.top() + (row + 0.5) * module
            )
        )

    # The symbol module for module, and its quiet zone blank all round.
    drawn = [[sampled(r, c) for c in range(size)] for r in range(size)]
    assert drawn == [list(row) for row in expected.matrix]
    ring = [
        sampled(r, c)
        for r in range(-quiet, size + quiet)
        for c in range(-quiet, size + quiet)
        if not (0 <= r < size and 0 <= c < size)
    ]
    assert sum(ring) == 0


def address_lines(text: str, address: str) -> list[str]:
    """The lines of ``text`` (pdftotext -raw) that together print ``address``."""
    lines = [line.strip() for line in text.splitlines()]
    for start, line in enumerate(lines):
        if line and address.startswith(line):
            joined = ""
            for end in range(start, len(lines)):
                joined += lines[end]
                if joined == address:
                    return lines[start : end + 1]
                if not address.startswith(joined):
                    break
    raise AssertionError(f"{address!r} is not printed in\n{text}")


@pytest.mark.parametrize(("paper", "selection"), CASES, ids=CASE_IDS)
def test_the_qr_code_says_what_it_is_and_the_address_can_be_typed(
    rendered: Callable[[Paper, str], Rendered], paper: Paper, selection: str
) -> None:
    page = rendered(paper, selection)
    # A real reader finds the leaflet's address in the printed page (200 dpi).
    decoded = run("zbarimg", "--quiet", "--raw", page.pdf.with_suffix(".pgm")).split()
    assert decoded == [leaflet().url]
    shown = words(page.text)
    assert "Scan with your phone's camera to read the whole leaflet" in shown
    # The address as a person types it, broken only after a / or a -, never inside a word.
    address = "familydoctor.org/vertebroplasty-for-spine-fracture-pain"
    assert page.handout.short_address == address
    lines = address_lines(page.text, address)
    assert all(line.endswith(("/", "-")) for line in lines[:-1]), lines
    if not paper.is_roll:
        assert lines == [address]  # beside the QR code, on one line
    assert "https://" not in page.text


def rules_mm(raster: Raster, min_length_mm: float = 30.0) -> list[float]:
    """The heights of the horizontal rules on the page (dark runs longer than any text's)."""
    longest = raster.px(min_length_mm)
    rows = []
    for y in range(raster.height):
        run = best = 0
        for value in raster.row(y):
            run = run + 1 if value < DARK else 0
            best = max(best, run)
        if best >= longest:
            rows.append(y)
    groups = [[rows[0]]] if rows else []
    for y in rows[1:]:
        if y - groups[-1][-1] <= 2:
            groups[-1].append(y)
        else:
            groups.append([y])
    return [(sum(g) / len(g)) * 25.4 / DPI for g in groups]


@pytest.mark.parametrize(("paper", "selection"), CASES, ids=CASE_IDS)
def test_lines_to_write_on_are_far_enough_apart_for_handwriting(
    rendered: Callable[[Paper, str], Rendered], paper: Paper, selection: str
) -> None:
    page = rendered(paper, selection)
    rules = rules_mm(page.raster, min_length_mm=20.0 if paper.is_roll else 30.0)
    # The rule under the title, the write-in lines and the lines to write on.
    assert len(rules) >= 1 + 2 + page.layout.own_lines
    gaps = [b - a for a, b in itertools.pairwise(rules)]
    assert min(gaps) >= 9 - 0.3, gaps  # a pixel either way, and the rule's own width
    if not paper.is_roll and selection in ("1 question", "3 questions", "all 5"):
        assert page.layout.answer_lines >= 1  # every question of the leaflet has room


# How it fits -------------------------------------------------------------------------------


def test_spacing_gives_way_before_type() -> None:
    one = layout_handout(handout_of("1 question"), Paper.LETTER)
    five = layout_handout(handout_of("all 5"), Paper.LETTER)
    ten = layout_handout(handout_of("10 long"), Paper.LETTER)
    assert (one.question_pt, one.pitch_mm) == (18, 10)
    # The room one question leaves goes to its answer first, then to the patient's own.
    assert one.answer_lines >= 6
    assert one.answer_lines > one.own_lines >= 2
    assert five.question_pt == MIN_SHEET_QUESTION_PT
    assert five.answer_lines >= 1
    assert five.pitch_mm >= 9
    assert ten.body_pt == MIN_BODY_PT
    assert ten.pitch_mm >= 9
    assert ten.answer_lines < five.answer_lines


def test_a_roll_is_compact_with_answer_lines_only_if_the_clinic_asks() -> None:
    for paper in (Paper.ROLL_80MM, Paper.ROLL_58MM):
        few = layout_handout(handout_of("1 question"), paper)
        many = layout_handout(handout_of("10 long"), paper)
        assert few.answer_lines == many.answer_lines == 0
        asked = layout_handout(replace(handout_of("10 long"), roll_answer_lines=2), paper)
        assert asked.answer_lines == 2
        assert asked.page_height_mm >= many.page_height_mm + 10 * 2 * asked.pitch_mm
    # One question on 80 mm took 271 mm of roll with two lines under it and no write-in lines.
    assert layout_handout(handout_of("1 question"), Paper.ROLL_80MM).page_height_mm < 271


@pytest.mark.parametrize("paper", list(Paper), ids=[p.value for p in Paper])
def test_a_long_clinic_name_is_capped_at_two_lines(tmp_path: Path, paper: Paper) -> None:
    name = "The Riverside Regional Medical Center Department of Interventional Spine Radiology"
    handout = replace(handout_of("1 question"), clinic_name=name)
    page = read_back(handout, paper, tmp_path / "handout.pdf")
    title_top = next(w for w in page.words if w.text == "Vertebroplasty").box_mm.top()
    above = [w for w in page.words if w.box_mm.top() < title_top - 0.5]
    lines = {round(w.box_mm.top()) for w in above}
    assert 1 <= len(lines) <= 2, [w.text for w in above]
    assert " ".join(w.text for w in above).startswith("The Riverside")
    shown = words(page.text)
    assert name in shown or "\u2026" in " ".join(w.text for w in above)
    assert [
        w.text
        for w in page.words
        if not page.layout.content_mm.adjusted(-0.5, -0.5, 0.5, 0.5).contains(w.box_mm)
    ] == []


# A handout longer than a sheet --------------------------------------------------------------
#
# Leaflets that content check accepts but that do not fit one sheet at the tightest layout:
# many ticked questions, or one question that is a single word of 3,000 letters. They are test
# data, written here.


@dataclass(frozen=True)
class Sheet:
    """One page of a PDF as poppler reads it back."""

    size_mm: tuple[float, float]
    text: str  # pdftotext -raw of the page: in the order it was drawn
    words: list[Word]
    raster: Raster
    image: Path  # the page rendered by pdftoppm at DPI (greyscale)


def read_pages(pdf: Path) -> list[Sheet]:
    bbox = run("pdftotext", "-bbox", pdf, "-")
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.DOTALL)
    sheets = []
    for number, (width_pt, height_pt, page) in enumerate(pages, start=1):
        first_last = ("-f", str(number), "-l", str(number))
        stem = pdf.with_name(f"{pdf.stem}-page-{number}")
        run("pdftoppm", "-gray", "-r", str(DPI), *first_last, "-singlefile", pdf, stem)
        sheets.append(
            Sheet(
                (float(width_pt) * MM_PER_PT, float(height_pt) * MM_PER_PT),
                run("pdftotext", "-raw", "-enc", "UTF-8", *first_last, pdf, "-"),
                words_of(page),
                Raster(stem.with_suffix(".pgm").read_bytes()),
                stem.with_suffix(".pgm"),
            )
        )
    return sheets


def made_up_leaflet(folder: Path, questions: list[str]) -> Leaflet:
    """A leaflet of test data with these questions, accepted by ``content check``."""
    path = folder / "test-leaflet.md"
    checklist = "\n".join(f"- [ ] {question}" for question in questions)
    count = f"{len(questions)} question" + ("s" if len(questions) > 1 else "")
    path.write_text(
        "+++\n"
        f'title = "Test leaflet: {count} (test data)"\n'
        'language = "en"\n'
        'source = "Test data of tests/printing/test_handout.py"\n'
        'url = "https://example.org/test-leaflet"\n'
        "+++\n\n"
        "This leaflet is test data.\n\n"
        "## A test section\n\nNothing here is medical advice.\n\n"
        f"# Questions to ask your doctor\n\n{checklist}\n",
        encoding="utf-8",
    )
    (checked,) = check_path(path)  # what `kiosk content check` runs
    return checked


def many_questions(count: int) -> list[str]:
    """``count`` questions of one or two lines, each saying which it is."""
    return [
        f"Test question {n} of {count}: is this made-up question printed whole, once and in "
        f"its place{'?' if n % 3 else ', even where it runs on longer than the others do?'}"
        for n in range(1, count + 1)
    ]


# One word of 3,000 letters, "aaaaabaac..." (every three-letter group in turn), so that no two
# of its printed lines are alike and lines out of order would show.
LONG_WORD = "".join(map("".join, itertools.product("abcdefghijklmnopqrstuvwxyz", repeat=3)))[:3000]
CONTINUED = {
    **{f"{n} questions": many_questions(n) for n in (25, 40)},
    "a 3000-letter word": [LONG_WORD],
}
CONTINUED_CASES = [
    *((paper, case) for paper in (Paper.LETTER, Paper.A4) for case in CONTINUED),
    *(
        (paper, case)
        for paper in (Paper.ROLL_80MM, Paper.ROLL_58MM)
        for case in ("25 questions", "a 3000-letter word")
    ),
]
CONTINUED_IDS = [f"{paper.value}-{case.replace(' ', '-')}" for paper, case in CONTINUED_CASES]


@dataclass(frozen=True)
class Continued:
    handout: Handout
    layout: HandoutLayout
    pages: list[Sheet]


@pytest.fixture(scope="module")
def continued(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Paper, str], Continued]:
    """Each paper and long handout rendered once for the module, and read back page by page."""
    folder = tmp_path_factory.mktemp("continued")

    @functools.cache
    def render(paper: Paper, case: str) -> Continued:
        name = f"{paper.value}-{case.replace(' ', '-')}"
        (folder / name).mkdir(exist_ok=True)
        leaflet = made_up_leaflet(folder / name, CONTINUED[case])
        ticked = [q.number for q in leaflet.questions]
        handout = handout_for(leaflet, ticked, clinic_name=CLINIC, today=TODAY, **LABELS)
        pdf = folder / f"{name}.pdf"
        render_pdf(handout, paper, pdf)
        return Continued(handout, layout_handout(handout, paper), read_pages(pdf))

    return render


@pytest.mark.parametrize(("paper", "case"), CONTINUED_CASES, ids=CONTINUED_IDS)
def test_a_handout_longer_than_a_sheet_goes_on_to_more_pages(
    continued: Callable[[Paper, str], Continued], paper: Paper, case: str
) -> None:
    printed = continued(paper, case)
    handout, pages = printed.handout, printed.pages
    count = len(pages)
    assert printed.layout.pages == count
    if paper.is_roll:
        assert count == 1  # one strip, as long as it needs
    else:
        assert count > 1
        for page in pages:
            assert page.size_mm == pytest.approx((paper.width_mm, paper.height_mm), abs=0.5)
    # Every character of the handout, once and in order, with each page after the first
    # headed by the title and its number, and page 1 saying how many there are.
    got = squeeze(pages[0].text)
    if count > 1:
        first = squeeze(handout.date_line + handout.page_line(1, count))
        assert first in got
        got = got.replace(squeeze(handout.page_line(1, count)), "", 1)
    for number, page in enumerate(pages[1:], start=2):
        text = squeeze(page.text)
        header = squeeze(handout.title + handout.page_line(number, count))
        assert text.startswith(header), (number, text[:80])
        got += text[len(header) :]
    assert got == squeeze("".join(expected_text(handout, printed.layout)))


@pytest.mark.parametrize("paper", list(Paper), ids=[p.value for p in Paper])
def test_25_questions_are_numbered_in_order_with_room_to_write_and_a_working_qr_code(
    continued: Callable[[Paper, str], Continued], paper: Paper
) -> None:
    printed = continued(paper, "25 questions")
    text = words(" ".join(page.text for page in printed.pages))
    positions = [text.index(f"{n}. {words(q)}") for n, q in enumerate(printed.handout.questions, 1)]
    assert len(positions) == 25
    assert positions == sorted(positions)
    last = printed.pages[-1]
    decoded = run("zbarimg", "--quiet", "--raw", last.image).split()
    assert decoded == [printed.handout.url]
    shown = words(last.text)
    assert "Scan with your phone's camera to read the whole leaflet" in shown
    assert printed.handout.short_address is not None
    assert squeeze(printed.handout.short_address) in squeeze(last.text)
    for page in printed.pages:
        rules = rules_mm(page.raster, min_length_mm=20.0 if paper.is_roll else 30.0)
        gaps = [b - a for a, b in itertools.pairwise(rules)]
        assert not gaps or min(gaps) >= 9 - 0.3, gaps


@pytest.mark.parametrize(("paper", "case"), CONTINUED_CASES, ids=CONTINUED_IDS)
def test_nothing_is_clipped_on_any_page(
    continued: Callable[[Paper, str], Continued], paper: Paper, case: str
) -> None:
    """Every word inside the printable area of its page: the 3,000-letter word too, broken
    across the lines of the column (the text test shows none of it is lost)."""
    printed = continued(paper, case)
    allowed = printed.layout.content_mm.adjusted(-0.5, -0.5, 0.5, 0.5)
    qr = printed.layout.qr_mm
    assert qr is not None
    assert printed.layout.content_mm.contains(qr)
    for number, page in enumerate(printed.pages, start=1):
        assert page.raster.ink_outside(allowed) == [], number
        assert [w.text for w in page.words if not allowed.contains(w.box_mm)] == [], number
        # The type stays at 14 pt or more: no word is set smaller than the date.
        date_box = next(w for w in printed.pages[0].words if w.text == "Printed").box_mm
        assert min(w.box_mm.height() for w in page.words) >= date_box.height() * 0.99


@pytest.mark.parametrize("paper", [Paper.LETTER, Paper.A4], ids=["letter", "a4"])
@pytest.mark.parametrize("case", ["25 questions", "40 questions"])
def test_a_page_breaks_between_questions_each_with_its_lines(
    continued: Callable[[Paper, str], Continued], paper: Paper, case: str
) -> None:
    printed = continued(paper, case)
    assert printed.layout.answer_lines >= 2  # as on one sheet before the lines give way
    for question in printed.handout.questions:
        on = [n for n, page in enumerate(printed.pages) if squeeze(question) in squeeze(page.text)]
        assert len(on) == 1, question


def test_the_qprinter_path_windows_uses_prints_every_page(tmp_path: Path) -> None:
    """QPrinter into a PDF file: the code path that sends the handout to a Windows printer."""
    from kiosk.printing.native import print_natively

    leaflet = made_up_leaflet(tmp_path, many_questions(40))
    ticked = [q.number for q in leaflet.questions]
    handout = handout_for(leaflet, ticked, clinic_name=CLINIC, today=TODAY, **LABELS)
    out = tmp_path / "native.pdf"
    print_natively(handout, Paper.A4, None, "Questions for your doctor", to_pdf=out)
    pages = read_pages(out)
    assert len(pages) == layout_handout(handout, Paper.A4).pages > 1
    text = squeeze("".join(page.text for page in pages))
    positions = [text.index(squeeze(q)) for q in handout.questions]
    assert positions == sorted(positions)
    for number in range(2, len(pages) + 1):
        assert squeeze(handout.page_line(number, len(pages))) in squeeze(pages[number - 1].text)


def test_an_address_too_long_for_a_legible_qr_code_is_only_written(tmp_path: Path) -> None:
    url = "https://example.org/" + "/".join(f"part-{n}" for n in range(150))
    handout = replace(handout_of("1 question"), url=url)
    page = read_back(handout, Paper.ROLL_58MM, tmp_path / "handout.pdf")
    assert page.layout.qr_mm is None
    assert squeeze(page.text) == squeeze("".join(expected_text(handout, page.layout, qr=False)))
    assert page.raster.ink_outside(page.layout.content_mm.adjusted(-0.5, -0.5, 0.5, 0.5)) == []


# What it says ------------------------------------------------------------------------------


def test_markup_in_a_question_is_printed_as_typed(tmp_path: Path) -> None:
    handout = replace(handout_of("1 question"), questions=("Is <b>x</b> &amp; <i>y</i> bad?",))
    page = read_back(handout, Paper.A4, tmp_path / "handout.pdf")
    assert "Is <b>x</b> &amp; <i>y</i> bad?" in words(page.text)


def test_without_a_clinic_name_or_address_those_lines_are_left_out(tmp_path: Path) -> None:
    handout = replace(handout_of("3 questions"), clinic_name="", url=None)
    page = read_back(handout, Paper.LETTER, tmp_path / "handout.pdf")
    assert page.layout.qr_mm is None
    assert squeeze(page.text) == squeeze("".join(expected_text(handout, page.layout)))
    assert words(page.text).startswith(handout.title)


def test_a_leaflet_from_an_older_pack_without_a_publisher_prints_its_source(
    tmp_path: Path,
) -> None:
    handout = replace(handout_of("1 question"), publisher=None)
    page = read_back(handout, Paper.LETTER, tmp_path / "handout.pdf")
    assert "Published by" not in words(page.text)
    assert squeeze(page.text) == squeeze("".join(expected_text(handout, page.layout)))


def test_a_spanish_handout(tmp_path: Path) -> None:
    handout = Handout(
        clinic_name="Clínica de la Columna",
        title="Vertebroplastia para el dolor por fractura de columna",
        heading="Preguntas para hacerle a su médico",
        questions=("¿Cuánto tiempo durará el procedimiento?",),
        printed_on=TODAY,
        own_questions_label="Mis propias preguntas:",
        date_label="Fecha: {0}",
        source_label="Fuente: {0}",
        source="Institutos Nacionales de la Salud, MedlinePlus",
        url="https://medlineplus.gov/spanish/",
        language="es",
        clinic_phone="(555) 010-0100",
        words=HandoutWords(
            bring="Traiga esta hoja a su cita.",
            write="Escriba las respuestas en las líneas.",
            name="Nombre:",
            appointment="Fecha de la cita:",
            doctor="Médico:",
            phone_label="Teléfono de la clínica: {0}",
        ),
    )
    page = read_back(handout, Paper.A4, tmp_path / "handout.pdf")
    shown = words(page.text)
    assert "Fecha: 26 de noviembre de 2026" in shown
    assert "Teléfono de la clínica: (555) 010-0100" in shown
    assert b"/Lang (es)" in page.pdf.read_bytes()
    assert "¿Cuánto tiempo durará el procedimiento?" in shown
    assert squeeze(page.text) == squeeze("".join(expected_text(handout, page.layout)))


@pytest.mark.parametrize("paper", [Paper.ROLL_58MM, Paper.ROLL_80MM, Paper.A4])
def test_a_date_too_long_for_the_line_breaks_between_its_words(
    tmp_path: Path, paper: Paper
) -> None:
    # "Impreso el 26 de noviembre de 2026" kept whole is wider than a 58 mm roll: it once
    # broke inside the year ("20" at a line's end, "26" on the next).
    handout = replace(handout_of("1 question"), language="es", date_label="Impreso el {0}")
    page = read_back(handout, paper, tmp_path / "handout.pdf")
    date_lines = []
    for line in page.text.splitlines():
        if date_lines or line.startswith("Impreso"):
            date_lines.append(line.strip())
        if "2026" in line or len(date_lines) > 3:
            break
    assert " ".join(date_lines) == "Impreso el 26 de noviembre de 2026"


@pytest.mark.parametrize(
    ("language", "day", "written"),
    [
        ("en", datetime.date(2026, 11, 26), "November 26, 2026"),
        ("en", datetime.date(2027, 1, 3), "January 3, 2027"),
        ("es", datetime.date(2026, 11, 26), "26 de noviembre de 2026"),
        ("es", datetime.date(2027, 1, 3), "3 de enero de 2027"),
    ],
)
def test_the_date_is_written_out_in_the_language(
    language: str, day: datetime.date, written: str
) -> None:
    assert format_date(day, language) == written


def test_a_new_languages_dates_come_from_its_file_alone(language_files: Path) -> None:
    """Portuguese added as a file, and no code: the handout writes its dates."""
    months = '"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", '
    months += '"setembro", "outubro", "novembro", "dezembro"'
    pt = (language_files / "es.toml").read_text(encoding="utf-8")
    pt = re.sub(r"(?s)months = \[.*?\]", f"months = [{months}]", pt)
    (language_files / "pt.toml").write_text(pt, encoding="utf-8")
    assert format_date(datetime.date(2026, 12, 3), "pt") == "3 de dezembro de 2026"


def test_the_handout_takes_the_ticked_questions_in_the_leaflets_order() -> None:
    handout = handout_for(leaflet(), {5, 1, 3}, clinic_name=CLINIC, today=TODAY, **LABELS)
    questions = leaflet().questions
    assert handout.questions == (questions[0].text, questions[2].text, questions[4].text)
    assert handout.title == leaflet().title
    assert handout.heading == "Questions to ask your doctor"
    assert (handout.source, handout.url, handout.language) == (
        leaflet().source,
        leaflet().url,
        "en",
    )
    assert handout.date_line == "Printed on November 26, 2026"
    assert handout.source_line == f"Source: {leaflet().source}"


@pytest.mark.parametrize(
    ("ticked", "labels", "message"),
    [
        ([], LABELS, "no question is ticked"),
        ([2, 9], LABELS, "no question 9; the leaflet has questions 1 to 5"),
        ([1], {**LABELS, "date_label": "Date:"}, "date_label 'Date:' has no"),
    ],
)
def test_a_handout_that_cannot_be_made_is_refused(
    ticked: list[int], labels: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        handout_for(leaflet(), ticked, clinic_name=CLINIC, today=TODAY, **labels)


def test_papers() -> None:
    assert [(p.width_mm, p.is_roll) for p in Paper] == [
        (215.9, False),
        (210.0, False),
        (80.0, True),
        (58.0, True),
    ]
    assert (Paper.LETTER.height_mm, Paper.A4.height_mm, Paper.ROLL_58MM.height_mm) == (
        279.4,
        297.0,
        None,
    )


def test_an_unwritable_path_raises_os_error(tmp_path: Path) -> None:
    pdf = tmp_path / "missing" / "handout.pdf"
    with pytest.raises(FileNotFoundError):
        render_pdf(handout_of("1 question"), Paper.A4, pdf)


def test_the_qprinter_path_windows_uses_prints_the_same_handout(tmp_path: Path) -> None:
    """QPrinter into a PDF file: the code path that sends the handout to a Windows printer."""
    from kiosk.printing.native import print_natively

    questions = leaflet().questions
    handout = handout_for(
        leaflet(),
        [2, 5],
        clinic_name="Riverside Clinic",
        today=TODAY,
        own_questions_label="My own questions:",
        date_label="Date: {0}",
        source_label="Source: {0}",
    )
    out = tmp_path / "native.pdf"
    print_natively(handout, Paper.A4, None, "Questions for your doctor", to_pdf=out)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Riverside Clinic" in text
    assert questions[1].text in text
    assert questions[4].text in text
    assert questions[0].text not in text


# A handout of several leaflets (issue 18) ---------------------------------------------------
#
# The test leaflets of harness/leaflets.py (test data, nothing about health), each with an
# address for its QR code and a publisher of its own.


def part_url(number: int) -> str:
    return f"https://example.org/test-topic-{number}"


@pytest.fixture(scope="module")
def test_leaflets(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Leaflet]:
    folder = tmp_path_factory.mktemp("leaflets")
    return {
        n: load_leaflet(
            write_leaflet(folder, n, url=part_url(n), publisher=f"Test Publisher {n}"), "en"
        )
        for n in (1, 2, 3)
    }


# Each case: (test leaflet, its ticked questions), in the kiosk's order.
PARTS: dict[str, tuple[tuple[int, tuple[int, ...]], ...]] = {
    "two parts": ((1, (1, 3)), (2, (2,))),
    "three parts": ((1, (2,)), (2, (1, 2, 3)), (3, (3,))),
}
PARTS_CASES = [(paper, case) for paper in Paper for case in PARTS]
PARTS_IDS = [f"{paper.value}-{case.replace(' ', '-')}" for paper, case in PARTS_CASES]


def handout_of_test_parts(
    leaflets: dict[int, Leaflet], parts: tuple[tuple[int, tuple[int, ...]], ...]
) -> Handout:
    return handout_of_parts(
        [(leaflets[n], ticked) for n, ticked in parts],
        clinic_name=CLINIC,
        clinic_phone="(555) 010-0100",
        today=TODAY,
        **LABELS,
    )


@pytest.fixture(scope="module")
def rendered_parts(
    tmp_path_factory: pytest.TempPathFactory, test_leaflets: dict[int, Leaflet]
) -> Callable[[Paper, str], Rendered]:
    folder = tmp_path_factory.mktemp("parts")

    @functools.cache
    def render(paper: Paper, case: str) -> Rendered:
        handout = handout_of_test_parts(test_leaflets, PARTS[case])
        pdf = folder / f"{paper.value}-{case.replace(' ', '-')}.pdf"
        return read_back(handout, paper, pdf)

    return render


def expected_parts_text(handout: Handout, layout: HandoutLayout) -> list[str]:
    """Everything a handout of several leaflets prints, in the order it is drawn: headed once,
    a part per leaflet under its title with the questions numbered on, the patient's own
    questions once, then each part's QR code with its title, address, publisher and source."""
    said = handout.words
    lines = [handout.clinic_name, handout.phone_line or "", handout.heading, handout.date_line]
    lines += [said.bring, said.write] if layout.answer_lines else [said.bring]
    lines += [said.name, said.appointment, said.doctor]
    number = 0
    for part in handout.parts:
        lines.append(part.title)
        for question in part.questions:
            number += 1
            lines += [f"{number}.", question]
    lines += [handout.own_questions_label, handout.qr_label]
    for part in handout.parts:
        address = part.short_address or ""
        attribution = [handout.publisher_line_of(part) or "", handout.source_line_of(part)]
        if layout.paper is Paper.ROLL_58MM:  # one column: the code under the attribution
            lines += [part.title, *attribution, address]
        else:  # the title beside the code
            lines += [part.title, address, *attribution]
    return lines


def qr_crop(raster: Raster, qr_mm: QRectF, modules: int) -> bytes:
    """The part of the page that holds one QR code and its quiet zone, as a PGM image."""
    quiet = qr_mm.width() / modules * 4
    area = qr_mm.adjusted(-quiet, -quiet, quiet, quiet)
    left, right = raster.px(area.left()), raster.px(area.right())
    top, bottom = raster.px(area.top()), raster.px(area.bottom())
    rows = b"".join(raster.row(y)[left:right] for y in range(top, bottom))
    return b"P5\n%d %d\n255\n" % (right - left, bottom - top) + rows


@pytest.mark.parametrize(("paper", "case"), PARTS_CASES, ids=PARTS_IDS)
def test_one_handout_has_a_part_per_leaflet_its_questions_numbered_on(
    rendered_parts: Callable[[Paper, str], Rendered],
    test_leaflets: dict[int, Leaflet],
    paper: Paper,
    case: str,
) -> None:
    page = rendered_parts(paper, case)
    handout = page.handout
    assert re.search(r"^Pages:\s+1$", page.info, re.MULTILINE)
    # Every character drawn, in order, and nothing else.
    assert squeeze(page.text) == squeeze("".join(expected_parts_text(handout, page.layout)))
    shown = words(page.text)
    # Headed once with the questions heading, which also names the PDF.
    assert shown.count("Questions to ask your doctor") == 1
    assert shown.index("Questions to ask your doctor") < shown.index("Printed on")
    assert re.search(r"^Title:\s+Questions to ask your doctor$", page.info, re.MULTILINE)
    # Each leaflet's title heads its questions, numbered on through the handout: 1, 2, 3...
    number = 0
    where = 0
    for leaflet_number, ticked in PARTS[case]:
        leaflet = test_leaflets[leaflet_number]
        where = shown.index(leaflet.title, where)
        for question in leaflet.questions:
            numbered = re.search(rf"\d+\. {re.escape(question.text)}", shown)
            assert (numbered is not None) == (question.number in ticked), question.text
            if question.number in ticked:
                number += 1
                assert shown.index(f"{number}. {question.text}") > where
    assert number == sum(len(ticked) for _n, ticked in PARTS[case])
    # The lines for the patient's own questions come once, after the last part.
    assert shown.count("My own questions:") == 1
    assert shown.index("My own questions:") > shown.index(f"{number}. ")
    # Each part's publisher and source, in the footer.
    for leaflet_number, _ticked in PARTS[case]:
        assert f"Published by Test Publisher {leaflet_number}" in shown
    assert shown.count("Source: Test data written by the kiosk's tests") == len(PARTS[case])


@pytest.mark.parametrize(("paper", "case"), PARTS_CASES, ids=PARTS_IDS)
def test_each_parts_qr_code_opens_its_own_leaflet(
    rendered_parts: Callable[[Paper, str], Rendered], paper: Paper, case: str
) -> None:
    page = rendered_parts(paper, case)
    urls = [part_url(n) for n, _ticked in PARTS[case]]
    # A real reader finds every part's code in the printed page (200 dpi).
    decoded = run("zbarimg", "--quiet", "--raw", page.pdf.with_suffix(".pgm")).split()
    assert sorted(decoded) == sorted(urls)
    # Top to bottom, the codes are the parts' in order, each readable on its own.
    layout = page.layout
    assert len(layout.qrs_mm) == len(urls)
    assert [qr.top() for qr in layout.qrs_mm] == sorted(qr.top() for qr in layout.qrs_mm)
    for index, (qr, modules) in enumerate(zip(layout.qrs_mm, layout.qrs_modules, strict=True)):
        assert qr.width() >= 20
        crop = page.pdf.with_name(f"{page.pdf.stem}-qr-{index}.pgm")
        crop.write_bytes(qr_crop(page.raster, qr, modules))
        assert run("zbarimg", "--quiet", "--raw", crop).split() == [urls[index]]


@pytest.mark.parametrize(("paper", "case"), PARTS_CASES, ids=PARTS_IDS)
def test_nothing_of_a_handout_of_several_leaflets_is_clipped(
    rendered_parts: Callable[[Paper, str], Rendered], paper: Paper, case: str
) -> None:
    page = rendered_parts(paper, case)
    content = page.layout.content_mm
    allowed = content.adjusted(-0.5, -0.5, 0.5, 0.5)
    for qr, modules in zip(page.layout.qrs_mm, page.layout.qrs_modules, strict=True):
        assert content.contains(qr)
        quiet = qr.width() / modules * 4
        allowed = allowed.united(qr.adjusted(-quiet, -quiet, quiet, quiet))
    assert page.raster.ink_outside(allowed) == []
    assert [w.text for w in page.words if not allowed.contains(w.box_mm)] == []
    # Lines to write on no closer than on a handout of one leaflet; type no smaller.
    rules = rules_mm(page.raster, min_length_mm=20.0 if paper.is_roll else 30.0)
    gaps = [b - a for a, b in itertools.pairwise(rules)]
    assert min(gaps) >= 9 - 0.3, gaps
    assert page.layout.body_pt >= MIN_BODY_PT
    date_box = next(w for w in page.words if w.text == "Printed").box_mm
    assert min(w.box_mm.height() for w in page.words) >= date_box.height() * 0.99


def test_a_leaflet_with_nothing_ticked_is_left_out(
    tmp_path: Path, test_leaflets: dict[int, Leaflet]
) -> None:
    handout = handout_of_test_parts(test_leaflets, ((1, (2,)), (2, ()), (3, (1,))))
    page = read_back(handout, Paper.LETTER, tmp_path / "handout.pdf")
    shown = words(page.text)
    assert test_leaflets[2].title not in shown
    assert "Test Publisher 2" not in shown
    assert "1. Test question 2 of leaflet 1?" in shown
    assert "2. Test question 1 of leaflet 3?" in shown
    decoded = run("zbarimg", "--quiet", "--raw", page.pdf.with_suffix(".pgm")).split()
    assert sorted(decoded) == [part_url(1), part_url(3)]


def test_a_handout_of_one_part_is_the_handout_of_one_leaflet(
    test_leaflets: dict[int, Leaflet],
) -> None:
    alone = handout_for(test_leaflets[2], [1, 3], clinic_name=CLINIC, today=TODAY, **LABELS)
    parts = [(test_leaflets[1], ()), (test_leaflets[2], [3, 1]), (test_leaflets[3], set())]
    assert handout_of_parts(parts, clinic_name=CLINIC, today=TODAY, **LABELS) == alone
    assert alone.parts == (
        HandoutPart(
            "Test topic 2",
            ("Test question 1 of leaflet 2?", "Test question 3 of leaflet 2?"),
            "Test data written by the kiosk's tests",
            part_url(2),
            "Test Publisher 2",
        ),
    )
    assert alone.page_title == "Test topic 2"


def test_the_heading_is_in_the_handouts_language_when_a_part_lacks_it(tmp_path: Path) -> None:
    """Spanish chosen, and the first leaflet has no Spanish file, so its part is in English:
    the page is headed in Spanish, from the next leaflet, and dated in Spanish."""
    english = load_leaflet(write_leaflet(tmp_path, 1, ("en",), url=part_url(1)), "en")
    spanish = load_leaflet(write_leaflet(tmp_path, 2, ("en", "es"), url=part_url(2)), "es")
    handout = handout_of_parts(
        [(english, [1]), (spanish, [2])],
        clinic_name=CLINIC,
        today=TODAY,
        own_questions_label="Mis propias preguntas:",
        date_label="Impreso el {0}",
        source_label="Fuente: {0}",
        language="es",
    )
    page = read_back(handout, Paper.A4, tmp_path / "handout.pdf")
    shown = words(page.text)
    assert shown.count("Preguntas para hacerle a su médico") == 1
    assert "Questions to ask your doctor" not in shown
    assert "Impreso el 26 de noviembre de 2026" in shown
    assert "Test topic 1 1. Test question 1 of leaflet 1?" in shown
    assert "Tema de prueba 2 2. ¿Pregunta de prueba 2 del folleto 2?" in shown
    assert b"/Lang (es)" in page.pdf.read_bytes()


def test_a_long_handout_of_several_leaflets_goes_on_to_more_sheets(tmp_path: Path) -> None:
    leaflets = [
        load_leaflet(write_leaflet(tmp_path, n, url=part_url(n), questions=12), "en")
        for n in (1, 2, 3)
    ]
    handout = handout_of_parts(
        [(leaflet, range(1, 13)) for leaflet in leaflets],
        clinic_name=CLINIC,
        today=TODAY,
        **LABELS,
    )
    pdf = tmp_path / "handout.pdf"
    render_pdf(handout, Paper.LETTER, pdf)
    pages = read_pages(pdf)
    count = len(pages)
    assert layout_handout(handout, Paper.LETTER).pages == count > 1
    # Each page after the first headed with the handout's heading and its number.
    for number, page in enumerate(pages[1:], start=2):
        header = squeeze(handout.heading + handout.page_line(number, count))
        assert squeeze(page.text).startswith(header)
    text = words(" ".join(page.text for page in pages))
    positions = [
        text.index(f"{n}. {words(q)}")
        for n, q in enumerate([q for part in handout.parts for q in part.questions], start=1)
    ]
    assert len(positions) == 36
    assert positions == sorted(positions)
    decoded = run("zbarimg", "--quiet", "--raw", pages[-1].image).split()
    assert sorted(decoded) == [part_url(n) for n in (1, 2, 3)]


def test_a_part_with_a_question_its_leaflet_lacks_is_refused(
    test_leaflets: dict[int, Leaflet],
) -> None:
    with pytest.raises(ValueError, match=r"no question 4; the leaflet has questions 1 to 3 \("):
        handout_of_parts(
            [(test_leaflets[1], [1]), (test_leaflets[2], [4])],
            clinic_name=CLINIC,
            today=TODAY,
            **LABELS,
        )
    with pytest.raises(ValueError, match="no question is ticked"):
        handout_of_parts(
            [(test_leaflets[1], []), (test_leaflets[2], [])],
            clinic_name=CLINIC,
            today=TODAY,
            **LABELS,
        )
