"""Drift checks: MinIO CSVs compared with Evidently in a worker process, then the
report, the reference replacement, the data-space asset and the retraining DAG."""
