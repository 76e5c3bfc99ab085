"""Is the product healthy: can it reach its database, and how far behind are its followers?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from registration.following import FollowerState, LogFollower

# How each follower of the log is called outside the code.
FOLLOWER_NAMES = {"Conference": "read_models", "Conference.mail": "mail"}


@dataclass(frozen=True)
class Health:
    database: str  # "ok", or what went wrong
    log_head: int | None
    followers: tuple[FollowerState, ...]

    @property
    def healthy(self) -> bool:
        return self.database == "ok" and all(f.error is None for f in self.followers)

    def to_dict(self) -> dict[str, Any]:
        head = self.log_head or 0
        return {
            "status": "ok" if self.healthy else "failing",
            "database": self.database,
            "log_head": self.log_head,
            "followers": [{
                "name": FOLLOWER_NAMES.get(f.name, f.name), "position": f.position,
                "lag": max(head - f.position, 0), "stopped": f.error is not None,
                "error": f.error,
            } for f in self.followers],
        }


def check_health(followers: list[LogFollower]) -> Health:
    try:
        head = followers[0].app.recorder.max_notification_id() or 0
        states = tuple(f.state() for f in followers)
    except Exception as error:  # unreachable database, missing tables: say so, answer 503
        return Health(database=f"unreachable: {type(error).__name__}: {error}"[:500],
                      log_head=None, followers=())
    return Health(database="ok", log_head=head, followers=states)
