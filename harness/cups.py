"""A private CUPS server whose queues write files or fail on purpose, for tests and benchmarks."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# Unix socket paths are limited to 108 bytes (sun_path) including the terminating zero.
_MAX_SOCKET_PATH = 100
_READY_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 10.0
_COMMAND_TIMEOUT_S = 30.0
# What the helpers run: the scheduler, the admin tools, ipptool (the kiosk's queries) and
# pdftotext (to read a file queue's output back).
_COMMANDS = (
    "cupsd",
    "lpadmin",
    "lpstat",
    "lp",
    "cancel",
    "cupsenable",
    "cupsdisable",
    "cupsaccept",
    "cupsreject",
    "ipptool",
    "pdftotext",
)
_SYSTEM_CUPS = Path("/etc/cups")
_SYSTEM_SERVER_BIN = Path("/usr/lib/cups")
# The driver whose output is the job's PDF itself, so pdftotext reads the text back; the
# cups-pdf backend and PostScript queues gave no text back (Type 3 glyphs).
PDF_MODEL = "lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd"
_PDF_PPD = Path("/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd")

# The queues start_cups() makes; what each is for is in its add_* helper.
Q_PDF = "q_pdf"  # US Letter by default, like the PPD
Q_A4 = "q_a4"
Q_ROLL_80 = "q_roll80"
Q_ROLL_58 = "q_roll58"
Q_STUCK = "q_stuck"  # the device cannot be written: jobs stop
Q_HELD = "q_held"  # the backend fails: CUPS holds jobs
Q_ABORT = "q_abort"  # the backend fails and the error policy aborts jobs
Q_UNREACHABLE = "q_unreachable"  # a network printer that refuses connections
Q_SUPPLIES = "q_supplies"  # reports toner and paper levels; out of paper on demand

# The servers start_cups() started in this process and stop_cups() has not stopped yet.
_running: list[CupsServer] = []

_CUPSD_CONF = """\
LogLevel info
Listen {socket}
Browsing No
BrowseLocalProtocols none
WebInterface No
DefaultAuthType None
JobRetryInterval 5
PreserveJobHistory Yes
{preserve_job_files}
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
"""
# Printcap must be set, or cupsd writes the machine's /run/cups/printcap.
_CUPS_FILES_CONF = """\
ServerRoot {d}/etc
RequestRoot {d}/spool
CacheDir {d}/cache
StateDir {d}/state
TempDir {d}/spool/tmp
AccessLog {d}/log/access_log
ErrorLog {d}/log/error_log
PageLog {d}/log/page_log
Printcap {d}/state/printcap
ServerBin {d}/serverbin
FileDevice Yes
User lp
Group lp
SystemGroup root
"""

# A PDF printer on roll paper, like a receipt printer's PPD: one page size, the default.
# The filter line is the Generic PDF printer's: the job's PDF goes to the device as it is.
_ROLL_PPD = """\
*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "KROLL.PPD"
*Manufacturer: "Kiosk Tests"
*Product: "(Roll PDF Printer)"
*ModelName: "Kiosk Test {w:g} mm Roll PDF Printer"
*ShortNickName: "Kiosk Test {w:g} mm Roll"
*NickName: "Kiosk Test {w:g} mm Roll PDF Printer"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: False
*DefaultColorSpace: Gray
*FileSystem: False
*cupsVersion: 2.4
*cupsManualCopies: True
*cupsFilter: "application/vnd.cups-pdf 0 -"
*OpenUI *PageSize/Media Size: PickOne
*OrderDependency: 10 AnySetup *PageSize
*DefaultPageSize: {size}
*PageSize {size}/{w:g} x {h:g} mm: "{setpagedevice}"
*CloseUI: *PageSize
*OpenUI *PageRegion/Media Size: PickOne
*OrderDependency: 10 AnySetup *PageRegion
*DefaultPageRegion: {size}
*PageRegion {size}/{w:g} x {h:g} mm: "{setpagedevice}"
*CloseUI: *PageRegion
*DefaultImageableArea: {size}
*ImageableArea {size}/{w:g} x {h:g} mm: "0 0 {w_pt:.2f} {h_pt:.2f}"
*DefaultPaperDimension: {size}
*PaperDimension {size}/{w:g} x {h:g} mm: "{w_pt:.2f} {h_pt:.2f}"
"""

_POINTS_PER_MM = 72 / 25.4

# The tests' own backend, in the private ServerBin: it writes each job's document to
# <folder>/<job number>.pdf, where the queue's device URI is kiosk-test:<folder>. A file: device
# cannot be used since Debian's CUPS 2.4.2-3+deb12u10 (a security update), which no longer
# creates the output file ("Stopping job because the scheduler could not open the output
# file"); and one file per job lets a test read back the very job it sent. Mode 0700 makes
# cupsd run it as root, so it can write into the server's folder. Exit status 1 is
# CUPS_BACKEND_FAILED. The document is written beside the final name and renamed, so a file
# with the final name is always a whole job.
BACKEND_SCHEME = "kiosk-test"
_BACKEND = """\
#!/bin/sh
if [ "$#" -eq 0 ]; then
  echo 'direct kiosk-test "Unknown" "Kiosk tests: one PDF file per job"'
  exit 0
fi
folder=${DEVICE_URI#kiosk-test:}
mkdir -p "$folder" || exit 1
part="$folder/.$1.part"
if [ "$#" -ge 6 ]; then cat -- "$6" >"$part" || exit 1; else cat >"$part" || exit 1; fi
mv -- "$part" "$folder/$1.pdf" || exit 1
"""


# A printer that tells CUPS its supplies, as a real printer's backend does (the backend
# protocol's ATTR: and STATE: lines on standard error, cupsd(8)/backend(7)): 15 % toner and
# paper, and the job printed as the kiosk-test backend does. With a file "paper-out" in its
# folder it says media-empty-error and exits 4 (CUPS_BACKEND_STOP): CUPS stops the queue and
# keeps the reason and levels until the printer says otherwise, as for a real printer.
SUPPLIES_SCHEME = "kiosk-test-supplies"
_SUPPLIES_BACKEND = """\
#!/bin/sh
if [ "$#" -eq 0 ]; then
  echo 'direct kiosk-test-supplies "Unknown" "Kiosk tests: a printer that reports supplies"'
  exit 0
fi
folder=${DEVICE_URI#kiosk-test-supplies:}
mkdir -p "$folder" || exit 1
echo 'ATTR: marker-names=Black\\ Toner,Paper\\ Tray' >&2
echo 'ATTR: marker-types=toner,paper' >&2
if [ -e "$folder/paper-out" ]; then
  echo 'ATTR: marker-levels=15,0' >&2
  echo 'STATE: +media-empty-error' >&2
  echo 'ERROR: Out of paper' >&2
  exit 4
fi
echo 'ATTR: marker-levels=15,100' >&2
echo 'STATE: -media-empty-error' >&2
part="$folder/.$1.part"
if [ "$#" -ge 6 ]; then cat -- "$6" >"$part" || exit 1; else cat >"$part" || exit 1; fi
mv -- "$part" "$folder/$1.pdf" || exit 1
"""


class CupsError(RuntimeError):
    """The private CUPS server could not be started, or a command for it failed."""


def missing_commands() -> list[str]:
    """The CUPS and poppler programs the helpers need that are not installed."""
    missing = [name for name in _COMMANDS if shutil.which(name, path=_sbin_path()) is None]
    if not _PDF_PPD.exists():
        missing.append(f"{_PDF_PPD} (cups-filters)")
    return missing


@dataclass(eq=False)
class CupsServer:
    """A running private cupsd, reached through ``socket``; ``os.environ`` points at it.

    PDF queues write each job to its own file, ``out/<queue>/<job number>.pdf``
    (``printed``, ``last_printed``).
    """

    directory: Path
    _daemon: subprocess.Popen[bytes] | None = None
    # lpadmin arguments that made each queue, to make it again (see set_default).
    _queues: dict[str, list[str]] = field(default_factory=dict)
    # The queues start_cups() made, which reset() brings back if a test deleted them.
    _standard: dict[str, list[str]] = field(default_factory=dict)
    _saved_server: str | None = None
    _saved_root: str | None = None
    # Held open, bound but not listening, so connections to its port are refused.
    _refusing: socket.socket | None = None

    @property
    def socket(self) -> Path:
        return self.directory / "cups.sock"

    @property
    def out(self) -> Path:
        return self.directory / "out"

    @property
    def error_log(self) -> Path:
        return self.directory / "log" / "error_log"

    @property
    def env(self) -> dict[str, str]:
        """os.environ for a CUPS client of this server, with messages in English."""
        return {
            **os.environ,
            "CUPS_SERVER": str(self.socket),
            "CUPS_SERVERROOT": str(self.directory / "etc"),
            "LC_ALL": "C",
        }

    def output_of(self, queue: str) -> Path:
        """The folder a PDF queue writes its jobs into, one file per job."""
        return self.out / queue

    def printed(self, job_id: str) -> Path:
        """The PDF that job ``job_id`` ("QUEUE-N") sent to its printer; it exists once the job
        completed."""
        queue, _, number = job_id.rpartition("-")
        return self.output_of(queue) / f"{number}.pdf"

    def printed_jobs(self, queue: str) -> list[Path]:
        """The PDF of every job the queue printed, oldest first."""
        files = self.output_of(queue).glob("*.pdf")
        return sorted(files, key=lambda path: int(path.stem))

    def last_printed(self, queue: str) -> Path:
        """The PDF of the last job the queue printed; raises CupsError if it printed none."""
        jobs = self.printed_jobs(queue)
        if not jobs:
            raise CupsError(f"queue {queue} printed nothing; see {self.error_log}")
        return jobs[-1]

    @property
    def running(self) -> bool:
        return self._daemon is not None and self._daemon.poll() is None

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Runs a CUPS tool against this server; raises CupsError when ``check`` and it fails."""
        ran = subprocess.run(
            list(command),
            env={**self.env, "PATH": _sbin_path()},
            capture_output=True,
            text=True,
            timeout=_COMMAND_TIMEOUT_S,
            check=False,
        )
        if check and ran.returncode != 0:
            raise CupsError(
                f"{' '.join(command)} exited with {ran.returncode}: {ran.stderr.strip()}"
            )
        return ran

    # Queues.

    def add_pdf_queue(self, name: str = Q_PDF, page_size: str | None = None) -> Path:
        """A queue whose jobs are written, as PDF, one file per job into the folder it returns;
        ``page_size`` is a PPD PageSize choice ("A4") to make the default instead of Letter."""
        options = ["-o", f"PageSize={page_size}"] if page_size else []
        self._add(name, ["-v", self._device(name), "-m", PDF_MODEL, *options])
        return self.output_of(name)

    def add_roll_queue(self, name: str, width_mm: float, length_mm: float = 200.0) -> Path:
        """A PDF file queue on roll paper ``width_mm`` wide, from a PPD whose only page size,
        the default, is ``width_mm`` x ``length_mm``; CUPS reports it as media-default."""
        width_pt, length_pt = width_mm * _POINTS_PER_MM, length_mm * _POINTS_PER_MM
        ppd = self.directory / "ppd-sources" / f"{name}.ppd"
        ppd.parent.mkdir(exist_ok=True)
        ppd.write_text(
            _ROLL_PPD.format(
                size=f"X{width_mm:g}MMY{length_mm:g}MM".replace(".", "_"),
                w=width_mm,
                h=length_mm,
                w_pt=width_pt,
                h_pt=length_pt,
                setpagedevice=(
                    f"<</PageSize[{width_pt:.2f} {length_pt:.2f}]/ImagingBBox null>>setpagedevice"
                ),
            ),
            encoding="ascii",
        )
        self._add(name, ["-v", self._device(name), "-P", str(ppd)])
        return self.output_of(name)

    def _device(self, queue: str) -> str:
        """The device URI of the tests' backend writing ``queue``'s jobs into its folder."""
        return f"{BACKEND_SCHEME}:{self.output_of(queue)}"

    def add_unwritable_queue(self, name: str = Q_STUCK) -> None:
        """A file queue whose folder does not exist: cupsd cannot open the output, and the job
        stays processing-stopped (state 6) for good. (/dev/full is no use: the job completes.)"""
        self._add(name, ["-v", f"file://{self.directory}/missing/{name}.pdf", "-m", PDF_MODEL])

    def add_failing_backend_queue(self, name: str, abort: bool) -> None:
        """A parallel-port queue whose "port" is a directory, so the backend fails at once
        ("Unable to open parallel port: Is a directory"). With ``abort`` the queue's error
        policy is abort-job and the job ends aborted (8); otherwise, with the default
        stop-printer policy, CUPS holds it (pending-held, resources-are-not-ready)."""
        port = self.directory / "not-a-port"
        port.mkdir(exist_ok=True)
        policy = ["-o", "printer-error-policy=abort-job"] if abort else []
        self._add(name, ["-v", f"parallel:{port}", "-m", PDF_MODEL, *policy])

    def add_unreachable_queue(self, name: str = Q_UNREACHABLE) -> None:
        """A network (socket://) printer whose port refuses connections, like a printer that
        is switched off: the backend keeps retrying and the job stays processing."""
        if self._refusing is None:
            # Bound but never listening: the kernel refuses connections, and no other
            # program can take the port while the server runs.
            self._refusing = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._refusing.bind(("127.0.0.1", 0))
        port = self._refusing.getsockname()[1]
        self._add(name, ["-v", f"socket://127.0.0.1:{port}", "-m", PDF_MODEL])

    def add_supplies_queue(self, name: str = Q_SUPPLIES) -> Path:
        """A PDF queue whose printer reports its supplies (_SUPPLIES_BACKEND); ``paper_out``
        empties its paper tray. Returns the folder its jobs are written into."""
        backend = self.directory / "serverbin" / "backend" / SUPPLIES_SCHEME
        if not backend.exists():
            backend.write_text(_SUPPLIES_BACKEND, encoding="ascii")
            backend.chmod(0o700)  # run as root, as the kiosk-test backend
        self._add(name, ["-v", f"{SUPPLIES_SCHEME}:{self.output_of(name)}", "-m", PDF_MODEL])
        return self.output_of(name)

    def paper_out(self, name: str = Q_SUPPLIES, out: bool = True) -> None:
        """Empties (or, ``out=False``, fills) the paper tray of a supplies queue: its next job
        tells CUPS so."""
        flag = self.output_of(name) / "paper-out"
        flag.parent.mkdir(parents=True, exist_ok=True)
        if out:
            flag.touch()
        else:
            flag.unlink(missing_ok=True)

    def delete_queue(self, name: str) -> None:
        self.run("lpadmin", "-x", name)
        self._queues.pop(name, None)

    def queues(self) -> list[str]:
        return list(self._queues)

    # Queue states.

    def set_default(self, name: str | None) -> None:
        """Makes ``name`` CUPS's default printer; None leaves the server with no default."""
        if name is not None:
            self.run("lpadmin", "-d", name)
            return
        # lpadmin cannot clear the default; deleting the default queue does, so the queue is
        # made again from the same arguments.
        current = self.default()
        if current is not None and current in self._queues:
            arguments = self._queues[current]
            self.delete_queue(current)
            self._add(current, arguments)

    def default(self) -> str | None:
        said = self.run("lpstat", "-d", check=False).stdout
        prefix = "system default destination: "
        return said.strip().removeprefix(prefix) if said.startswith(prefix) else None

    def disable(self, name: str, reason: str = "Paused by staff") -> None:
        self.run("cupsdisable", "-r", reason, name)

    def enable(self, name: str) -> None:
        self.run("cupsenable", name)

    def reject(self, name: str, reason: str = "Rejecting jobs") -> None:
        self.run("cupsreject", "-r", reason, name)

    def accept(self, name: str) -> None:
        self.run("cupsaccept", name)

    def jobs_not_completed(self) -> list[str]:
        """The request ids ("QUEUE-N") of every job still pending, held, printing or stopped."""
        said = self.run("lpstat", "-W", "not-completed", "-o", check=False).stdout
        return [line.split()[0] for line in said.splitlines() if line.strip()]

    def job_state(self, job_id: str) -> str:
        """The job's job-state keyword ("completed", "canceled"), through ipptool."""
        return self.job_attribute(job_id, "job-state")

    def job_attribute(self, job_id: str, attribute: str) -> str:
        queue, _, number = job_id.rpartition("-")
        test = (
            "{ OPERATION Get-Job-Attributes GROUP operation-attributes-tag "
            "ATTR charset attributes-charset utf-8 "
            "ATTR naturalLanguage attributes-natural-language en "
            "ATTR uri printer-uri $uri "
            # Without a user name CUPS hides job-name and other private values.
            "ATTR name requesting-user-name $user "
            f"ATTR integer job-id {number} "
            f"ATTR keyword requested-attributes {attribute} "
            f"DISPLAY {attribute} }}"
        )
        ran = subprocess.run(
            ["ipptool", "-c", self.printer_uri(queue), "/dev/stdin"],
            input=test,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=_COMMAND_TIMEOUT_S,
            check=False,
        )
        lines = ran.stdout.splitlines()
        if ran.returncode != 0 or len(lines) < 2:
            raise CupsError(f"ipptool could not read {attribute} of {job_id}: {ran.stderr}")
        return lines[1].strip().strip('"')

    def printer_uri(self, queue: str) -> str:
        return "ipp://" + str(self.socket).replace("/", "%2F") + f"/printers/{queue}"

    def reset(self) -> None:
        """Back to the starting state: running, no jobs and nothing printed, the standard
        queues (Q_*) and no others, every queue enabled and accepting, and no default
        printer."""
        if not self.running:
            self.start()
        self.run("cancel", "-a", "-x", check=False)
        shutil.rmtree(self.out, ignore_errors=True)
        self.out.mkdir()
        for name in [q for q in self._queues if q not in self._standard]:
            self.delete_queue(name)
        for name, arguments in self._standard.items():
            if name not in self._queues:
                self._add(name, arguments)
        for name in self._queues:
            self.accept(name)
            self.enable(name)
        self.set_default(None)

    # The scheduler.

    def start(self) -> None:
        """Starts cupsd (again) on this directory and waits until it answers."""
        if self.running:
            return
        etc = self.directory / "etc"
        with (self.directory / "log" / "cupsd.stderr").open("ab") as stderr:
            self._daemon = subprocess.Popen(
                ["cupsd", "-f", "-c", str(etc / "cupsd.conf"), "-s", str(etc / "cups-files.conf")],
                env={**self.env, "PATH": _sbin_path()},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        _wait_until_running(self)

    def stop(self) -> None:
        """Stops cupsd the way an administrator would (SIGTERM); jobs and queues are kept."""
        daemon, self._daemon = self._daemon, None
        if daemon is None:
            return
        if daemon.poll() is None:
            daemon.terminate()
            try:
                daemon.wait(timeout=_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()

    def _add(self, name: str, arguments: Sequence[str]) -> None:
        self.run("lpadmin", "-p", name, "-E", *arguments)
        self._queues[name] = list(arguments)


def start_cups(directory: Path, preserve_job_files: str | None = "No") -> CupsServer:
    """Starts a private cupsd in ``directory``, points ``os.environ`` (CUPS_SERVER) at it and
    makes the standard queues (Q_*).

    cupsd runs filters and backends as user lp, so ``directory`` and every folder above it
    must be open to others (pytest's tmp_path is not: its base folder is mode 700).
    ``preserve_job_files`` is cupsd.conf's PreserveJobFiles; None leaves CUPS's default (one day).
    """
    missing = missing_commands()
    if missing:
        raise CupsError(
            f"{', '.join(missing)} not found; install cups, cups-client, cups-ipp-utils, "
            "cups-filters and poppler-utils (./dev.sh test does)"
        )
    directory = directory.resolve()
    closed = [p for p in (directory, *directory.parents) if not p.stat().st_mode & stat.S_IXOTH]
    if closed:
        # Otherwise every job stops with "Filter failed": pdftopdf cannot read the PPD.
        raise CupsError(
            f"{closed[0]} is not searchable by others, so CUPS filters (user lp) "
            "could not read the queues' files; use private_cups() without a folder"
        )
    server = CupsServer(directory)
    if len(str(server.socket)) > _MAX_SOCKET_PATH:
        raise CupsError(f"socket path too long for a unix socket: {server.socket}")
    for folder in ("etc/ppd", "spool/tmp", "cache", "state", "log", "out"):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    _make_server_bin(directory / "serverbin")
    etc = directory / "etc"
    preserve = f"PreserveJobFiles {preserve_job_files}" if preserve_job_files else ""
    (etc / "cupsd.conf").write_text(
        _CUPSD_CONF.format(socket=server.socket, preserve_job_files=preserve), encoding="utf-8"
    )
    (etc / "cups-files.conf").write_text(_CUPS_FILES_CONF.format(d=directory), encoding="utf-8")
    # A private ServerRoot has no raw.types/raw.convs, which let cupsd take raw jobs; the PDF
    # queues here work without them, but the copies keep the server like the machine's one.
    # The machine's files are only read.
    for name in ("raw.types", "raw.convs"):
        if not (etc / name).exists() and (_SYSTEM_CUPS / name).exists():
            shutil.copy(_SYSTEM_CUPS / name, etc / name)
    server._saved_server = os.environ.get("CUPS_SERVER")
    server._saved_root = os.environ.get("CUPS_SERVERROOT")
    os.environ["CUPS_SERVER"] = str(server.socket)
    # Where CUPS's tools, and the kiosk's doctor, find the server's cupsd.conf.
    os.environ["CUPS_SERVERROOT"] = str(etc)
    _running.append(server)
    try:
        server.start()
        server.add_pdf_queue(Q_PDF)
        server.add_pdf_queue(Q_A4, page_size="A4")
        server.add_roll_queue(Q_ROLL_80, 80)
        server.add_roll_queue(Q_ROLL_58, 58)
        server.add_unwritable_queue(Q_STUCK)
        server.add_failing_backend_queue(Q_HELD, abort=False)
        server.add_failing_backend_queue(Q_ABORT, abort=True)
        server.add_unreachable_queue(Q_UNREACHABLE)
        server._standard = dict(server._queues)
    except BaseException:
        stop_cups(server)
        raise
    return server


def _make_server_bin(folder: Path) -> None:
    """A ServerBin that is the machine's own (filters, drivers, backends, through links) plus
    the tests' backend. cupsd, as root, refuses programs that others can write, so every
    folder is 0755."""
    backends = folder / "backend"
    backends.mkdir(parents=True, exist_ok=True)
    for path in (folder, backends):
        path.chmod(0o755)
    for entry in _SYSTEM_SERVER_BIN.iterdir():
        if entry.name != "backend" and not (folder / entry.name).exists():
            (folder / entry.name).symlink_to(entry)
    for entry in (_SYSTEM_SERVER_BIN / "backend").iterdir():
        if not (backends / entry.name).exists():
            (backends / entry.name).symlink_to(entry.resolve())
    ours = backends / BACKEND_SCHEME
    ours.write_text(_BACKEND, encoding="ascii")
    ours.chmod(0o700)


def stop_cups(server: CupsServer) -> None:
    """Cancels every job, stops cupsd and restores ``os.environ``."""
    if server in _running:
        _running.remove(server)
    if server.running:
        # Jobs left behind would run again at the next start; cancelling ends their filters
        # and backends before cupsd goes.
        server.run("cancel", "-a", "-x", check=False)
    server.stop()
    if server._refusing is not None:
        server._refusing.close()
        server._refusing = None
    for name, saved in (
        ("CUPS_SERVER", server._saved_server),
        ("CUPS_SERVERROOT", server._saved_root),
    ):
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved


@atexit.register
def _stop_left_running() -> None:
    """A script that died before stop_cups() still leaves no cupsd behind."""
    for server in list(_running):
        stop_cups(server)


@contextmanager
def private_cups(
    directory: Path | None = None, preserve_job_files: str | None = "No"
) -> Iterator[CupsServer]:
    """A private CUPS server for the duration of a ``with`` block (see ``start_cups``).

    Without ``directory`` it runs in a new folder under the system's temporary folder, open to
    the lp user, and removes the folder afterwards.
    """
    made = directory is None
    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="kiosk-cups-"))
        directory.chmod(0o755)  # mkdtemp makes it 700; CUPS filters run as lp
    try:
        server = start_cups(directory, preserve_job_files)
        try:
            yield server
        finally:
            stop_cups(server)
    finally:
        if made:
            shutil.rmtree(directory, ignore_errors=True)


def write_pdf(
    path: Path, lines: Sequence[str], width_mm: float = 210, height_mm: float = 297
) -> Path:
    """Writes a one-page PDF showing ``lines`` in Helvetica (ASCII only), for pdftotext to read
    back; no Qt needed."""
    width_pt, height_pt = width_mm * _POINTS_PER_MM, height_mm * _POINTS_PER_MM
    text = ["BT", "/F1 12 Tf", "14 TL", f"40 {height_pt - 60:.2f} Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text.append(f"({escaped}) Tj T*")
    text.append("ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width_pt:.2f} {height_pt:.2f}] "
            "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
        ).encode("ascii"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    data = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        data += b"%010d 00000 n \n" % offset
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(data))
    return path


def pdf_text(path: Path) -> str:
    """The text of a PDF, as pdftotext reads it."""
    ran = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=_COMMAND_TIMEOUT_S,
        check=True,
    )
    return ran.stdout


def _wait_until_running(server: CupsServer) -> None:
    deadline = time.monotonic() + _READY_TIMEOUT_S
    while True:
        said = server.run("lpstat", "-r", check=False).stdout
        if "scheduler is running" in said:
            return
        if time.monotonic() > deadline:
            raise CupsError(f"cupsd did not answer; see {server.error_log}")
        assert server._daemon is not None
        try:
            # Waiting on the daemon paces the polling and notices at once if it died.
            code = server._daemon.wait(timeout=0.02)
        except subprocess.TimeoutExpired:
            continue
        server._daemon = None
        raise CupsError(f"cupsd exited with status {code}; see {server.error_log}")


def _sbin_path() -> str:
    """PATH with the sbin folders, where Debian puts cupsd, lpadmin and cupsenable."""
    path = os.environ.get("PATH", "")
    extra = [p for p in ("/usr/sbin", "/sbin") if p not in path.split(os.pathsep)]
    return os.pathsep.join([path, *extra]) if path else os.pathsep.join(extra)
