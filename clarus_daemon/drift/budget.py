"""How much memory a check of two datasets needs, against drift.memory_budget_mb.

Measured (bench/drift): a worker peaks at about its imports plus four times the
size of the files (the bytes, pandas' frame while it is parsed, the sorted
columns, a column's temporaries). Data over the budget is refused before a
byte is downloaded.
"""

from clarus_daemon.drift.errors import OverMemoryBudget
from clarus_daemon.drift.storage import ObjectHead

WORKER_BASE_MB = 200
PER_FILE_BYTE = 4.0
MB = 1024 * 1024


def needed_mb(heads: tuple[ObjectHead, ObjectHead]) -> int:
    return WORKER_BASE_MB + round(PER_FILE_BYTE * sum(head.size for head in heads) / MB)


def check_budget(heads: tuple[ObjectHead, ObjectHead], budget_mb: int | None) -> None:
    """OverMemoryBudget (413) naming the budget when the check would exceed it."""
    if budget_mb is None:
        return
    needed = needed_mb(heads)
    if needed > budget_mb:
        sizes = {head.key: round(head.size / MB, 1) for head in heads}
        raise OverMemoryBudget(
            f"Checking {' and '.join(sizes)} ({sum(sizes.values()):.0f} MB) would need about "
            f"{needed} MB, over drift.memory_budget_mb = {budget_mb}: raise the budget or "
            "check smaller datasets",
            details={"memory_budget_mb": budget_mb, "needed_mb": needed, "object_mb": sizes},
        )
