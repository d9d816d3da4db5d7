"""Converts 16-bit mono speech from one sample rate to another, for a clip the sink cannot take."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

# A Kaiser-windowed sinc, as in Smith's bandlimited interpolation (the method behind
# libsamplerate and sox's "rate"), applied as a polyphase filter. Between 22 050 and 24 000 Hz it
# passes everything up to 88 % of the lower Nyquist frequency (9.7 kHz) within 0.01 dB, and keeps
# aliases (going down) and images (going up) of sound up to 10.9 kHz at least 85 dB down, below
# 16-bit noise. Linear interpolation leaves them at -8 to -10 dB and takes 3 to 5 dB off 8 to
# 9.7 kHz, where the sibilants are. tests/narration/test_resample.py measures these figures. 40
# zero crossings a side at the lower rate: 16 would leave the top kHz's images at -21 to -36 dB.
# It costs about 0.5 ms per second of audio on this machine (one core), so a clip can be
# converted on the GUI thread as it is queued.
_ZERO_CROSSINGS = 40
_PASSBAND = 0.88  # of the lower rate's Nyquist frequency; the stop band starts at it
_STOPBAND_DB = 85.0
_KAISER_BETA = 0.1102 * (_STOPBAND_DB - 8.7)  # Kaiser's formula for that attenuation


def resample_pcm(pcm: bytes, from_hz: int, to_hz: int) -> bytes:
    """``pcm`` (16-bit LE mono at ``from_hz``) as the same sound at ``to_hz``.

    The result has ceil(frames * to_hz / from_hz) frames and is not delayed: output frame n is
    the sound at time n / to_hz of the input. Each call stands alone (the sound before and after
    ``pcm`` is taken as silence), which suits a clip that starts and ends quiet.
    """
    if from_hz <= 0 or to_hz <= 0:
        raise ValueError(f"sample rates must be positive, not {from_hz} and {to_hz} Hz")
    if len(pcm) % 2:
        raise ValueError("16-bit PCM needs an even number of bytes")
    if from_hz == to_hz or not pcm:
        return pcm
    common = math.gcd(from_hz, to_hz)
    up, down = to_hz // common, from_hz // common
    source = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    taps = _phase_filters(up, down)
    half = _half_taps(up, down)
    padded = np.concatenate(
        [np.zeros(half, np.float32), source, np.zeros(half + down + 1, np.float32)]
    )
    # Row i holds the input frames i + 1 - half ... i + half (padded index i + 1 ... i + 2 * half).
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half)[1:]
    frames = -(-len(source) * up // down)
    out = np.empty(frames, np.float32)
    # Output frame n falls at input position n * down / up: just after input frame
    # (n * down) // up, at phase (n * down) % up. Frames n, n + up, n + 2 up ... share a phase and
    # step down input frames apart, so each phase is one matrix product over a strided view.
    for first in range(min(up, frames)):
        count = len(range(first, frames, up))
        start = first * down // up
        out[first::up] = windows[start : start + count * down : down] @ taps[first * down % up]
    return np.clip(np.rint(out), -32768, 32767).astype("<i2").tobytes()


_filters: dict[tuple[int, int], npt.NDArray[np.float32]] = {}


def _phase_filters(up: int, down: int) -> npt.NDArray[np.float32]:
    """The filter for each of the ``up`` phases, as rows of 2 * half taps over input frames.

    Row p, tap j weighs input frame i + 1 - half + j for an output at input position i + p / up.
    """
    cached = _filters.get((up, down))
    if cached is not None:
        return cached
    half = _half_taps(up, down)
    offsets = np.arange(1 - half, half + 1, dtype=np.float64)
    phases = np.arange(up, dtype=np.float64)[:, None] / up
    distance = offsets[None, :] - phases  # in input frames, from the output's position
    # The cut-off, as a fraction of the input's Nyquist frequency (the output's when going down),
    # lies midway between the pass band's edge and the stop band's.
    cutoff = min(1.0, up / down) * (1 + _PASSBAND) / 2
    sinc = cutoff * np.sinc(cutoff * distance)
    # The Kaiser window at each tap's own distance, centred on the output's position.
    inside = np.clip(1 - (distance / half) ** 2, 0, None)
    taps = sinc * np.i0(_KAISER_BETA * np.sqrt(inside)) / np.i0(_KAISER_BETA)
    # Every phase passes a constant unchanged, so no ripple comes at the rate the phases cycle.
    taps /= taps.sum(axis=1, keepdims=True)
    result = taps.astype(np.float32)
    _filters[(up, down)] = result
    return result


def _half_taps(up: int, down: int) -> int:
    """Input frames on each side of an output: the sinc's zero crossings, at the lower rate."""
    return math.ceil(_ZERO_CROSSINGS * max(1.0, down / up))
