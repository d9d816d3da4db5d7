"""Converting a clip to the sink's rate: same sound, same timing, nothing added above the band."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from kiosk.narration.resample import resample_pcm

ESPEAK_HZ = 22050
NEURAL_HZ = 24000
BOTH_WAYS = pytest.mark.parametrize(
    ("from_hz", "to_hz"), [(ESPEAK_HZ, NEURAL_HZ), (NEURAL_HZ, ESPEAK_HZ)], ids=["up", "down"]
)
LEVEL = 0.5  # of full scale


def tone(frequency_hz: float, rate_hz: int, duration_s: float = 1.0) -> bytes:
    times = np.arange(round(duration_s * rate_hz)) / rate_hz
    wave = LEVEL * 32767 * np.sin(2 * np.pi * frequency_hz * times)
    return np.rint(wave).astype("<i2").tobytes()


def samples(pcm: bytes) -> npt.NDArray[np.float64]:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def tone_in(pcm: bytes, rate_hz: int, frequency_hz: float) -> tuple[float, float]:
    """The level (dB against the test tone's) of a sine at ``frequency_hz`` in the middle of
    ``pcm``, and how far below it everything else is (dB)."""
    x = samples(pcm)
    middle = slice(rate_hz // 4, len(x) - rate_hz // 4)  # away from the clip's edges
    times = np.arange(len(x))[middle] / rate_hz
    basis = np.column_stack(
        [np.sin(2 * np.pi * frequency_hz * times), np.cos(2 * np.pi * frequency_hz * times)]
    )
    fit, *_ = np.linalg.lstsq(basis, x[middle], rcond=None)
    rest = x[middle] - basis @ fit
    amplitude = float(np.hypot(*fit))
    level_db = 20 * np.log10(max(amplitude, 1e-9) / (LEVEL * 32767))
    rest_db = 20 * np.log10(float(np.linalg.norm(basis @ fit)) / max(np.linalg.norm(rest), 1e-9))
    return level_db, rest_db


@BOTH_WAYS
@pytest.mark.parametrize("frequency_hz", [200.0, 1000.0, 4000.0, 8000.0, 9700.0])
def test_sound_in_the_speech_band_comes_through_unchanged(
    from_hz: int, to_hz: int, frequency_hz: float
) -> None:
    level_db, rest_db = tone_in(
        resample_pcm(tone(frequency_hz, from_hz), from_hz, to_hz), to_hz, frequency_hz
    )
    assert level_db == pytest.approx(0.0, abs=0.05)
    # Everything else is at the level of 16-bit rounding (a 0.5 full-scale tone's is about 92 dB).
    assert rest_db > 80


@pytest.mark.parametrize("frequency_hz", [10000.0, 10500.0, 10900.0])
def test_going_up_adds_no_image_above_the_old_nyquist_frequency(frequency_hz: float) -> None:
    # Linear interpolation leaves the image at 22 050 Hz - f some 8 to 10 dB down.
    out = resample_pcm(tone(frequency_hz, ESPEAK_HZ), ESPEAK_HZ, NEURAL_HZ)
    image_db, _ = tone_in(out, NEURAL_HZ, ESPEAK_HZ - frequency_hz)
    assert image_db < -80


@pytest.mark.parametrize("frequency_hz", [11100.0, 11500.0, 11900.0])
def test_going_down_folds_nothing_back_from_above_the_new_nyquist_frequency(
    frequency_hz: float,
) -> None:
    out = resample_pcm(tone(frequency_hz, NEURAL_HZ), NEURAL_HZ, ESPEAK_HZ)
    middle = samples(out)[ESPEAK_HZ // 4 : -ESPEAK_HZ // 4]
    rms_db = 20 * np.log10(max(float(np.sqrt(np.mean(middle**2))), 1e-9) / (LEVEL * 32767 / 2**0.5))
    assert rms_db < -80


@BOTH_WAYS
def test_a_clip_keeps_its_length_and_its_timing(from_hz: int, to_hz: int) -> None:
    # Clicks at known moments: the word timings of a clip stay true only if nothing moves.
    clicks_s = [0.1, 0.5, 1.234]
    clip = np.zeros(round(1.5 * from_hz))
    for at_s in clicks_s:
        clip[round(at_s * from_hz)] = 20000
    out = samples(resample_pcm(clip.astype("<i2").tobytes(), from_hz, to_hz))
    assert len(out) == -(-len(clip) * to_hz // from_hz)
    for at_s in clicks_s:
        near = round(at_s * to_hz)
        window = out[near - 50 : near + 50]
        assert near - 50 + int(np.argmax(window)) == pytest.approx(at_s * to_hz, abs=1)


def test_a_clip_at_the_same_rate_is_left_as_it_is() -> None:
    clip = tone(440.0, ESPEAK_HZ, 0.1)
    assert resample_pcm(clip, ESPEAK_HZ, ESPEAK_HZ) is clip


def test_bad_clips_and_rates_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="even number of bytes"):
        resample_pcm(b"\x00\x01\x02", ESPEAK_HZ, NEURAL_HZ)
    with pytest.raises(ValueError, match="sample rates must be positive, not 0 and 24000 Hz"):
        resample_pcm(bytes(4), 0, NEURAL_HZ)
