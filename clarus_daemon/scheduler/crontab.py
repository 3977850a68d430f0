"""Standard crontab expressions on APScheduler 3.

APScheduler 3 numbers weekdays from Monday = 0, crontab from Sunday = 0 (7 is
Sunday too), so "1-5" would run Tuesday to Saturday. The day-of-week field is
expanded here in crontab's terms and handed over as explicit APScheduler days.
"""

from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

_NAMES = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
_ALL_DAYS = frozenset(range(7))


def _day(text: str) -> int:
    lowered = text.lower()
    if lowered in _NAMES:
        return _NAMES[lowered]
    if not text.isdigit() or int(text) > 7:
        raise ValueError(f"day of week {text!r} is not 0-7 or sun-sat")
    return int(text)


def _expand(part: str) -> set[int]:
    base, _, step_text = part.partition("/")
    if step_text and (not step_text.isdigit() or int(step_text) == 0):
        raise ValueError(f"day of week step {step_text!r} must be a positive number")
    step = int(step_text or 1)
    if base == "*":
        first, last = 0, 6
    else:
        first_text, _, last_text = base.partition("-")
        first = _day(first_text)
        last = _day(last_text) if last_text else (6 if step_text else first)
    if first > last:
        raise ValueError(f"day of week range {base!r} runs backwards")
    return {day % 7 for day in range(first, last + 1, step)}


def apscheduler_day_of_week(field: str) -> str:
    """Crontab's day-of-week field as APScheduler 3 reads it (Monday = 0)."""
    days: set[int] = set()
    for part in field.split(","):
        days |= _expand(part)
    if days == _ALL_DAYS:
        return "*"
    return ",".join(str((day - 1) % 7) for day in sorted(days))


def cron_trigger(expression: str, timezone: tzinfo | str) -> CronTrigger:
    """ValueError when `expression` is not five valid crontab fields."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"cron expression needs 5 fields, got {len(fields)}")
    minute, hour, day, month, day_of_week = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=apscheduler_day_of_week(day_of_week),
        timezone=timezone,
    )
