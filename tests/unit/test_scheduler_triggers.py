"""Schedules: when each fires, computed from the triggers with a fixed clock."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clarus_daemon.config import ConfigError, load_settings
from clarus_daemon.config.scheduling import CronSchedule, IntervalSchedule, parse_schedule
from clarus_daemon.scheduler.crontab import apscheduler_day_of_week
from clarus_daemon.scheduler.triggers import build_trigger

# Saturday
NOW = datetime(2026, 3, 7, 12, 7, 30, tzinfo=UTC)


def fire_times(schedule: str, now: datetime, count: int, zone: str = "UTC") -> list[datetime]:
    trigger = build_trigger(schedule, ZoneInfo(zone), jitter_s=0)
    times: list[datetime] = []
    previous = None
    for _ in range(count):
        following = trigger.get_next_fire_time(previous, now if previous is None else previous)
        times.append(following.astimezone(UTC))
        previous = following
    return times


def test_every_quarter_hour() -> None:
    assert fire_times("*/15 * * * *", NOW, 3) == [
        datetime(2026, 3, 7, 12, 15, tzinfo=UTC),
        datetime(2026, 3, 7, 12, 30, tzinfo=UTC),
        datetime(2026, 3, 7, 12, 45, tzinfo=UTC),
    ]


def test_weekdays_are_crontab_weekdays_not_apscheduler_ones() -> None:
    times = fire_times("0 6 * * 1-5", NOW, 6)
    assert [t.strftime("%a %H:%M") for t in times] == [
        "Mon 06:00",
        "Tue 06:00",
        "Wed 06:00",
        "Thu 06:00",
        "Fri 06:00",
        "Mon 06:00",
    ]


@pytest.mark.parametrize("sunday", ["0", "7", "sun", "SUN"])
def test_sunday_has_every_crontab_spelling(sunday: str) -> None:
    (first,) = fire_times(f"30 2 * * {sunday}", NOW, 1)
    assert first == datetime(2026, 3, 8, 2, 30, tzinfo=UTC)
    assert first.strftime("%a") == "Sun"


@pytest.mark.parametrize(
    ("field", "expected"),
    [("*", "*"), ("0-6", "*"), ("1-5", "0,1,2,3,4"), ("0,6", "6,5"), ("*/2", "6,1,3,5")],
)
def test_day_of_week_translation(field: str, expected: str) -> None:
    assert apscheduler_day_of_week(field) == expected


def test_cron_is_read_in_the_configured_zone_across_daylight_saving() -> None:
    # Madrid: UTC+1 in winter, UTC+2 from 29 March 2026
    times = fire_times("0 6 * * *", datetime(2026, 3, 27, 12, tzinfo=UTC), 3, "Europe/Madrid")
    assert [t.strftime("%d %H:%M") for t in times] == ["28 05:00", "29 04:00", "30 04:00"]


def test_an_interval_fires_every_period_after_the_last_run() -> None:
    trigger = build_trigger("15m", ZoneInfo("UTC"), jitter_s=0)
    assert trigger.get_next_fire_time(NOW, NOW) == NOW + timedelta(minutes=15)


def test_jitter_delays_a_run_by_at_most_its_bound() -> None:
    trigger = build_trigger("0 * * * *", ZoneInfo("UTC"), jitter_s=30)
    on_time = datetime(2026, 3, 7, 13, tzinfo=UTC)
    for _ in range(20):
        fire = trigger.get_next_fire_time(None, NOW)
        assert on_time <= fire <= on_time + timedelta(seconds=30)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("90s", IntervalSchedule(timedelta(seconds=90))),
        ("15m", IntervalSchedule(timedelta(minutes=15))),
        ("2h", IntervalSchedule(timedelta(hours=2))),
        ("1d", IntervalSchedule(timedelta(days=1))),
        ("0.5s", IntervalSchedule(timedelta(seconds=0.5))),
        ("3600", IntervalSchedule(timedelta(hours=1))),
        (" */5 * * * * ", CronSchedule("*/5 * * * *")),
    ],
)
def test_schedule_forms(text: str, parsed: object) -> None:
    assert parse_schedule(text) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0s", "longer than 0"),
        ("every hour", "neither a cron expression"),
        ("61 * * * *", "cron expression"),
        ("0 6 * * 1-9", "day of week"),
        ("0 6 * * 5-1", "backwards"),
    ],
)
def test_bad_schedules_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_schedule(text)


MONITOR_ENV = {
    "MINIO_BUCKET": "datasets",
    "MINIO_REF_DATA": "ref.csv",
    "MINIO_NEW_DATA": "new.csv",
}


def test_drift_schedule_variable_schedules_the_default_monitor() -> None:
    settings = load_settings(
        None, env_file=None, environ={**MONITOR_ENV, "DRIFT_SCHEDULE": "'30m'"}
    )
    assert settings.drift.monitors["default"].schedule == "30m"


def test_a_bad_schedule_stops_start_up_naming_the_key_and_variable() -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(None, env_file=None, environ={**MONITOR_ENV, "DRIFT_SCHEDULE": "hourly"})
    assert "drift.monitors.default.schedule (from DRIFT_SCHEDULE)" in str(err.value)


def test_a_bad_time_zone_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"scheduler\.timezone"):
        load_settings(None, env_file=None, environ={"CLARUS__SCHEDULER__TIMEZONE": "Mars/Olympus"})
