"""Entry point for ``python -m kiosk``."""

from kiosk.cli import main

raise SystemExit(main())
