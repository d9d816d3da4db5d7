"""What Orca said, read from its debug log, for the Orca benchmark (harness/orca.py)."""

from __future__ import annotations

from harness.orca import Said, Step, speech_output, transcript

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
