"""Inference services: containers the daemon runs, replaces and recovers through Docker."""
