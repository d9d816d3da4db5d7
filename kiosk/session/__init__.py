"""A patient's visit: what they chose and where they are, reset in one call."""

from kiosk.session.visit import HOME, Page, Visit, VisitDefaults

__all__ = ["HOME", "Page", "Visit", "VisitDefaults"]
