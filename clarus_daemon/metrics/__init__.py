"""Prometheus metrics of one daemon: HTTP traffic, and what its events tell."""
