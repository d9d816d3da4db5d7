#!/usr/bin/env bash
# Sets up and runs the kiosk, or its checks, on a Debian or Ubuntu machine.
#
#   ./dev.sh start [kiosk options]   install what the kiosk needs, then start it
#   ./dev.sh test  [pytest options]  install what the checks need, then run ruff, mypy and pytest
#   ./dev.sh bench [--quick]         install what the benchmarks need, then run them against
#                                    Chromium and write docs/benchmarks.md (about 6 minutes)
#
# System packages are installed with apt-get when run as root (or with sudo); Python packages
# always go into .venv, pinned by constraints.txt.
set -euo pipefail
cd "$(dirname "$0")"

# What Qt's xcb platform plugin and the fonts need on a minimal system; then narration: the
# eSpeak NG voice pyttsx3 loads, the PulseAudio client library Qt Multimedia plays through, and
# what Qt's FFmpeg multimedia plugin and its bundled FFmpeg link against (found with ldd; the
# plugin loads even for plain audio output). Printing talks to CUPS through its own tools:
# lp, lpstat and cancel (cups-client) and ipptool (cups-ipp-utils) for the job's state.
RUN_PACKAGES=(
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 fonts-dejavu-core
  espeak-ng libpulse0 libx11-6 libxext6 libxrandr2 libdrm2
  cups-client cups-ipp-utils
)
# A real X server for the screenshot tests; a real audio server (with a null sink) and parec
# to record it for the narration tests; a real private CUPS for the printing tests: cupsd and
# the driver lookup lpadmin -m needs (cups), the Generic PDF printer's PPD, pdftopdf and the
# parallel backend its failing queues use (cups-filters), and pdftotext to read a printed
# page back (poppler-utils). The packaging test builds the standalone kiosk with PyInstaller,
# which needs objcopy (binutils) and Python's shared library (libpython3-dev). The
# accessibility tests ask a real AT-SPI client what a screen reader sees: a private D-Bus
# session (dbus-daemon), the AT-SPI bus and registry (at-spi2-core) and pyatspi, which runs
# under the system's Python (python3-pyatspi). The handout tests decode the printed QR code
# with a real reader (zbarimg, from zbar-tools). The doctor and package tests run the kiosk
# under the real cage compositor on its headless backend (cage, xwayland) and take its screen
# with grim. The health tests check the example alerting rules (packaging/prometheus/) with
# Prometheus's own promtool, which comes in Debian's prometheus package (19 MB download; on a
# machine run by systemd it also starts a Prometheus server: systemctl disable --now prometheus).
# The Debian package test (tests/test_deb.py) installs the package for real with dpkg -i, so
# what it depends on (packaging/debian/control) must be here, and verifies its unit with
# systemd-analyze (systemd).
TEST_PACKAGES=(
  xvfb xauth pulseaudio pulseaudio-utils cups cups-filters poppler-utils
  binutils libpython3-dev dbus-daemon at-spi2-core python3-pyatspi
  zbar-tools cage xwayland grim prometheus
  systemd adduser libpam-systemd libespeak-ng1 libxcb1 libwayland-client0
  libwayland-cursor0 libwayland-egl1 fontconfig cups-client cups-ipp-utils libegl1 libgl1
  libdrm2 fonts-dejavu-core
)

# The benchmarks (benchmarks/run.py) start their own X server, audio server and CUPS, as the
# tests do, and measure the kiosk against Debian's Chromium in kiosk mode showing the same
# leaflet; fincore (util-linux) tells how cold a cold start was. benchmarks/orca_visit.py runs
# the screen reader Orca against the kiosk and saves what it said: Orca and the
# speech-dispatcher it speaks through, on the AT-SPI bus the tests use (dbus-daemon,
# at-spi2-core, python3-pyatspi); xdotool presses the keys, and unshare (util-linux) gives Orca
# a PID namespace of its own.
BENCH_PACKAGES=(
  xvfb pulseaudio pulseaudio-utils cups cups-filters poppler-utils chromium util-linux
  orca speech-dispatcher xdotool dbus-daemon at-spi2-core python3-pyatspi
)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Installs the packages that are missing. With CI=true it also brings every one of them, and
# every package they depend on, up to the current version: a machine that kept old packages
# must test like a fresh one (a CUPS security update once failed 15 tests on fresh machines
# that passed on the CI machine, which still had the older CUPS).
install_system_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
      || missing+=("$package")
  done
  if ! python3 -c 'import ensurepip' 2>/dev/null; then
    missing+=(python3-venv)
  fi
  local upgrade=false
  [ "${CI:-}" = true ] && upgrade=true
  [ ${#missing[@]} -eq 0 ] && [ "$upgrade" = false ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      echo "Please install these packages as root: ${missing[*]:-$*}" >&2
      exit 1
    fi
  fi
  "${sudo[@]}" apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing system packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
  if [ "$upgrade" = true ]; then
    local installed=()
    while read -r package; do
      dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
        && installed+=("$package")
    done < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
      --no-breaks --no-replaces --no-enhances "$@" | grep -v '^[ <]' | sort -u)
    say "Upgrading ${#installed[@]} system packages and what they depend on (CI=true)"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --only-upgrade \
      --no-install-recommends "${installed[@]}" >/dev/null
    dpkg-query -W -f='    ${Package} ${Version}\n' cups-daemon espeak-ng xvfb pulseaudio 2>/dev/null \
      || true
  fi
}

# Installs the kiosk and the extras named ("test", or "test,bench" for the benchmarks' own
# packages: the speech recogniser and its models) into .venv, once for each pyproject.toml and
# constraints.txt.
setup_python() {
  local extras=${1:-test}
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Python 3.11 or newer is needed; python3 is $(python3 --version 2>&1)" >&2
    exit 1
  fi
  [ -x .venv/bin/python ] || { say "Creating .venv"; python3 -m venv .venv; }
  local stamp=.venv/.installed-${extras/,/-}
  local want
  want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -c constraints.txt -e ".[$extras]"
    echo "$want" >"$stamp"
  fi
  # The kiosk's own words in each language: Qt catalogs, .ts (in git) to .qm.
  .venv/bin/python -m kiosk.catalogs build >/dev/null
  # The natural voice's model with its phoneme durations, for the word highlight.
  .venv/bin/python -m kiosk.narration.engines.timed_model build >/dev/null
}

case "${1:-}" in
  start)
    shift
    install_system_packages "${RUN_PACKAGES[@]}"
    setup_python
    exec .venv/bin/kiosk "$@"
    ;;
  test)
    shift
    install_system_packages "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    setup_python
    say "ruff"
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    say "mypy"
    .venv/bin/mypy
    say "pytest"
    exec .venv/bin/pytest "$@"
    ;;
  bench)
    shift
    install_system_packages "${RUN_PACKAGES[@]}" "${BENCH_PACKAGES[@]}"
    setup_python test,bench
    exec .venv/bin/python -m benchmarks "$@"
    ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
