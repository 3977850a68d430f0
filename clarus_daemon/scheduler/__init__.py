"""Drift checks on a schedule: one job per monitor on the daemon's own event loop."""
