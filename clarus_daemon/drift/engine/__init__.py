"""The daemon's own drift engine: Evidently's column tests, computed on numpy arrays.

Worker side only. `columns` turns a parsed column into what the tests need (and
what the reference cache keeps), `stattests` holds the tests and Evidently's
default choice among them, `compare` decides a dataset.
"""
