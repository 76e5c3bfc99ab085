"""Sending outside the request: a save wakes one daemon thread that drains the mail queue.

A slow or absent SMTP server therefore never holds up (or breaks) a registration's response;
what fails is retried by the processor's schedule, checked again every `retry_every` seconds.
"""

from __future__ import annotations

import threading

from registration.mail.processor import MailProcessor


class BackgroundSender:
    def __init__(self, processor: MailProcessor, retry_every: float = 60.0) -> None:
        self.processor = processor
        self.retry_every = retry_every
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """Called after every save: something may be waiting to be sent."""
        with self._lock:
            if self._stopped:
                return
            self._idle.clear()
            self._wanted.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wanted.wait(self.retry_every)
            with self._lock:
                self._wanted.clear()
                if self._stopped:
                    return
            self.processor.drain_quietly()
            with self._lock:
                if not self._wanted.is_set():
                    self._idle.set()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Until everything woken so far has been processed (for tests and shutdown)."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._wanted.set()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=15)
