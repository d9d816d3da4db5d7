"""Silence: the engine of last resort, so that "no voice works" is an engine, not a special case."""

from __future__ import annotations

from kiosk.narration.engines import EngineInfo, Speech, Tracking, VoiceInfo

SAMPLE_RATE = 16000


class SilenceEngine:
    """Says nothing, for as long as the sentence would take to read at ``rate_wpm``.

    The kiosk never plays it to a patient: a Synthesizer left with silence reports why no
    voice works, and Listen is off (as NVDA's silence driver keeps its speech pipeline going
    while no synthesizer works).
    """

    def __init__(self) -> None:
        self.info = EngineInfo(
            name="silence",
            title="no voice",
            sample_rate=SAMPLE_RATE,
            tracking=Tracking.NONE,
            voices=(VoiceInfo("silence", "Silence", ""),),
            audible=False,
        )

    def synthesize(self, text: str, voice: str, rate_wpm: int) -> Speech:
        words = max(1, len(text.split()))
        samples = SAMPLE_RATE * 60 * words // max(rate_wpm, 1)
        return Speech(bytes(2 * samples), SAMPLE_RATE, (), "silence")
