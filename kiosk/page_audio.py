"""Writes what Listen says on one page to a WAV file, for staff to check pronunciation."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication

from kiosk.app import build
from kiosk.config import Config
from kiosk.narration.pronounce import load_lexicon
from kiosk.narration.spoken import spoken_text
from kiosk.narration.synth import SpeechAudio, SynthesisError, Synthesizer
from kiosk.narration.wav import write_wav
from kiosk.screenshot import ScreenshotError, parse_page


class SpeakError(Exception):
    """The page's narration cannot be written (no speech engine, unknown page, bad path)."""


def write_page_audio(
    config: Config, *, page: str, out: Path, ticks: list[int], language: str | None = None
) -> list[str]:
    """Synthesize the narration of ``page`` (in ``language``, the default's if None) into
    ``out``; return the sentences as spoken."""
    kiosk = build(config, narration=False)
    try:
        if language is not None:
            kiosk.visit.set_language(language)
        target = parse_page(page, kiosk.leaflet)
        for number in ticks:
            kiosk.visit.set_ticked(number, True)
    except (ScreenshotError, ValueError) as error:
        raise SpeakError(str(error)) from None
    kiosk.visit.go_to(target)
    screen = config.screen
    kiosk.window.resize(screen.width_px, screen.height_px)
    kiosk.window.show()
    QCoreApplication.processEvents()
    script = kiosk.window.current_page().script()
    pack = config.content_pack if config.content_pack.is_dir() else config.content_pack.parent
    lexicon = load_lexicon(pack / f"pronunciation-{kiosk.leaflet.language}.toml")
    code = kiosk.leaflet.language
    spoken = [spoken_text(u.spoken or u.text, code, lexicon)[0] for u in script]
    synthesizer = Synthesizer(code, config.voice_for(code) or None, engine=config.voice_engine)
    try:
        problem = synthesizer.check()
        if problem is not None:
            raise SpeakError(problem)
        clips: list[SpeechAudio] = [
            synthesizer.synthesize(text, kiosk.visit.rate_wpm) for text in spoken
        ]
    except SynthesisError as error:
        raise SpeakError(error.message) from None
    finally:
        synthesizer.close()
        kiosk.close()
    try:
        write_wav(out, clips)
    except OSError as error:
        raise SpeakError(f"cannot write {out} ({error.strerror})") from None
    return spoken
