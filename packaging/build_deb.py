"""Build the Debian package clinic-kiosk_VERSION_ARCH.deb from the PyInstaller folder.

    pyinstaller kiosk.spec
    python packaging/build_deb.py dist/kiosk dist/

The package holds the whole one-folder build under /opt/clinic-kiosk, the system unit
(packaging/linux/clinic-kiosk.service) with its PAM file and stop helper, and the maintainer
scripts of packaging/debian/. It is put together with dpkg-deb alone (no debhelper, no source
package): the program is already built. VERSION is pyproject.toml's unless --version names
another; ARCH is this machine's (dpkg --print-architecture), since PyInstaller builds for the
machine it runs on. docs/installing.md says what the package does on a kiosk machine.
"""

from __future__ import annotations

import argparse
import shutil
import stat
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PACKAGE = "clinic-kiosk"
MAINTAINER = "Clinic kiosk maintainers <clinic-kiosk@localhost>"

# Where each file of the repository goes in the package, with its mode.
FILES = {
    "packaging/linux/clinic-kiosk.service": ("lib/systemd/system/clinic-kiosk.service", 0o644),
    "packaging/linux/clinic-kiosk.pam": ("etc/pam.d/clinic-kiosk", 0o644),
    "packaging/linux/clinic-kiosk-stop": ("usr/lib/clinic-kiosk/clinic-kiosk-stop", 0o755),
    "docs/installing.md": ("usr/share/doc/clinic-kiosk/installing.md", 0o644),
}
SCRIPTS = ("postinst", "prerm", "postrm")
# dpkg's own configuration files of the package: kept when changed, asked about at an
# upgrade. kiosk.toml is not one (postinst makes it; packaging/debian/postinst says why).
CONFFILES = ("/etc/pam.d/clinic-kiosk",)


class BuildError(Exception):
    """The package cannot be built; the message says why and what to do."""


def project_version() -> str:
    with (REPO / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def _output(*command: str) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        raise BuildError(f"{' '.join(command)} failed: {error}") from error


def _copy_program(program: Path, root: Path) -> None:
    """The one-folder build into /opt/clinic-kiosk, its links kept, with the modes dpkg
    expects whatever the umask of the build was: 0755 programs, 0644 the rest (folders are
    made 0755 in ``build``)."""
    target = root / "opt/clinic-kiosk"
    shutil.copytree(program, target, symlinks=True)
    for path in target.rglob("*"):
        if path.is_symlink() or path.is_dir():
            continue
        executable = path.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        path.chmod(0o755 if executable else 0o644)


def _control(root: Path, version: str, architecture: str) -> str:
    """DEBIAN/control from packaging/debian/control, its comment lines left out."""
    size_kib = sum(
        (path.lstat().st_size + 1023) // 1024 for path in root.rglob("*") if not path.is_dir()
    )
    libc = _output("dpkg-query", "-W", "-f=${Version}", "libc6").split("-")[0]
    fields = {
        "@VERSION@": version,
        "@ARCHITECTURE@": architecture,
        "@MAINTAINER@": MAINTAINER,
        "@INSTALLED_SIZE@": str(size_kib),
        "@LIBC_VERSION@": libc,  # the built Python and libraries need the builder's glibc
    }
    template = (HERE / "debian/control").read_text(encoding="utf-8")
    text = "".join(line for line in template.splitlines(True) if not line.startswith("#"))
    for name, value in fields.items():
        text = text.replace(name, value)
    return text


def build(
    program: Path,
    out: Path,
    *,
    version: str | None = None,
    compression: str = "xz",
    level: int | None = None,
) -> Path:
    """Build the package from the PyInstaller folder ``program`` (dist/kiosk) into the folder
    ``out``; returns the .deb's path. Raises BuildError."""
    if not (program / "kiosk").is_file() or not (program / "_internal").is_dir():
        raise BuildError(
            f"{program} is not the PyInstaller build of the kiosk (no kiosk and _internal in "
            "it): run `pyinstaller kiosk.spec` first and give its dist/kiosk folder"
        )
    for source in FILES:
        if not (REPO / source).is_file():
            raise BuildError(f"{REPO / source} is missing: it goes into the package")
    version = version or project_version()
    architecture = _output("dpkg", "--print-architecture")
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"{PACKAGE}_{version}_{architecture}.deb"
    with tempfile.TemporaryDirectory(prefix="clinic-kiosk-deb-", dir=out) as scratch:
        root = Path(scratch, "root")
        root.mkdir(mode=0o755)
        _copy_program(program, root)
        for source, (target, mode) in FILES.items():
            path = root / target
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / source, path)
            path.chmod(mode)
        for folder in root.rglob("*"):
            if folder.is_dir() and not folder.is_symlink():
                folder.chmod(0o755)
        debian = root / "DEBIAN"
        debian.mkdir(mode=0o755)
        (debian / "control").write_text(_control(root, version, architecture), encoding="utf-8")
        (debian / "conffiles").write_text("".join(f"{f}\n" for f in CONFFILES), encoding="utf-8")
        for script in SCRIPTS:
            shutil.copyfile(HERE / "debian" / script, debian / script)
            (debian / script).chmod(0o755)
        for path in (debian / "control", debian / "conffiles"):
            path.chmod(0o644)
        command = ["dpkg-deb", "--root-owner-group", f"-Z{compression}"]
        if level is not None:
            command.append(f"-z{level}")
        built = subprocess.run(
            [*command, "--build", str(root), str(deb)], capture_output=True, text=True, check=False
        )
        if built.returncode != 0:
            raise BuildError(f"dpkg-deb could not build {deb}:\n{built.stderr.strip()}")
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("program", type=Path, help="the PyInstaller build, dist/kiosk")
    parser.add_argument("out", type=Path, help="the folder the .deb is written to")
    parser.add_argument("--version", help="the package version (default: pyproject.toml's)")
    parser.add_argument(
        "-Z",
        "--compression",
        default="xz",
        choices=("xz", "zstd", "gzip", "none"),
        help="dpkg-deb's compressor (default xz, the smallest; gzip -z1 is the quickest)",
    )
    parser.add_argument("-z", "--level", type=int, help="the compression level")
    args = parser.parse_args(argv)
    try:
        deb = build(
            args.program,
            args.out,
            version=args.version,
            compression=args.compression,
            level=args.level,
        )
    except BuildError as error:
        print(f"build_deb: {error}", file=sys.stderr)
        return 1
    print(deb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
