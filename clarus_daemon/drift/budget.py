"""How much memory a check of two datasets needs, against drift.memory_budget_mb.

Measured (bench/drift): a worker peaks at about its imports plus four times the
size of the files (the bytes, pandas' frame while it is parsed, the sorted
columns, a column's temporaries). Data over the budget is refused before a
byte is downloaded, or, where the monitor allows it, read as a seeded sample
small enough for the budget.
"""

from clarus_daemon.drift.errors import OverMemoryBudget
from clarus_daemon.drift.results import SAMPLE_SEED, Sample
from clarus_daemon.drift.storage import ObjectHead

WORKER_BASE_MB = 200
PER_FILE_BYTE = 4.0
SAMPLING_BLOCKS_MB = 64
"""What reading a file in blocks to sample it needs besides the kept rows."""
MB = 1024 * 1024


def needed_mb(heads: tuple[ObjectHead, ObjectHead]) -> int:
    return WORKER_BASE_MB + round(PER_FILE_BYTE * sum(head.size for head in heads) / MB)


def check_budget(
    heads: tuple[ObjectHead, ObjectHead], budget_mb: int | None, *, sample: bool = False
) -> Sample | None:
    """None when the check fits the budget; with `sample`, the sample that fits it;
    OverMemoryBudget (413) naming the budget otherwise."""
    if budget_mb is None:
        return None
    needed = needed_mb(heads)
    room_mb = budget_mb - WORKER_BASE_MB - SAMPLING_BLOCKS_MB
    if needed <= budget_mb:
        return None
    if sample and room_mb > 0:
        data_mb = PER_FILE_BYTE * sum(head.size for head in heads) / MB
        return Sample(fraction=min(room_mb / data_mb, 1.0), seed=SAMPLE_SEED)
    sizes = {head.key: round(head.size / MB, 1) for head in heads}
    raise OverMemoryBudget(
        f"Checking {' and '.join(sizes)} ({sum(sizes.values()):.0f} MB) would need about "
        f"{needed} MB, over drift.memory_budget_mb = {budget_mb}: raise the budget, check "
        'smaller datasets or let the monitor sample them (over_budget = "sample")',
        details={"memory_budget_mb": budget_mb, "needed_mb": needed, "object_mb": sizes},
    )
