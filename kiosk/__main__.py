"""Entry point for ``python -m kiosk``."""

from kiosk.start import main

raise SystemExit(main())
