"""When drift checks run on their own: schedule syntax and scheduler-wide policy.

A schedule is one string so that a single environment variable (DRIFT_SCHEDULE)
can carry it: a five-field cron expression ("*/15 * * * *") or an interval
("90s", "15m", "2h", "1d").
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field

from clarus_daemon.config.base import PositiveSeconds, Section
from clarus_daemon.scheduler.crontab import cron_trigger

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class CronSchedule:
    expression: str


@dataclass(frozen=True)
class IntervalSchedule:
    every: timedelta


ParsedSchedule = CronSchedule | IntervalSchedule


def parse_schedule(text: str) -> ParsedSchedule:
    """ValueError explains the accepted forms when `text` is neither."""
    if match := _INTERVAL.match(text):
        seconds = float(match[1]) * _UNIT_SECONDS[match[2]]
        if seconds <= 0:
            raise ValueError(f"interval {text!r} must be longer than 0 s")
        return IntervalSchedule(timedelta(seconds=seconds))
    if len(text.split()) != 5:
        raise ValueError(
            f"{text!r} is neither a cron expression (5 fields, e.g. '*/15 * * * *') "
            "nor an interval (e.g. '90s', '15m', '2h', '1d')"
        )
    try:
        cron_trigger(text, "UTC")
    except ValueError as err:
        raise ValueError(f"cron expression {text!r}: {err}") from err
    return CronSchedule(text.strip())


def _check_schedule(text: str) -> str:
    parse_schedule(text)
    return text.strip()


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(
            f"{name!r} is not a known time zone (e.g. 'UTC', 'Europe/Madrid')"
        ) from err
    return name


ScheduleText = Annotated[str, AfterValidator(_check_schedule)]
TimezoneName = Annotated[str, AfterValidator(_check_timezone)]


class SchedulerSettings(Section):
    enabled: bool = Field(True, description="Run monitors with a schedule on their own.")
    timezone: TimezoneName = Field("UTC", description="Zone cron expressions are read in.")
    misfire_grace_s: PositiveSeconds = Field(
        300.0, description="A run that could not start on time still starts this late (s)."
    )
    coalesce: bool = Field(True, description="Several missed runs start once, not repeatedly.")
    jitter_s: float = Field(
        0.0, ge=0, description="Random delay added to each run, spreading load (s)."
    )
    backoff_base_s: PositiveSeconds = Field(
        60.0, description="Pause after a monitor's first failed run; doubles per failure (s)."
    )
    backoff_max_s: PositiveSeconds = Field(
        3600.0, description="Longest pause after repeated failures (s)."
    )
