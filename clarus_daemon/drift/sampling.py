"""A seeded random sample of a dataset too large for the memory budget, read in blocks.

Worker side only. Each row is kept with the same probability, decided by a
generator seeded with a fixed number, so the same files always give the same
sample; only the kept rows and one block are in memory at a time.
"""

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from clarus_daemon.drift.errors import UnusableData
from clarus_daemon.drift.results import Sample

BLOCK_BYTES = 16 << 20
"""Large blocks: a CSV's column types are inferred from the first one."""
PARQUET_BATCH_ROWS = 1 << 16


def _kept(batches: Iterable[pa.RecordBatch], sample: Sample) -> tuple[list[pa.RecordBatch], int]:
    generator = np.random.default_rng(sample.seed)
    kept: list[pa.RecordBatch] = []
    total = 0
    for batch in batches:
        total += batch.num_rows
        mask = generator.random(batch.num_rows) < sample.fraction
        kept.append(batch.filter(pa.array(mask)))
    return kept, total


def _promoted(schema: pa.Schema) -> dict[str, pa.DataType]:
    """Integer columns read as floats: a later block holding a decimal would fail them."""
    return {field.name: pa.float64() for field in schema if pa.types.is_integer(field.type)}


def sample_csv(path: Path, name: str, separator: str, sample: Sample) -> tuple[pa.Table, int]:
    """(the kept rows, the rows the file holds); UnusableData naming `name` otherwise."""
    parse = pa_csv.ParseOptions(delimiter=separator)
    read = pa_csv.ReadOptions(block_size=BLOCK_BYTES)
    try:
        with pa_csv.open_csv(path, read_options=read, parse_options=parse) as probe:
            schema = probe.schema
        convert = pa_csv.ConvertOptions(column_types=_promoted(schema))
        with pa_csv.open_csv(
            path, read_options=read, parse_options=parse, convert_options=convert
        ) as reader:
            kept, total = _kept(reader, sample)
    except (ValueError, OSError) as err:  # ArrowInvalid is a ValueError
        raise UnusableData(
            f"{name} is not a readable CSV with separator {separator!r} "
            f"(read in blocks to sample it): {err}",
            details={"object": name, "separator": separator},
        ) from err
    return pa.Table.from_batches(kept, schema=reader.schema), total


def sample_parquet(path: Path, name: str, sample: Sample) -> tuple[pa.Table, int]:
    try:
        file = pq.ParquetFile(path)
        kept, total = _kept(file.iter_batches(batch_size=PARQUET_BATCH_ROWS), sample)
    except (ValueError, OSError) as err:
        raise UnusableData(
            f"{name} is not a readable Parquet file: {err}", details={"object": name}
        ) from err
    return pa.Table.from_batches(kept, schema=file.schema_arrow), total
