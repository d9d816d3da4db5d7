"""Test set-up shared by every test: Qt runs offscreen unless a test asks for a real X server."""

from __future__ import annotations

import os

# Qt aborts the process without a display; tests render offscreen, and the screenshot tests
# start their own Xvfb for the real thing.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
