"""APScheduler triggers from the schedule strings of the configuration."""

from datetime import tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from clarus_daemon.config.scheduling import CronSchedule, ParsedSchedule, parse_schedule
from clarus_daemon.scheduler.crontab import cron_trigger


def build_trigger(schedule: str | ParsedSchedule, timezone: tzinfo, jitter_s: float) -> BaseTrigger:
    parsed = parse_schedule(schedule) if isinstance(schedule, str) else schedule
    jitter = jitter_s or None
    if isinstance(parsed, CronSchedule):
        trigger = cron_trigger(parsed.expression, timezone)
        trigger.jitter = jitter
        return trigger
    return IntervalTrigger(seconds=parsed.every.total_seconds(), timezone=timezone, jitter=jitter)
