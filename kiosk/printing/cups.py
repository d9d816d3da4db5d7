"""Sending a PDF to CUPS and following the job to its end, through CUPS's own tools."""

from __future__ import annotations

import os
import plistlib
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

# The only job title the kiosk sends: CUPS shows it to anyone who lists the queue, so it never
# carries the patient's name or questions.
JOB_TITLE = "Questions for your doctor"
# CUPS is there on Linux and macOS; Windows prints through QPrinter (kiosk/printing/native.py).
AVAILABLE = sys.platform != "win32"

# How long one command may take before CUPS counts as not answering. lp uploads the whole
# PDF, so it gets longer than a query.
QUERY_TIMEOUT_S = 5.0
SUBMIT_TIMEOUT_S = 15.0
# Polling starts fast because a small job completes in about 0.1 s, then backs off so a job
# that waits for paper does not cost a process start every 20 ms.
FIRST_POLL_INTERVAL_S = 0.02
MAX_POLL_INTERVAL_S = 0.25
# After cancelling, how long to wait for CUPS to report the job as cancelled; shorter when
# the kiosk itself is stopping, which systemd allows 10 s and the kiosk promises in 3 s.
CANCEL_CONFIRM_S = 3.0
STOPPING_CANCEL_CONFIRM_S = 1.0

# RFC 8011 job-state and printer-state values.
JOB_PENDING = 3
JOB_HELD = 4
JOB_PROCESSING = 5
JOB_STOPPED = 6
JOB_CANCELED = 7
JOB_ABORTED = 8
JOB_COMPLETED = 9
PRINTER_STOPPED = 5
_JOB_STATE_NAMES = {
    JOB_PENDING: "pending",
    JOB_HELD: "pending-held",
    JOB_PROCESSING: "processing",
    JOB_STOPPED: "processing-stopped",
    JOB_CANCELED: "canceled",
    JOB_ABORTED: "aborted",
    JOB_COMPLETED: "completed",
}
_PRINTER_STATE_NAMES = {3: "idle", 4: "processing", PRINTER_STOPPED: "stopped"}

# Where a local CUPS listens when nothing names a server (what cupsServer() falls back to).
_DEFAULT_SOCKETS = (Path("/run/cups/cups.sock"), Path("/var/run/cups/cups.sock"))
_CLIENT_CONFS = (Path.home() / ".cups" / "client.conf", Path("/etc/cups/client.conf"))

_REQUEST_ID = re.compile(r"request id is (?P<id>\S+-\d+)")
_SYSTEM_DEFAULT = re.compile(r"system default destination: (?P<name>\S+)")
# A PWG self-describing media name ends in its size: iso_a4_210x297mm, na_letter_8.5x11in.
_PWG_SIZE = re.compile(r"(?P<w>\d+(?:\.\d+)?)x(?P<h>\d+(?:\.\d+)?)(?P<unit>mm|in)$")

# ipptool test files, fed through /dev/stdin so nothing is written to disk. Only the attributes
# read below are requested, which keeps each answer small. They ask in English
# (attributes-natural-language en), as every tool runs in the C locale (``_run``): what CUPS
# says goes into the staff's log line alone, never to a patient, whose messages are the kiosk's
# own in the visit's language (PrintService.messages). Nor does a job carry the handout's
# language (lp -o document-natural-language=es): no filter or printer uses it for a PDF that is
# already laid out, and CUPS shows it to anyone who asks about the job, though it hides the
# job-name from all but the job's owner (measured): it would tell whoever lists the queue which
# language the patient reads.
_PRINTER_TEST = """{{
  NAME "printer"
  OPERATION Get-Printer-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR keyword requested-attributes {attributes}
}}
""".format(
    attributes=",".join(
        (
            "printer-state",
            "printer-state-reasons",
            "printer-state-message",
            "printer-is-accepting-jobs",
            "media-default",
            "media-col-default",
            # What a printer says of its supplies (toner, ink, paper), as its backend reports
            # them to CUPS: one value of each for every supply, in the same order.
            "marker-names",
            "marker-types",
            "marker-levels",
        )
    )
)
_JOB_TEST = """{{
  NAME "job"
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR name requesting-user-name $user
  ATTR integer job-id $job_number
  ATTR keyword requested-attributes {attributes}
}}
""".format(
    attributes=",".join(
        (
            "job-state",
            "job-state-reasons",
            "job-state-message",
            "job-printer-state-message",
            "job-preserved",
            "job-name",
        )
    )
)


class PrintFault(Enum):
    """Why a handout did not print."""

    NO_PRINTER = "no printer"  # none configured and CUPS has no default
    PRINTER_MISSING = "printer missing"  # the named queue does not exist
    QUEUE_PAUSED = "queue paused"  # disabled (cupsdisable): jobs would sit pending
    NOT_ACCEPTING = "not accepting"  # rejecting jobs (cupsreject)
    JOB_STOPPED = "job stopped"  # CUPS stopped or held the job; cancelled at the time limit
    JOB_ABORTED = "job aborted"  # aborted by CUPS, or cancelled by someone else
    SERVER_DOWN = "server down"  # cupsd not running or not answering
    TIMED_OUT = "timed out"  # still pending or printing at the time limit; cancelled
    WITHDRAWN = "withdrawn"  # the kiosk cancelled it: the visit ended, or the kiosk stopped
    FAILED = "failed"  # anything else


@dataclass(frozen=True)
class PrintOutcome:
    """How one submitted job ended.

    ``staff_message`` is one line for the log: the printer, the job and what CUPS said about
    them. It never holds anything from the document.
    """

    job_id: str | None  # CUPS's request id, "QUEUE-N"; None if CUPS never took the job
    fault: PrintFault | None  # None: the job completed
    staff_message: str
    accepted_after_s: float | None  # from the call to CUPS giving the request id
    completed_after_s: float | None  # from the call to CUPS reporting the job completed
    # Whether CUPS confirmed the job is over (completed, cancelled, aborted), so that it can
    # never print later; False when CUPS could not be reached to cancel it.
    ended: bool = True
    # CUPS kept the document after printing (PreserveJobFiles), where a restart prints it again.
    file_kept: bool = False


class PrinterCheck(NamedTuple):
    """A printer's fitness for a job, found before the handout is rendered."""

    fault: PrintFault | None  # None: the printer takes and processes jobs
    staff_message: str
    printer: str | None  # the queue checked: the one named, or CUPS's default; None if neither


class Marker(NamedTuple):
    """One supply of a printer (toner, ink, paper) as it reports it to CUPS."""

    name: str  # marker-names: "Black Toner"
    kind: str  # marker-types: "toner", "ink", "paper"...
    level_percent: int  # marker-levels: 0 to 100; -1 not available, -2 unknown, -3 some left


class PrinterHealth(NamedTuple):
    """What CUPS says of the kiosk's printer now, for the health metrics (kiosk/health.py)."""

    printer: str | None  # the queue asked about; None: none named and CUPS has no default
    state: str  # idle, processing, stopped; or missing, unreachable, none (see printer_health)
    reasons: tuple[str, ...]  # printer-state-reasons as CUPS gives them: "media-empty-error"
    accepting: bool  # printer-is-accepting-jobs
    markers: tuple[Marker, ...]
    staff_message: str


@dataclass(frozen=True)
class _PrinterStatus:
    state: int
    reasons: tuple[str, ...]
    message: str
    accepting: bool
    media_width_mm: float | None
    markers: tuple[Marker, ...] = ()

    def describe(self) -> str:
        state = _PRINTER_STATE_NAMES.get(self.state, str(self.state))
        return (
            f"printer-state {state}, printer-state-reasons {','.join(self.reasons) or 'none'}, "
            f"printer-is-accepting-jobs {str(self.accepting).lower()}, "
            f"printer-state-message {self.message!r}"
        )


@dataclass(frozen=True)
class _JobStatus:
    state: int
    reasons: tuple[str, ...]
    message: str  # job-state-message, or the printer's message while it ran the job
    preserved: bool = False  # job-preserved: CUPS keeps the document after the job
    name: str = ""  # job-name, which CUPS shows only to the job's owner

    @property
    def state_name(self) -> str:
        return _JOB_STATE_NAMES.get(self.state, str(self.state))

    def describe(self) -> str:
        said = f"CUPS said {self.message!r}" if self.message else "CUPS gave no message"
        return (
            f"job-state {self.state_name}, "
            f"job-state-reasons {','.join(self.reasons) or 'none'}, {said}"
        )


class _UnavailableError(Exception):
    """CUPS could not be asked: its server does not answer, or a tool is missing."""

    def __init__(self, fault: PrintFault, message: str) -> None:
        super().__init__(message)
        self.fault = fault
        self.message = message


class _NoDefaultError(Exception):
    """No printer was named and CUPS has no default printer."""


def cups_server() -> str:
    """The CUPS server the command-line tools talk to: a socket path or ``host[:port]``.

    The same order as libcups's cupsServer(), so the kiosk's own queries reach the server that
    ``lp`` and ``lpstat`` use.
    """
    named = os.environ.get("CUPS_SERVER", "").strip()
    if named:
        return named
    for conf in _CLIENT_CONFS:
        try:
            lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            key, _, value = line.strip().partition(" ")
            if key.lower() == "servername" and value.strip():
                return value.strip()
    for socket in _DEFAULT_SOCKETS:
        if socket.exists():
            return str(socket)
    return "localhost"


class KeptFiles(NamedTuple):
    """Whether the local CUPS keeps each job's document after printing (PreserveJobFiles)."""

    kept: bool | None  # None: not known (a remote server, or its cupsd.conf cannot be read)
    setting: str  # the value in cupsd.conf, or what CUPS uses when it is not set
    conf: Path | None  # the cupsd.conf read


def preserved_job_files() -> KeptFiles:
    """What the local CUPS does with a job's document once printed: CUPS's default keeps it a
    day (PreserveJobFiles 86400), where ``lp -i JOB -H restart`` prints it again.

    Read from the cupsd.conf in CUPS_SERVERROOT (as CUPS's own tools find it, /etc/cups by
    default), and only for a server on this machine.
    """
    server = cups_server()
    if not (server.startswith("/") or server.partition(":")[0] in ("localhost", "127.0.0.1")):
        return KeptFiles(None, "", None)
    conf = Path(os.environ.get("CUPS_SERVERROOT") or "/etc/cups") / "cupsd.conf"
    try:
        lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return KeptFiles(None, "", conf)
    setting = "86400 (the default: one day)"
    for line in lines:
        key, _, value = line.strip().partition(" ")
        if key.lower() == "preservejobfiles" and value.strip():
            setting = value.strip()
    kept = setting.lower() not in ("no", "off", "false", "0")
    return KeptFiles(kept, setting, conf)


def default_printer() -> str | None:
    """CUPS's default printer (``lpstat -d``, so ``LPDEST`` and ``PRINTER`` count), or None.

    None too when the server is down or the default names a queue that does not exist.
    """
    try:
        return _query_default()[0]
    except _UnavailableError:
        return None


def printer_exists(name: str) -> bool:
    """Whether CUPS has a queue called ``name``; False when the server cannot be asked."""
    try:
        return _printer_status(name) is not None
    except _UnavailableError:
        return False


def check_printer(name: str | None) -> PrinterCheck:
    """Whether ``name`` (or, for None, CUPS's default printer) would print a job now.

    Quick (one to three tool runs, 5 to 10 ms on a local CUPS): call it before rendering, so a
    patient hears at once that printing is off instead of after the handout is made.
    """
    try:
        printer = name or _resolve_default()
        status = _printer_status(printer)
    except _UnavailableError as error:
        return PrinterCheck(error.fault, error.message, name)
    except _NoDefaultError as error:
        return PrinterCheck(PrintFault.NO_PRINTER, str(error), None)
    return _judge(printer, status)


def printer_health(name: str | None) -> PrinterHealth:
    """The state of ``name`` (None: CUPS's default printer), its printer-state-reasons and its
    supplies, straight from CUPS. ``state`` is printer-state (idle, processing, stopped), or
    "missing" (no such queue), "unreachable" (CUPS does not answer) or "none" (none named and
    no default: handouts are saved as PDF files).

    Blocks like ``check_printer`` (5 to 10 ms on a local CUPS, up to QUERY_TIMEOUT_S per tool
    run when CUPS hangs): ask it off the GUI thread.
    """
    try:
        printer = name or _resolve_default()
        status = _printer_status(printer)
    except _UnavailableError as error:  # down, hung, a tool missing, or no readable answer
        return PrinterHealth(name, "unreachable", (), False, (), error.message)
    except _NoDefaultError as error:
        return PrinterHealth(None, "none", (), False, (), str(error))
    if status is None:
        return PrinterHealth(printer, "missing", (), False, (), _judge(printer, None).staff_message)
    return PrinterHealth(
        printer,
        _PRINTER_STATE_NAMES.get(status.state, str(status.state)),
        status.reasons,
        status.accepting,
        status.markers,
        _judge(printer, status).staff_message,
    )


def printer_media_width_mm(name: str) -> float | None:
    """The width of the paper ``name`` prints on by default, in mm; None if CUPS cannot say.

    From the queue's media-col-default (what its PPD's DefaultPageSize becomes): 215.9 for US
    Letter, 209.9 for A4 from a PPD (whose sizes are in whole points), 80.0 for an 80 mm roll.
    """
    try:
        status = _printer_status(name)
    except _UnavailableError:
        return None
    return None if status is None else status.media_width_mm


def submit(
    pdf: Path,
    printer: str | None,
    title: str,
    *,
    timeout_s: float = 30.0,
    on_accepted: Callable[[str], None] | None = None,
    withdraw: threading.Event | None = None,
) -> PrintOutcome:
    """Prints ``pdf`` on ``printer`` (None: CUPS's default) and waits for the job to end.

    Blocks for up to ``timeout_s`` (plus a few seconds when CUPS is slow to answer): run it off
    the GUI thread. ``title`` is the job's name in every queue listing: pass ``JOB_TITLE`` or its
    translation, never the patient's questions. ``on_accepted`` is called with the request id
    ("QUEUE-N") on this thread as soon as CUPS has taken the job; if it raises, the job is
    cancelled and the exception passes on. Once it has been called, CUPS holds its own copy of
    the document and ``pdf`` may be deleted.

    A job still pending, held, stopped or printing at the time limit is cancelled, so nothing
    prints after the patient has been told it did not. A paused queue is not refused up front
    (``check_printer`` is the pre-check): staff who resume it within the limit still get the job.
    Setting ``withdraw`` (from any thread) cancels the job at once (PrintFault.WITHDRAWN). A job
    that could not be cancelled, because CUPS stopped answering, comes back with ``ended``
    False: the caller keeps its id and cancels it when CUPS answers again (``cancel_job``).
    """
    started_s = time.monotonic()
    try:
        target = printer or _resolve_default()
    except _UnavailableError as error:
        return PrintOutcome(None, error.fault, error.message, None, None)
    except _NoDefaultError as error:
        return PrintOutcome(None, PrintFault.NO_PRINTER, str(error), None, None)
    try:
        ran = _run(
            ["lp", "-d", target, "-t", title, str(pdf.resolve())],
            SUBMIT_TIMEOUT_S,
            package="cups-client",
        )
    except _UnavailableError as error:
        message = f"printer {target!r}: {error.message}"
        return PrintOutcome(None, error.fault, message, None, None)
    accepted_after_s = time.monotonic() - started_s
    found = _REQUEST_ID.search(ran.stdout)
    if ran.returncode != 0 or found is None:
        fault, message = _explain_refusal(target, ran)
        return PrintOutcome(None, fault, message, None, None)
    job_id = found["id"]
    if on_accepted is not None:
        try:
            on_accepted(job_id)
        except BaseException:
            # Nobody would follow the job any more; it must not print unannounced later.
            _cancel(target, job_id, int(job_id.rpartition("-")[2]))
            raise
    return _follow(
        target,
        job_id,
        started_s,
        started_s + timeout_s,
        accepted_after_s=accepted_after_s,
        withdraw=withdraw,
    )


def _follow(
    printer: str,
    job_id: str,
    started_s: float,
    deadline_s: float,
    *,
    accepted_after_s: float,
    withdraw: threading.Event | None,
) -> PrintOutcome:
    """Polls the job until it ends, ``deadline_s`` passes or ``withdraw`` is set, then
    cancels what is left."""
    number = int(job_id.rpartition("-")[2])
    interval_s = FIRST_POLL_INTERVAL_S
    status: _JobStatus | None = None
    unreachable: _UnavailableError | None = None
    while True:
        try:
            status = _job_status(printer, number)
            unreachable = None
        except _UnavailableError as error:
            # A restarting cupsd keeps its jobs; keep asking until the time limit.
            unreachable = error
        now_s = time.monotonic()
        if unreachable is None:
            if status is None:
                return PrintOutcome(
                    job_id,
                    PrintFault.FAILED,
                    f"job {job_id} on printer {printer!r} vanished from CUPS before it ended "
                    "(is PreserveJobHistory off in cupsd.conf?)",
                    accepted_after_s,
                    None,
                )
            if status.state == JOB_COMPLETED:
                elapsed_s = now_s - started_s
                return PrintOutcome(
                    job_id,
                    None,
                    f"job {job_id} on printer {printer!r} completed after {elapsed_s:.2f} s "
                    f"({status.describe()})",
                    accepted_after_s,
                    elapsed_s,
                    file_kept=status.preserved,
                )
            if status.state in (JOB_CANCELED, JOB_ABORTED):
                by_whom = "by CUPS" if status.state == JOB_ABORTED else "outside the kiosk"
                return PrintOutcome(
                    job_id,
                    PrintFault.JOB_ABORTED,
                    f"job {job_id} on printer {printer!r} was {status.state_name} {by_whom} "
                    f"({status.describe()})",
                    accepted_after_s,
                    None,
                )
        if now_s >= deadline_s:
            break
        pause_s = min(interval_s, max(0.0, deadline_s - now_s))
        if withdraw is None:
            time.sleep(pause_s)
        elif withdraw.wait(pause_s):
            break
        interval_s = min(interval_s * 1.5, MAX_POLL_INTERVAL_S)
    waited_s = time.monotonic() - started_s
    withdrawn = withdraw is not None and withdraw.is_set()
    confirm_s = STOPPING_CANCEL_CONFIRM_S if withdrawn else CANCEL_CONFIRM_S
    if unreachable is not None or status is None:
        said = unreachable.message if unreachable is not None else "it was never reached"
        ended = cancel_job(job_id, confirm_s) is not JobEnd.UNREACHABLE
        return PrintOutcome(
            job_id,
            PrintFault.WITHDRAWN if withdrawn else PrintFault.SERVER_DOWN,
            f"job {job_id} on printer {printer!r}: CUPS stopped answering and was still down "
            f"after {waited_s:.1f} s ({said}); "
            + ("cancelled" if ended else "it could not be cancelled yet: it is, when CUPS answers"),
            accepted_after_s,
            None,
            ended=ended,
        )
    end, cancelled = _cancel(printer, job_id, number, confirm_s)
    fault, why = (
        (PrintFault.WITHDRAWN, "was withdrawn by the kiosk")
        if withdrawn
        else _explain_deadline(printer, status)
    )
    return PrintOutcome(
        job_id,
        fault,
        f"job {job_id} on printer {printer!r} {why} after {waited_s:.1f} s "
        f"({status.describe()}); {cancelled}",
        accepted_after_s,
        None,
        ended=end is not JobEnd.UNREACHABLE,
    )


def _explain_deadline(printer: str, job: _JobStatus) -> tuple[PrintFault, str]:
    """The fault for a job that had not ended at the time limit, and what it was doing."""
    if job.state in (JOB_STOPPED, JOB_HELD):
        return PrintFault.JOB_STOPPED, "was {} by CUPS".format(
            "stopped" if job.state == JOB_STOPPED else "held"
        )
    if job.state == JOB_PENDING:
        try:
            queue = _printer_status(printer)
        except _UnavailableError:
            queue = None
        if queue is not None and queue.state == PRINTER_STOPPED:
            return PrintFault.QUEUE_PAUSED, f"waited in a paused queue ({queue.describe()})"
    return PrintFault.TIMED_OUT, f"was still {job.state_name}"


class JobEnd(Enum):
    """What became of a job the kiosk cancelled."""

    ENDED = "ended"  # it had already completed, been cancelled or aborted, or CUPS forgot it
    CANCELLED = "cancelled"  # cancelled now, and CUPS confirmed it
    UNREACHABLE = "unreachable"  # CUPS did not answer, or did not confirm: it may still print


def cancel_job(job_id: str, confirm_s: float = CANCEL_CONFIRM_S) -> JobEnd:
    """Cancels job ``job_id`` ("QUEUE-N") unless it has already ended; quick when CUPS is down.

    For the kiosk's own jobs: one it gave up on while CUPS was not answering, and those an
    earlier run left behind. A job whose number CUPS has since given to a job of another name
    (its job history was wiped) is left alone.
    """
    printer, _, number_text = job_id.rpartition("-")
    if not printer or not number_text.isdigit():
        return JobEnd.ENDED  # not a job id at all: there is nothing to cancel
    number = int(number_text)
    try:
        status = _job_status(printer, number)
    except _UnavailableError:
        return JobEnd.UNREACHABLE
    if status is None or status.state >= JOB_CANCELED or status.name not in ("", JOB_TITLE):
        return JobEnd.ENDED
    return _cancel(printer, job_id, number, confirm_s)[0]


def _cancel(
    printer: str, job_id: str, number: int, confirm_s: float = CANCEL_CONFIRM_S
) -> tuple[JobEnd, str]:
    """Cancels the job; what became of it, and what CUPS said, for the staff message."""
    try:
        ran = _run(["cancel", job_id], QUERY_TIMEOUT_S, package="cups-client")
    except _UnavailableError as error:
        return JobEnd.UNREACHABLE, f"cancelling it failed: {error.message}"
    if ran.returncode != 0:
        said = _one_line(ran.stderr or ran.stdout)
        if "already" in said:  # "Job #3 is already completed - can't cancel."
            return JobEnd.ENDED, f"it had already ended ({said})"
        return JobEnd.UNREACHABLE, f"cancelling it failed: {said}"
    deadline_s = time.monotonic() + confirm_s
    while True:
        try:
            status = _job_status(printer, number)
        except _UnavailableError as error:
            return JobEnd.UNREACHABLE, f"cancel was sent but not confirmed: {error.message}"
        if status is None or status.state >= JOB_CANCELED:
            return JobEnd.CANCELLED, f"cancelled (now {status.state_name if status else 'gone'})"
        if time.monotonic() >= deadline_s:
            return (
                JobEnd.UNREACHABLE,
                f"cancel was sent but the job is still {status.state_name}",
            )
        time.sleep(FIRST_POLL_INTERVAL_S)


def _explain_refusal(printer: str, ran: subprocess.CompletedProcess[str]) -> tuple[PrintFault, str]:
    """Why ``lp`` took no job: lp says "does not exist" for a missing queue and a stopped
    server alike, so the queue itself is asked."""
    said = _one_line(ran.stderr or ran.stdout) or f"exit status {ran.returncode}"
    try:
        status = _printer_status(printer)
    except _UnavailableError as error:
        return error.fault, f"lp refused the job ({said}); {error.message}"
    judged = _judge(printer, status)
    if judged.fault is not None:
        return judged.fault, f"{judged.staff_message}; lp said {said!r}"
    return PrintFault.FAILED, f"lp refused the job for printer {printer!r}: {said!r}"


def _judge(printer: str, status: _PrinterStatus | None) -> PrinterCheck:
    """Whether a queue in ``status`` (None: it does not exist) would print a job."""
    if status is None:
        return PrinterCheck(
            PrintFault.PRINTER_MISSING,
            f"printer {printer!r} does not exist on the CUPS server at {cups_server()} "
            "(lpstat -p lists the queues)",
            printer,
        )
    if not status.accepting:
        return PrinterCheck(
            PrintFault.NOT_ACCEPTING,
            f"printer {printer!r} is rejecting jobs ({status.describe()}); "
            f"cupsaccept {printer} lets it take jobs again",
            printer,
        )
    if status.state == PRINTER_STOPPED:
        return PrinterCheck(
            PrintFault.QUEUE_PAUSED,
            f"printer {printer!r} is paused and jobs would wait ({status.describe()}); "
            f"cupsenable {printer} resumes it",
            printer,
        )
    return PrinterCheck(None, f"printer {printer!r} is ready ({status.describe()})", printer)


def _resolve_default() -> str:
    """CUPS's default printer; raises _NoDefaultError, or _UnavailableError if CUPS is down."""
    name, said = _query_default()
    if name is not None:
        return name
    # lpstat -d says "no system default destination" when the server is down as well.
    running = _run(["lpstat", "-r"], QUERY_TIMEOUT_S, package="cups-client")
    if "not running" in running.stdout or running.returncode != 0:
        raise _UnavailableError(
            PrintFault.SERVER_DOWN,
            f"no printer named, and the default printer cannot be looked up: the CUPS server "
            f"at {cups_server()} is not running "
            f"(lpstat -r: {_one_line(running.stdout + running.stderr)!r})",
        )
    raise _NoDefaultError(
        f"no printer configured and CUPS at {cups_server()} has no default printer "
        f"(lpstat -d: {said!r}); set one with lpadmin -d QUEUE or name it in the kiosk settings"
    )


def _query_default() -> tuple[str | None, str]:
    """The default printer ``lpstat -d`` names (or None) and what it said, on one line."""
    ran = _run(["lpstat", "-d"], QUERY_TIMEOUT_S, package="cups-client")
    said = _one_line(ran.stdout + " " + ran.stderr)
    found = _SYSTEM_DEFAULT.search(ran.stdout)
    if found is None:
        return None, said
    # lp takes "queue/instance"; the queue is what IPP and the staff message name.
    return found["name"].partition("/")[0], said


def _printer_status(name: str) -> _PrinterStatus | None:
    """The queue's state, or None if it does not exist; raises _UnavailableError."""
    answer = _ipp(name, _PRINTER_TEST, {})
    if answer is None:
        return None
    return _PrinterStatus(
        state=_int(answer.get("printer-state")),
        reasons=_keywords(answer.get("printer-state-reasons")),
        message=_text(answer.get("printer-state-message")),
        accepting=answer.get("printer-is-accepting-jobs") is True,
        media_width_mm=_media_width_mm(answer),
        markers=_markers(answer),
    )


def _job_status(printer: str, number: int) -> _JobStatus | None:
    """The job's state, or None if CUPS does not know it; raises _UnavailableError."""
    answer = _ipp(printer, _JOB_TEST, {"job_number": str(number)})
    if answer is None:
        return None
    return _JobStatus(
        state=_int(answer.get("job-state")),
        reasons=_keywords(answer.get("job-state-reasons")),
        # CUPS leaves job-state-message empty and puts what the filters and backend said
        # into its own job-printer-state-message.
        message=_text(answer.get("job-state-message"))
        or _text(answer.get("job-printer-state-message")),
        preserved=answer.get("job-preserved") is True,
        name=_text(answer.get("job-name")),
    )


def _ipp(printer: str, test: str, variables: Mapping[str, str]) -> dict[str, object] | None:
    """Runs one ipptool request against ``printer``; its response attributes, or None when
    CUPS answers "not found". Raises _UnavailableError when the server does not answer."""
    uri = _printer_uri(printer)
    command = ["ipptool", "-X", "-T", str(int(QUERY_TIMEOUT_S))]
    for key, value in variables.items():
        command += ["-d", f"{key}={value}"]
    try:
        ran = _run([*command, uri, "/dev/stdin"], QUERY_TIMEOUT_S + 1, "cups-ipp-utils", test)
    except _UnavailableError as error:
        raise _UnavailableError(error.fault, f"printer {printer!r}: {error.message}") from error
    try:
        report = plistlib.loads(ran.stdout.encode("utf-8"))
    except (plistlib.InvalidFileException, ValueError, TypeError) as error:
        raise _UnavailableError(
            PrintFault.FAILED,
            f"ipptool gave no readable answer from {uri} ({error}; "
            f"{_one_line(ran.stderr) or 'no message'})",
        ) from error
    tests = report.get("Tests") or []
    if not tests:
        said = _one_line(str(report.get("ErrorMessage") or ran.stderr)) or "no message"
        if "connect" in said.lower():
            raise _UnavailableError(
                PrintFault.SERVER_DOWN,
                f"printer {printer!r} cannot be reached: the CUPS server at {cups_server()} "
                f"is down ({said})",
            )
        raise _UnavailableError(PrintFault.FAILED, f"ipptool could not ask {uri}: {said}")
    result = tests[0]
    code = str(result.get("StatusCode", ""))
    if code == "client-error-not-found":
        return None
    attributes: dict[str, object] = {}
    for group in result.get("ResponseAttributes") or []:
        attributes.update(group)
    if not code.startswith("successful-ok"):
        raise _UnavailableError(
            PrintFault.FAILED,
            f"CUPS answered {code or 'nothing'} for {uri}: "
            f"{_text(attributes.get('status-message')) or 'no message'}",
        )
    return attributes


def _printer_uri(printer: str) -> str:
    """The IPP address of a queue on ``cups_server()``; a unix socket becomes an escaped host
    name, which libcups (and so ipptool) accepts."""
    server = cups_server().partition("/version=")[0]
    if server.startswith("/"):
        host = quote(server, safe="")
    else:
        host = server
        port = os.environ.get("IPP_PORT", "").strip()
        if port.isdigit() and not re.search(r":\d+$", host):
            host = f"{host}:{port}"
    return f"ipp://{host}/printers/{quote(printer, safe='')}"


def _run(
    command: list[str], timeout_s: float, package: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs a CUPS tool in the C locale, so its messages are the English ones parsed here."""
    env = {**os.environ, "LC_ALL": "C"}
    try:
        return subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            errors="replace",
            env=env,
            timeout=timeout_s,
            check=False,
        )
    except FileNotFoundError as error:
        raise _UnavailableError(
            PrintFault.FAILED,
            f"{command[0]} is not installed (apt-get install {package})",
        ) from error
    except subprocess.TimeoutExpired as error:
        raise _UnavailableError(
            PrintFault.SERVER_DOWN,
            f"the CUPS server at {cups_server()} did not answer {command[0]} "
            f"within {timeout_s:.0f} s",
        ) from error


def _media_width_mm(attributes: Mapping[str, object]) -> float | None:
    collection = attributes.get("media-col-default")
    if isinstance(collection, dict):
        size = collection.get("media-size")
        if isinstance(size, dict):
            width = size.get("x-dimension")
            # IPP media sizes are in hundredths of a millimetre.
            if isinstance(width, int) and width > 0:
                return round(width / 100, 1)
    found = _PWG_SIZE.search(_text(attributes.get("media-default")))
    if found is None:
        return None
    width = float(found["w"]) * (25.4 if found["unit"] == "in" else 1.0)
    return round(width, 1)


def _markers(attributes: Mapping[str, object]) -> tuple[Marker, ...]:
    """The printer's supplies: marker-names, marker-types and marker-levels side by side."""
    names, kinds, levels = (
        _listed(attributes.get(key)) for key in ("marker-names", "marker-types", "marker-levels")
    )
    return tuple(
        Marker(str(name), str(kind), _int(level))
        for name, kind, level in zip(names, kinds, levels, strict=False)
    )


def _listed(value: object) -> list[object]:
    """An attribute of one or more values as a list: ipptool writes one value alone."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _keywords(value: object) -> tuple[str, ...]:
    """A keyword attribute as a tuple: ipptool writes one value as a string, several as an array."""
    if isinstance(value, list):
        return tuple(str(v) for v in value if str(v) != "none")
    if isinstance(value, str) and value and value != "none":
        return (value,)
    return ()


def _one_line(text: str) -> str:
    return " ".join(text.split())
