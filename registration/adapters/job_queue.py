"""The background-job queue (huey): SQLite under the instance folder, or Redis when configured.

Jobs run in a render worker process (`flask --app wsgi jobs run`: huey's consumer with
worker processes, the Procfile's `jobs` line) or, for `make run` and the tests, in threads of
the web process itself (`EmbeddedConsumer`), so the single-command demo still works. Both
run the periodic tasks too (the payment-deadline pass, every minute): several consumers
may run one at the same time, so a periodic task must be safe to run twice at once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

log = logging.getLogger(__name__)
POLL_EVERY = 0.05  # seconds between looks at an empty queue at first…
POLL_AT_MOST = 0.5  # …backing off to this (huey's default of 10 s is too slow for a desk)


def make_queue(name: str, instance_path: Path, redis_url: str | None) -> Huey:
    """RedisHuey when `redis_url` is set (workers on other machines), else SqliteHuey."""
    if redis_url:
        return RedisHuey(name, url=redis_url, results=False)
    instance_path.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(instance_path / "jobs.sqlite3"), results=False)


def consumer(queue: Huey, workers: int, worker_type: str) -> Consumer:
    return Consumer(queue, workers=workers, worker_type=worker_type, periodic=True,
                    initial_delay=POLL_EVERY, max_delay=POLL_AT_MOST, backoff=1.5,
                    check_worker_health=worker_type == "process")


class EmbeddedConsumer(Consumer):
    """Worker threads in this process; leaves signals to the process that owns them."""

    def _set_signal_handlers(self) -> None:
        pass

    def close(self, timeout: float = 10.0) -> None:
        """Stop taking jobs; wait for a job in hand to end (a cancelled one stops soon)."""
        self.stop_flag.set()
        for _, thread in self.worker_threads:
            thread.join(timeout)  # type: ignore[attr-defined]
        self.scheduler.join(timeout)  # type: ignore[attr-defined]


def embedded_consumer(queue: Huey, workers: int = 2) -> EmbeddedConsumer:
    running = EmbeddedConsumer(queue, workers=workers, worker_type="thread", periodic=True,
                               initial_delay=POLL_EVERY, max_delay=POLL_AT_MOST, backoff=1.5,
                               check_worker_health=False)
    running.start()
    return running
