"""Waiting-room kiosk that teaches patients about a procedure before they see the doctor."""

__version__ = "0.1.0"
