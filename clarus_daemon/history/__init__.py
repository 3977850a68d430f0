"""Everything the daemon did, kept in SQLite: every event, drift runs in detail."""
