"""Compliance layer for the keep half: normalise, minimise, screen, store."""
