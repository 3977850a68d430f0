"""Where a run's objects go: names fixed by the monitor and the run id."""

from datetime import UTC, datetime

from clarus_daemon.config.drift import MonitorSettings
from clarus_daemon.drift.naming import RunNames, journal_key

AT = datetime(2026, 1, 2, 3, 4, 5, 6000, UTC)


def test_names_carry_the_monitor_and_a_sortable_stamp() -> None:
    monitor = MonitorSettings(bucket="b", reference="uc/wine.csv", new_data="uc/new.csv")

    names = RunNames.new("red", monitor, AT)

    assert names.run_id == "drift_red_20260102T030405.006Z"
    assert names.report_html == f"reports/{names.run_id}.html"
    assert names.report_json == f"reports/{names.run_id}.json"
    assert names.archive == "uc/archive/wine.20260102T030405.006Z.csv"
    assert names.dag_run_id == f"clarus__{names.run_id}"
    assert RunNames.for_run("red", monitor, names.run_id) == names
    assert journal_key("red", monitor) == "reports/.pending/red.json"


def test_configured_prefixes_are_used_without_doubled_slashes() -> None:
    monitor = MonitorSettings(
        bucket="b",
        reference="wine.csv",
        new_data="new.csv",
        report_path="/drift/reports/",
        archive_path="kept",
    )

    names = RunNames.new("m", monitor, AT)

    assert names.report_html.startswith("drift/reports/drift_m_")
    assert names.archive == "kept/wine.20260102T030405.006Z.csv"
    assert RunNames.new("m", monitor.model_copy(update={"archive_path": None}), AT).archive == (
        "archive/wine.20260102T030405.006Z.csv"
    )
