"""Three hundred complete visits in one kiosk leave nothing behind: the short run of the soak
benchmark (benchmarks/soak.py runs ten thousand)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from harness.audio import PulseServer
from harness.cups import Q_PDF, CupsServer
from harness.soak import (
    FLAT,
    IDLE_TIMEOUT_S,
    IDLE_WARNING_S,
    RSS_GROWTH_LIMIT_KIB,
    Meter,
    Sample,
    after_warm_up,
    growth,
    run_visits,
    table,
)
from kiosk.config import Config
from kiosk.printing.jobs import private_folder
from tests.ui.conftest import LANDSCAPE, KioskFactory

VISITS = 300
SAMPLE_EVERY = 25
# The first visits fill caches, start the print thread and Qt's audio thread, and let the
# allocator settle; growth counts from here.
WARM_UP = 50


def test_three_hundred_visits_leave_no_memory_objects_threads_processes_or_files_behind(
    make_kiosk: KioskFactory,
    pulse: PulseServer,  # noqa: ARG001
    printers: CupsServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The kiosk's temporary files (a print job's folder) go where only this test looks.
    temp = tmp_path / "tmp"
    temp.mkdir()
    handouts = tmp_path / "handouts"
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    config = Config(
        printer=Q_PDF,
        pdf_folder=handouts,
        idle_timeout_s=IDLE_TIMEOUT_S,
        idle_warning_s=IDLE_WARNING_S,
    )
    kiosk = make_kiosk(LANDSCAPE, config, narration=True)
    kiosk.visit.reset()  # the welcome screen, as the next patient finds it
    samples: list[Sample] = []

    try:
        stats = run_visits(
            kiosk,
            VISITS,
            samples.append,
            meter=Meter([temp, handouts, private_folder()]),
            sample_every=SAMPLE_EVERY,
        )
    finally:
        print(table(samples))  # shown when the test fails

    # Every visit was whole: read, heard, ticked, printed, and ended by the idle watch.
    assert stats.visits == VISITS
    assert stats.sentences_heard == VISITS
    assert stats.printed == VISITS
    assert len(printers.printed_jobs(Q_PDF)) == VISITS, "every handout reached the printer"
    kept = after_warm_up(samples, WARM_UP)
    assert [s.visit for s in kept] == list(range(WARM_UP, VISITS + 1, SAMPLE_EVERY))
    for name in FLAT:
        seen = {s.visit: getattr(s, name) for s in kept}
        assert len(set(seen.values())) == 1, f"{name} changed after the warm-up: {seen}"
    assert kept[0].temp_files == 0, "no print job leaves its PDF behind"
    grown_kib = growth(samples, WARM_UP)["rss_kib"]
    assert grown_kib < RSS_GROWTH_LIMIT_KIB, (
        f"resident memory grew by {grown_kib} KiB from visit {WARM_UP} to {VISITS}: "
        + ", ".join(f"{s.visit}: {s.rss_kib}" for s in kept)
    )
