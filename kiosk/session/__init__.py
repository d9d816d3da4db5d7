"""A patient's visit: what they chose and where they are, reset in one call."""

from kiosk.session.visit import HOME, ONLY_LEAFLET, TOPICS, Page, Visit, VisitDefaults

__all__ = ["HOME", "ONLY_LEAFLET", "TOPICS", "Page", "Visit", "VisitDefaults"]
