from __future__ import annotations

from datetime import datetime, timedelta


class SettableClock:
    """A clock the test moves by hand; each reading advances it a microsecond."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        self.current += timedelta(microseconds=1)
        return self.current

    def set(self, moment: datetime | str) -> None:
        self.current = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
