"""Health for Prometheus: a running kiosk writes clinic_kiosk.prom for node_exporter, and the
values follow what happens on the private CUPS and on the screen; counts only, no question."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pytestqt.qtbot import QtBot

from harness.audio import PulseServer
from harness.cups import Q_PDF, Q_SUPPLIES, CupsServer, write_pdf
from harness.leaflets import leaflet_text, write_leaflet
from kiosk import health
from kiosk.app import Runner
from kiosk.config import Config, resources_dir
from kiosk.health import METRICS_FILE, PRINTER_STATES, Health
from kiosk.printing import cups
from kiosk.session import Page
from tests.ui.conftest import LANDSCAPE, tap

WAIT_MS = 30_000
RULES = Path(__file__).resolve().parents[1] / "packaging" / "prometheus"
# Every metric and its type as parsed (counters without their _total).
TYPES = {
    "kiosk_up": "gauge",
    "kiosk_start_time_seconds": "gauge",
    "kiosk_content_pack_info": "gauge",
    "kiosk_speech_state": "gauge",
    "kiosk_printer_state": "gauge",
    "kiosk_printer_state_reason": "gauge",
    "kiosk_printer_marker_level_percent": "gauge",
    "kiosk_last_print_outcome": "gauge",
    "kiosk_visits": "counter",
    "kiosk_prints": "counter",
    "kiosk_failed_prints": "counter",
    "kiosk_refused_files": "counter",
    "kiosk_refused_file_pending": "gauge",
}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def read(folder: Path) -> tuple[dict[str, str], Samples]:
    """The metrics file as Prometheus reads it: each metric's type, and each sample's value
    by its name and labels."""
    text = (folder / METRICS_FILE).read_text(encoding="utf-8")
    types: dict[str, str] = {}
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        types[family.name] = family.type
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return types, samples


def value(folder: Path, name: str, **labels: str) -> float | None:
    """One sample's value, None if the file has no such sample (or no file yet)."""
    if not (folder / METRICS_FILE).exists():
        return None
    return read(folder)[1].get((name, frozenset(labels.items())))


def labelled(folder: Path, name: str) -> list[dict[str, str]]:
    """The labels of every sample of ``name`` whose value is 1."""
    return [
        dict(labels) for (sample, labels), v in read(folder)[1].items() if sample == name and v == 1
    ]


@pytest.fixture
def metrics(tmp_path: Path) -> Path:
    folder = tmp_path / "textfile"
    folder.mkdir()
    return folder


@pytest.fixture
def runner(
    qtbot: QtBot,
    tmp_path: Path,
    metrics: Path,
    printers: CupsServer,
    pulse: PulseServer,  # noqa: ARG001 - the runner's kiosk reads aloud
) -> Iterator[Runner]:
    """A kiosk as it runs in the clinic, printing on a printer that reports its supplies, and
    reading its configuration from a file the clinic's tools may replace."""
    printers.add_supplies_queue(Q_SUPPLIES)
    pack = tmp_path / "leaflets" / "vertebroplasty"
    shutil.copytree(resources_dir() / "leaflets/vertebroplasty", pack)
    config_path = tmp_path / "kiosk.toml"
    config_path.write_text(settings(pack, metrics), encoding="utf-8")
    config = Config(
        content_pack=pack,
        screen=LANDSCAPE,
        printer=Q_SUPPLIES,
        print_timeout_s=10,
        metrics_folder=metrics,
        pdf_folder=tmp_path / "handouts",
    )
    runner = Runner(config, windowed=True, problems=[], config_path=config_path)
    try:  # closed whatever happens: a health thread left running aborts the process
        runner.start()
        yield runner
    finally:
        runner.close()
        if runner.kiosk is not None:
            qtbot.addWidget(runner.kiosk.window)


def settings(pack: Path, metrics: Path, more: str = "") -> str:
    return (
        f'content_pack = "{pack}"\nprinter = "{Q_SUPPLIES}"\nprint_timeout_s = 10\n'
        f'metrics_folder = "{metrics}"\n{more}'
        f"[screen]\nwidth_px = {LANDSCAPE.width_px}\nheight_px = {LANDSCAPE.height_px}\n"
    )


def print_ticked(qtbot: QtBot, runner: Runner, numbers: tuple[int, ...] = ()) -> str:
    """Tick ``numbers`` on the questions page as a patient does, then tap Print; what the page
    says once printing has ended."""
    kiosk = runner.kiosk
    assert kiosk is not None
    kiosk.visit.go_to(Page(len(kiosk.leaflet.sections) - 1))
    page = kiosk.window.questions_page
    for number in numbers:
        tap(qtbot, page.rows[number - 1])
    tap(qtbot, page.print_button)
    printing = "Printing your questions…"
    qtbot.waitUntil(lambda: page.print_status.text() not in ("", printing), timeout=WAIT_MS)
    return page.print_status.text()


def test_the_metrics_follow_a_visit_and_its_prints_and_hold_no_question(
    qtbot: QtBot, runner: Runner, metrics: Path, printers: CupsServer
) -> None:
    kiosk = runner.kiosk
    assert kiosk is not None
    qtbot.waitUntil(lambda: value(metrics, "kiosk_up") == 1, timeout=WAIT_MS)
    types, _ = read(metrics)
    assert types == TYPES, "every metric is there, with its type"
    assert value(metrics, "kiosk_visits_total") == 0
    assert value(metrics, "kiosk_last_print_outcome", outcome="none") == 1
    info = labelled(metrics, "kiosk_content_pack_info")
    assert len(info) == 1
    assert info[0]["name"] == "vertebroplasty"
    assert info[0]["language"] == "en"
    assert len(info[0]["checksum"]) == 64
    qtbot.waitUntil(
        lambda: value(metrics, "kiosk_printer_state", printer=Q_SUPPLIES, state="idle") == 1,
        timeout=WAIT_MS,
    )
    # Speech is checked off the GUI thread; the metric follows once it is.
    qtbot.waitUntil(
        lambda: [s["state"] for s in labelled(metrics, "kiosk_speech_state")] == ["up"],
        timeout=WAIT_MS,
    )
    assert labelled(metrics, "kiosk_speech_state")[0]["engine"] in ("neural", "espeak")

    kiosk.visit.begin()  # a patient touches the welcome screen
    qtbot.waitUntil(lambda: value(metrics, "kiosk_visits_total") == 1, timeout=WAIT_MS)

    assert print_ticked(qtbot, runner, (1, 3)).startswith("Your questions have printed")
    assert len(printers.printed_jobs(Q_SUPPLIES)) == 1
    qtbot.waitUntil(
        lambda: value(metrics, "kiosk_last_print_outcome", outcome="ok") == 1, timeout=WAIT_MS
    )
    assert value(metrics, "kiosk_prints_total") == 1
    assert value(metrics, "kiosk_failed_prints_total") == 0
    # The printer told CUPS its supplies while it printed.
    qtbot.waitUntil(
        lambda: (
            value(
                metrics,
                "kiosk_printer_marker_level_percent",
                printer=Q_SUPPLIES,
                marker="Black Toner",
                type="toner",
            )
            == 15
        ),
        timeout=WAIT_MS,
    )
    assert (
        value(
            metrics,
            "kiosk_printer_marker_level_percent",
            printer=Q_SUPPLIES,
            marker="Paper Tray",
            type="paper",
        )
        == 100
    )

    printers.disable(Q_SUPPLIES)  # staff pause the queue (cupsdisable)
    said = print_ticked(qtbot, runner)
    assert said == "The printer is not working right now. Please ask at the front desk."
    qtbot.waitUntil(
        lambda: value(metrics, "kiosk_last_print_outcome", outcome="failed") == 1,
        timeout=WAIT_MS,
    )
    assert value(metrics, "kiosk_prints_total") == 2
    assert value(metrics, "kiosk_failed_prints_total") == 1
    qtbot.waitUntil(
        lambda: value(metrics, "kiosk_printer_state", printer=Q_SUPPLIES, state="stopped") == 1,
        timeout=WAIT_MS,
    )
    assert value(metrics, "kiosk_printer_state", printer=Q_SUPPLIES, state="idle") == 0
    assert value(metrics, "kiosk_printer_state_reason", printer=Q_SUPPLIES, reason="paused") == 1
    for reason in ("media-empty", "media-jam", "toner-low", "offline"):
        assert value(metrics, "kiosk_printer_state_reason", printer=Q_SUPPLIES, reason=reason) == 0
    assert value(metrics, "kiosk_visits_total") == 1, "printing is not a visit"

    text = (metrics / METRICS_FILE).read_text(encoding="utf-8")
    for question in kiosk.leaflet.questions:
        assert question.text not in text
    for section in kiosk.leaflet.sections:
        assert section.heading not in text, "nor which pages there are"
    assert sorted(path.name for path in metrics.iterdir()) == [METRICS_FILE], (
        "written in place by a rename: no temporary file is left"
    )

    assert runner.health is not None
    runner.health.stop()  # as the kiosk stops
    assert value(metrics, "kiosk_up") == 0, "a kiosk that stops says so"


def test_a_printer_out_of_paper_shows_in_the_metrics(
    qtbot: QtBot, runner: Runner, metrics: Path, printers: CupsServer, tmp_path: Path
) -> None:
    health = runner.health
    assert health is not None
    printers.paper_out(Q_SUPPLIES)
    job = write_pdf(tmp_path / "other.pdf", ["Someone else's job"])
    printers.run("lp", "-d", Q_SUPPLIES, "-t", "another job", str(job))
    qtbot.waitUntil(lambda: cups.printer_health(Q_SUPPLIES).state == "stopped", timeout=WAIT_MS)
    health.write(ask_printer=True)  # what the kiosk does every 30 s
    qtbot.waitUntil(
        lambda: (
            value(metrics, "kiosk_printer_state_reason", printer=Q_SUPPLIES, reason="media-empty")
            == 1
        ),
        timeout=WAIT_MS,
    )
    assert value(metrics, "kiosk_printer_state", printer=Q_SUPPLIES, state="stopped") == 1
    assert (
        value(
            metrics,
            "kiosk_printer_marker_level_percent",
            printer=Q_SUPPLIES,
            marker="Paper Tray",
            type="paper",
        )
        == 0
    )
    printers.run("cancel", "-a", Q_SUPPLIES)


def test_a_refused_dropped_file_is_counted_until_a_good_one_comes(
    qtbot: QtBot, runner: Runner, metrics: Path
) -> None:
    config_path = runner.config_path
    assert config_path is not None
    pack = runner.config.content_pack
    qtbot.waitUntil(lambda: value(metrics, "kiosk_up") == 1, timeout=WAIT_MS)
    assert value(metrics, "kiosk_refused_files_total") == 0
    assert value(metrics, "kiosk_refused_file_pending") == 0
    drop(config_path, settings(pack, metrics, "text_size_percent = 900\n"))
    assert not runner.check_files()
    qtbot.waitUntil(lambda: value(metrics, "kiosk_refused_files_total") == 1, timeout=WAIT_MS)
    assert value(metrics, "kiosk_refused_file_pending") == 1
    assert value(metrics, "kiosk_up") == 1, "the kiosk runs on the file it had"
    drop(config_path, settings(pack, metrics, "text_size_percent = 150\n"))
    assert runner.check_files()
    assert runner.kiosk is not None
    qtbot.addWidget(runner.kiosk.window)
    qtbot.waitUntil(lambda: value(metrics, "kiosk_refused_file_pending") == 0, timeout=WAIT_MS)
    assert value(metrics, "kiosk_refused_files_total") == 1, "counted since the kiosk started"


def test_a_folder_that_cannot_be_written_is_said_once_and_tried_again(
    qtbot: QtBot, runner: Runner, metrics: Path, caplog: pytest.LogCaptureFixture
) -> None:
    health = runner.health
    assert isinstance(health, Health)
    qtbot.waitUntil(lambda: value(metrics, "kiosk_up") == 1, timeout=WAIT_MS)
    shutil.rmtree(metrics)  # node_exporter's folder went away
    with caplog.at_level(logging.INFO, logger="kiosk.health"):
        for _ in range(3):
            # A write asked for before the folder went may still come first.
            with qtbot.waitSignal(health.written, timeout=WAIT_MS, check_params_cb=failed):
                health.write()
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1, "one warning, not one every 30 s"
        said = warnings[0].getMessage()
        assert str(metrics / METRICS_FILE) in said
        assert "metrics_folder" in said
        assert runner.kiosk is not None
        assert runner.kiosk.window.isVisible(), "the kiosk runs on"
        metrics.mkdir()
        with qtbot.waitSignal(health.written, timeout=WAIT_MS, check_params_cb=bool):
            health.write()
    assert value(metrics, "kiosk_up") == 1
    assert any("again" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)


def test_cups_tells_a_missing_queue_no_default_and_a_server_that_is_down(
    printers: CupsServer,
) -> None:
    """printer_health asks the real CUPS; the states beyond printer-state are its own."""
    assert cups.printer_health("no_such_queue").state == "missing"
    assert cups.printer_health(None).state == "none", "no printer named and no default"
    printers.set_default(Q_PDF)
    assert cups.printer_health(None)[:2] == (Q_PDF, "idle")
    printers.stop()
    down = cups.printer_health(Q_PDF)
    assert down.state == "unreachable"
    assert "down" in down.staff_message


def test_every_printer_state_is_written_with_one_set(metrics: Path) -> None:
    """The states a printer can be in (from printer_health) each get a sample, one of them 1."""
    from kiosk.health import HealthFacts, write_metrics

    facts = HealthFacts(True, 0.0, "p", "en", "", "espeak", "up", "none", 0, 0, 0, 0, False)
    for state in PRINTER_STATES:
        write_metrics(metrics, facts, cups.PrinterHealth("q", state, (), True, (), ""))
        assert [s["state"] for s in labelled(metrics, "kiosk_printer_state")] == [state]


def test_the_example_alert_rules_pass_promtool_and_name_what_the_kiosk_writes() -> None:
    """packaging/prometheus/: Prometheus's own checker accepts the rules, their unit tests
    (clinic-kiosk-alerts.test.yml) pass, and every kiosk_ metric they use is one the kiosk
    writes."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail(
            "the alert rules are checked with promtool: apt-get install --no-install-recommends "
            "prometheus (./dev.sh test does)",
            pytrace=False,
        )
    for command in (
        ["check", "rules", "clinic-kiosk-alerts.yml"],
        ["test", "rules", "clinic-kiosk-alerts.test.yml"],
    ):
        ran = subprocess.run(
            [promtool, *command],
            cwd=RULES,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert ran.returncode == 0, ran.stdout + ran.stderr
    written = {f"{name}_total" if kind == "counter" else name for name, kind in TYPES.items()}
    used = set(re.findall(r"\bkiosk_\w+", (RULES / "clinic-kiosk-alerts.yml").read_text()))
    assert used, "the rules watch the kiosk's metrics"
    assert used <= written, f"not written by the kiosk: {sorted(used - written)}"


def failed(ok: bool) -> bool:
    return not ok


def drop(path: Path, text: str) -> None:
    """Write ``path`` as a configuration tool does: a new file renamed over the old one."""
    new = path.with_name(f".{path.name}.new")
    new.write_text(text, encoding="utf-8")
    os.replace(new, path)


def test_a_kiosk_of_several_leaflets_names_each_and_sums_them_all(tmp_path: Path) -> None:
    """IT tells kiosks showing the same leaflets by the content labels: every leaflet's folder
    in the menu's order, and one checksum that changes with any of their files."""
    first, second = (write_leaflet(tmp_path, n, ("en",)) for n in (1, 2))
    config = Config(leaflets=(first, second), content_pack=first)
    assert health.shown_packs(config) == "test-1,test-2"
    before = health.packs_checksum(config)
    assert before not in ("", health.pack_checksum(first))
    (second / "en.md").write_text(leaflet_text(2).replace("Test topic", "Topic"), "utf-8")
    assert health.packs_checksum(config) not in ("", before)
    assert health.shown_packs(Config(content_pack=first)) == "test-1"
