"""Health for Prometheus: the kiosk's state as node_exporter textfile metrics, clinic_kiosk.prom.

Counts only: how many visits, prints and failed prints since the kiosk started, never a page,
a question or the time of one visit. The file is written atomically (a temporary file in the
same folder, renamed over the old one) by prometheus_client's ``write_to_textfile``, from a
registry of the kiosk's own, so node_exporter never reads half a file.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from kiosk.filewatch import files_under
from kiosk.narration.narrator import NarrationState
from kiosk.printing import cups
from kiosk.printing.service import PrintState

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

    from kiosk.app import Kiosk
    from kiosk.config import Config

# prometheus_client is imported when the first metrics are made, not with this module: the
# kiosk imports it whether or not metrics_folder is set, and prometheus_client brings its HTTP
# server, WSGI and TLS modules with it, 64 modules and 4 MB (benchmarks/memory.py). hashlib
# likewise waits for the first checksum: its OpenSSL library is 3.6 MB the kiosk would hold
# for nothing while no metrics are written.

log = logging.getLogger("kiosk.health")

METRICS_FILE = "clinic_kiosk.prom"  # node_exporter's textfile collector reads *.prom
WRITE_EVERY_S = 30.0  # and at every change; node_exporter reports the file's age besides
# How long stopping the kiosk waits for a write under way (it may be asking a hung CUPS).
STOP_WAIT_MS = 1000

PRINTER_STATES = ("idle", "processing", "stopped", "missing", "unreachable", "none")
# The printer-state-reasons always written, 0 when the printer does not report them, so an
# alert rule can compare them; any other reason CUPS reports is written while it lasts.
WATCHED_REASONS = ("media-empty", "media-jam", "toner-low", "offline")
SPEECH_STATES = ("up", "down", "given_up")
PRINT_OUTCOMES = ("none", "ok", "saved", "failed")
# A printer-state-reason's severity suffix (RFC 8011 5.4.12), left off the metric's label.
_SEVERITIES = ("-error", "-warning", "-report")


@dataclass(frozen=True)
class HealthFacts:
    """What the metrics say of the kiosk besides its printer, taken on the GUI thread."""

    up: bool  # the leaflet shows (False: the out-of-order screen, or the kiosk stopped)
    started_s: float  # seconds since the epoch
    pack: str  # the content pack's folder (or file) name
    language: str  # the clinic's default language
    checksum: str  # sha256 of the pack's files, as ``pack_checksum`` makes it
    speech_engine: str  # "neural", "espeak", "silence"; "none" until speech was checked
    speech_state: str  # one of SPEECH_STATES
    last_print: str  # one of PRINT_OUTCOMES
    visits: int
    prints: int  # handouts asked for that ended: printed, saved as PDF or failed
    failed_prints: int
    refused_files: int  # dropped configuration or leaflet files not taken up
    refused_pending: bool  # the kiosk runs on old files because the new ones were refused


def pack_checksum(pack: Path) -> str:
    """The sha256 of a content pack: each file's path within it and its bytes, in order, so
    that IT can tell which kiosks show the same leaflets. "" if the pack cannot be read."""
    import hashlib  # noqa: PLC0415 - see the imports above

    digest = hashlib.sha256()
    files = files_under(pack) if pack.is_dir() else [pack]
    try:
        for path in files:
            name = path.relative_to(pack).as_posix() if pack.is_dir() else path.name
            digest.update(name.encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
    except OSError:
        return ""
    return digest.hexdigest()


def shown_packs(config: Config) -> str:
    """The name of the leaflet folder shown, or of each in a kiosk of several, in the menu's
    order: "vertebroplasty" or "vertebroplasty,knee-injection"."""
    return ",".join(path.name for path in config.leaflets or (config.content_pack,))


def packs_checksum(config: Config) -> str:
    """``pack_checksum`` of the one pack, or the sha256 of every leaflet's in the menu's
    order; "" if any cannot be read."""
    import hashlib  # noqa: PLC0415 - see the imports above

    if not config.leaflets:
        return pack_checksum(config.content_pack)
    sums = [pack_checksum(path) for path in config.leaflets]
    if not all(sums):
        return ""
    return hashlib.sha256(",".join(sums).encode("ascii")).hexdigest()


def metric_families(facts: HealthFacts, printer: cups.PrinterHealth | None) -> list[Metric]:
    """The metrics for ``facts`` and the printer as CUPS last described it (None: not asked,
    as on Windows, where there is no CUPS)."""
    from prometheus_client.metrics_core import (  # noqa: PLC0415 - see the imports above
        CounterMetricFamily,
        GaugeMetricFamily,
        InfoMetricFamily,
    )

    up = GaugeMetricFamily(
        "kiosk_up", "1 while the kiosk shows its leaflet; 0 out of order or stopped"
    )
    up.add_metric([], 1 if facts.up else 0)
    started = GaugeMetricFamily(
        "kiosk_start_time_seconds", "When the kiosk started, in seconds since the epoch"
    )
    started.add_metric([], facts.started_s)
    families: list[Metric] = [
        up,
        started,
        InfoMetricFamily(
            "kiosk_content_pack",
            "The leaflets shown: the pack's name, the default language and its sha256",
            {"name": facts.pack, "language": facts.language, "checksum": facts.checksum},
        ),
    ]
    speech = GaugeMetricFamily(
        "kiosk_speech_state",
        "Reading aloud: 1 for its state now (given_up: the natural voice failed, eSpeak NG "
        "reads instead), by the engine that reads",
        labels=["engine", "state"],
    )
    for state in SPEECH_STATES:
        speech.add_metric([facts.speech_engine, state], 1 if state == facts.speech_state else 0)
    families.append(speech)
    families += _printer_families(printer)
    outcome = GaugeMetricFamily(
        "kiosk_last_print_outcome",
        "How the last handout ended: 1 for ok, saved (as a PDF, no printer), failed; none yet",
        labels=["outcome"],
    )
    for name in PRINT_OUTCOMES:
        outcome.add_metric([name], 1 if name == facts.last_print else 0)
    families.append(outcome)
    for name, documentation, value in (
        ("kiosk_visits", "Visits begun since the kiosk started", facts.visits),
        ("kiosk_prints", "Handouts asked for since the kiosk started", facts.prints),
        ("kiosk_failed_prints", "Handouts that did not print since start", facts.failed_prints),
        (
            "kiosk_refused_files",
            "Dropped configuration or leaflet files not taken up since start",
            facts.refused_files,
        ),
    ):
        families.append(CounterMetricFamily(name, documentation, value=value))
    pending = GaugeMetricFamily(
        "kiosk_refused_file_pending",
        "1 while a dropped file was refused and the kiosk runs on the files it had",
    )
    pending.add_metric([], 1 if facts.refused_pending else 0)
    families.append(pending)
    return families


def _printer_families(printer: cups.PrinterHealth | None) -> Iterator[Metric]:
    if printer is None:
        return
    from prometheus_client.metrics_core import GaugeMetricFamily  # noqa: PLC0415 - see above

    queue = printer.printer or ""
    state = GaugeMetricFamily(
        "kiosk_printer_state",
        "The printer as CUPS says now: 1 for its state (missing: no such queue; unreachable: "
        "CUPS does not answer; none: no printer, handouts are saved as PDF files)",
        labels=["printer", "state"],
    )
    for name in PRINTER_STATES:
        state.add_metric([queue, name], 1 if name == printer.state else 0)
    yield state
    reasons = GaugeMetricFamily(
        "kiosk_printer_state_reason",
        "1 for each printer-state-reason CUPS reports, without its -error/-warning/-report",
        labels=["printer", "reason"],
    )
    reported = {_reason(reason) for reason in printer.reasons}
    for reason in sorted(reported | set(WATCHED_REASONS)):
        reasons.add_metric([queue, reason], 1 if reason in reported else 0)
    yield reasons
    levels = GaugeMetricFamily(
        "kiosk_printer_marker_level_percent",
        "Supplies (toner, ink, paper) as the printer reports them to CUPS, in percent",
        labels=["printer", "marker", "type"],
    )
    for marker in printer.markers:
        if marker.level_percent >= 0:  # -1 not available, -2 unknown, -3 "some left"
            levels.add_metric([queue, marker.name, marker.kind], marker.level_percent)
    yield levels


def _reason(reason: str) -> str:
    for severity in _SEVERITIES:
        if reason.endswith(severity):
            return reason.removesuffix(severity)
    return reason


class _Snapshot:
    """A prometheus_client collector of one set of facts: a registry of the kiosk's own, with
    none of the default process or platform collectors."""

    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterable[Metric]:
        return self._families


def write_metrics(folder: Path, facts: HealthFacts, printer: cups.PrinterHealth | None) -> Path:
    """Write ``folder``/clinic_kiosk.prom atomically; raises OSError if it cannot be written."""
    from prometheus_client import CollectorRegistry, write_to_textfile  # noqa: PLC0415 - above

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(metric_families(facts, printer)))
    path = folder / METRICS_FILE
    write_to_textfile(str(path), registry)
    return path


class _HealthWorker(QObject):
    """Asks CUPS about the printer and writes the file, off the GUI thread: either can block
    (CUPS up to cups.QUERY_TIMEOUT_S per tool run, a hung network folder longer).

    Signals:
        written(bool): whether the file was written.
    """

    written = Signal(bool)  # ok

    def __init__(self, folder: Path, printer: str | None) -> None:
        super().__init__()
        self.folder = folder
        self.printer_name = printer
        self.lock = threading.Lock()  # one write at a time: this thread's, or the last one's
        self._printer: cups.PrinterHealth | None = None
        self._failing = False  # said once in the log, not every 30 s

    @Slot(object, bool)
    def write(self, facts: object, ask_printer: bool) -> None:
        assert isinstance(facts, HealthFacts)
        if ask_printer and cups.AVAILABLE:
            self._printer = cups.printer_health(self.printer_name)
        with self.lock:
            self.written.emit(self.write_now(facts))

    def write_now(self, facts: HealthFacts) -> bool:
        """Write the file with the printer as last asked; logs once while it cannot."""
        try:
            write_metrics(self.folder, facts, self._printer)
        except OSError as error:
            if not self._failing:
                log.warning(
                    "the health metrics cannot be written to %s (%s): let the kiosk's user "
                    "write into that folder, or set metrics_folder to node_exporter's textfile "
                    'folder (or "" for none). The kiosk runs on and tries again every %.0f s',
                    self.folder / METRICS_FILE,
                    error.strerror or error,
                    WRITE_EVERY_S,
                )
                self._failing = True
            return False
        if self._failing:
            log.info("the health metrics are written to %s again", self.folder / METRICS_FILE)
            self._failing = False
        return True


class Health(QObject):
    """The kiosk's health metrics, kept on the GUI thread and written by a worker thread every
    ``every_s`` and at every change. Nothing here waits: a touch is never delayed by CUPS or
    the disk.

    Follows each kiosk the runner builds (``follow``); the counts last as long as the process.

    Signals:
        written(bool): the file was written (True) or could not be (False).
    """

    written = Signal(bool)  # ok

    _write_requested = Signal(object, bool)  # HealthFacts, ask CUPS about the printer

    def __init__(
        self,
        config: Config,
        refused: Callable[[], bool] = lambda: False,
        every_s: float = WRITE_EVERY_S,
    ) -> None:
        """``refused`` says whether the kiosk runs on old files because dropped ones were
        refused (``StaffSupport.refused``)."""
        super().__init__()
        self._refused = refused
        assert config.metrics_folder is not None
        self._config = config
        self._kiosk: Kiosk | None = None
        self._facts = HealthFacts(
            up=False,
            started_s=time.time(),
            pack=shown_packs(config),
            language=config.language,
            checksum=packs_checksum(config),
            speech_engine="none",
            speech_state="down",
            last_print="none",
            visits=0,
            prints=0,
            failed_prints=0,
            refused_files=0,
            refused_pending=False,
        )
        self._print_state = PrintState.IDLE
        self._stopped = False
        self._thread = QThread(self)
        self._thread.setObjectName("health")
        self._worker = _HealthWorker(config.metrics_folder, config.printer or None)
        self._worker.moveToThread(self._thread)
        self._write_requested.connect(self._worker.write)
        self._worker.written.connect(self.written)
        self._timer = QTimer(self)
        self._timer.setInterval(round(every_s * 1000))
        self._timer.timeout.connect(lambda: self.write(ask_printer=True))
        self._thread.start()
        self._timer.start()

    @property
    def folder(self) -> Path:
        return self._worker.folder

    def follow(self, kiosk: Kiosk | None, config: Config) -> None:
        """The kiosk running now (None: the out-of-order screen shows), built from ``config``
        (its leaflets are read again for their checksum: they may have changed in place; the
        shipped pack's 29 kB take 0.06 ms)."""
        self._kiosk = kiosk
        self._config = config
        self._facts = replace(
            self._facts,
            pack=shown_packs(config),
            language=config.language,
            checksum=packs_checksum(config),
        )
        self._worker.printer_name = config.printer or None  # read on the worker's next ask
        self._print_state = PrintState.IDLE
        if kiosk is not None:
            kiosk.visit.began.connect(self._on_visit_began)
            kiosk.printing.state_changed.connect(self._on_print_state_changed)
            if kiosk.narrator is not None:
                kiosk.narrator.state_changed.connect(self._on_speech_changed)
                kiosk.narrator.voice_changed.connect(self._on_speech_changed)
        self.write(ask_printer=True)

    def file_refused(self) -> None:
        """A dropped configuration or leaflet file was not taken up."""
        self._facts = replace(self._facts, refused_files=self._facts.refused_files + 1)
        self.write()

    def write(self, ask_printer: bool = False) -> None:
        """Have the worker write the file now, asking CUPS about the printer first if
        ``ask_printer``; returns at once."""
        if not self._stopped:
            self._write_requested.emit(self._now(), ask_printer)

    def stop(self) -> None:
        """The kiosk is stopping: the file says it is down, unless a write under way keeps the
        worker past STOP_WAIT_MS (a hung CUPS): then the file's age tells."""
        if self._stopped:
            return
        self._stopped = True
        self._timer.stop()
        self._thread.quit()
        finished = self._thread.wait(STOP_WAIT_MS)
        if finished and self._worker.lock.acquire(timeout=0):
            try:
                self._worker.write_now(replace(self._now(), up=False))
            finally:
                self._worker.lock.release()
        elif not finished:
            # Waited for all the same, as the print thread is: a QThread destroyed while it
            # runs aborts the process. CUPS's tools give up after QUERY_TIMEOUT_S each.
            log.warning("the health metrics writer did not stop in time: CUPS is slow to answer")
            self._thread.wait()

    def _now(self) -> HealthFacts:
        kiosk = self._kiosk
        engine, state = "none", "down"
        if kiosk is not None and kiosk.narrator is not None:
            narrator = kiosk.narrator
            engine = narrator.engine or "none"
            if narrator.state is not NarrationState.UNAVAILABLE:
                state = "given_up" if narrator.voice_note else "up"
        return replace(
            self._facts,
            up=kiosk is not None,
            speech_engine=engine,
            speech_state=state,
            refused_pending=self._refused(),
        )

    def _on_visit_began(self) -> None:
        self._facts = replace(self._facts, visits=self._facts.visits + 1)
        self.write()

    def _on_print_state_changed(self, state: PrintState, _message: str) -> None:
        # restate() tells the same state again after a switch of language: an outcome counts
        # only once, as the job that was printing ends.
        ended = self._print_state is PrintState.PRINTING and state is not PrintState.PRINTING
        self._print_state = state
        if not ended or state is PrintState.IDLE:  # IDLE: withdrawn as the visit ended
            return
        outcome = {PrintState.PRINTED: "ok", PrintState.SAVED: "saved"}.get(state, "failed")
        self._facts = replace(
            self._facts,
            last_print=outcome,
            prints=self._facts.prints + 1,
            failed_prints=self._facts.failed_prints + (outcome == "failed"),
        )
        self.write(ask_printer=True)  # what the printer says after the job

    def _on_speech_changed(self) -> None:
        self.write()
