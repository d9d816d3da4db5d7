"""benchmarks/orca_visit.py reads Orca's debug log and rewrites its section of the report."""

from __future__ import annotations

import pytest

from benchmarks.orca_visit import (
    BEGIN,
    END,
    Said,
    Step,
    VisitError,
    rewrite_section,
    speech_output,
    transcript,
)

# As Orca 43.1 writes them (orca/debug.py, orca/speech.py), a line break in an utterance
# continued on a line indented by 18 spaces, and the object dumps between them.
_LOG = """\
12:56:13.173031 - SPEECH OUTPUT: 'Screen reader on.'{'established': False}
12:56:13.174324 - SPEECH DISPATCHER: Speaking '<speak>Screen reader on.</speak>'
                  ORCA rate 5.0, pitch 5.0, volume 5.0, language en, punctuation: NONE
12:46:05.356510 - SPEECH OUTPUT: 'tab ' {'established': False}
12:57:01.500000 - SPEECH OUTPUT: 'Is vertebroplasty a good choice for me?
                  How long will the procedure take? label.'{'established': False}
12:57:02.000000 - SPEECH OUTPUT: 'It's done.' voice=uppercase{'average-pitch': 5.6}
12:57:03.000000 - OBJECT EVENT: object:state-changed:focused (1, 0, [label | SPEECH OUTPUT])
"""


def test_every_speech_output_entry_is_read_with_its_time_and_whole_text() -> None:
    assert speech_output(_LOG) == [
        Said(12 * 3600 + 56 * 60 + 13.173031, "Screen reader on."),
        Said(12 * 3600 + 46 * 60 + 5.35651, "tab "),
        Said(
            12 * 3600 + 57 * 60 + 1.5,
            "Is vertebroplasty a good choice for me?\nHow long will the procedure take? label.",
        ),
        Said(12 * 3600 + 57 * 60 + 2.0, "It's done."),
    ]


def test_the_transcript_interleaves_steps_and_speech_in_time_and_drops_what_is_outside() -> None:
    steps = [Step(100.0, "key Down: towards Print"), Step(90.0, "the kiosk starts")]
    said = [Said(89.0, "Screen reader on."), Said(100.4, "Print\nmy questions"), Said(200, "x")]
    assert transcript(steps, said, 90.0, 150.0) == [
        "   0.0 -- the kiosk starts",
        "  10.0 -- key Down: towards Print",
        "  10.4    Orca: Print\\nmy questions",
    ]


def test_the_section_between_the_markers_is_replaced_and_the_rest_kept() -> None:
    document = f"# Report\n\n{BEGIN}\nold transcript\n{END}\n\n## Next\n"
    rewritten = rewrite_section(document, ["   0.0 -- start"], "Written today.")
    assert rewritten == (
        f"# Report\n\n{BEGIN}\n\nWritten today.\n\n```text\n   0.0 -- start\n```\n\n{END}\n\n"
        "## Next\n"
    )
    assert rewrite_section(rewritten, ["   0.0 -- start"], "Written today.") == rewritten


def test_a_report_without_the_markers_is_refused() -> None:
    with pytest.raises(VisitError):
        rewrite_section("# Report\n", [], "")
