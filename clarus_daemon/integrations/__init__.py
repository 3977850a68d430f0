"""Thin typed REST clients of the services around the daemon."""
