"""A web worker killed mid-request: clients retry with their Idempotency-Key, safely.

Production loses worker processes (an out-of-memory kill, a host restart). A request the
worker had saved but not yet answered leaves its client with a broken connection and no
manage token; retrying without a key would be refused ("already registered"). With the key,
every retry gets the first outcome: each person ends with exactly one place and a manage
token that opens it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import Any

import requests

from tests.production.api import MONTREAL, TIMEOUT, Stack, answered, found, person, settles, unique

PEOPLE = 40
KILLS = 6


def register_until_answered(stack: Stack, tag: str, key: str
                            ) -> tuple[dict[str, Any], int, bool]:
    """POST the registration, retrying with the same key while the connection breaks:
    the answer, how many attempts broke, and whether the answer was a replay (the broken
    attempt had been saved)."""
    body = {"attendee": person(tag), "registration_type": "delegate", "delegation": "QC"}
    url = f"{stack.topology.base_url}/api/editions/{MONTREAL}/registrations"
    broken = 0
    deadline = time.monotonic() + 60
    while True:
        try:
            answer = requests.post(url, json=body, headers={"Idempotency-Key": key},
                                   timeout=TIMEOUT)
            replayed = answer.headers.get("Idempotent-Replayed") == "true"
            return answered(answer, 201), broken, replayed
        except requests.ConnectionError:
            broken += 1
            assert time.monotonic() < deadline, "the web never answered again"
            time.sleep(0.2)


def test_clients_retrying_with_their_key_after_a_worker_is_killed_each_get_one_place(
        stack: Stack) -> None:
    batch = unique()
    tags = [f"{batch}k{n}" for n in range(PEOPLE)]
    keys = {tag: str(uuid.uuid4()) for tag in tags}
    stop = threading.Event()

    def kill_workers() -> None:
        for _ in range(KILLS):
            if stop.wait(0.1):
                return
            workers = stack.topology.web_workers()
            if workers:
                with suppress(ProcessLookupError):  # gone since it was listed
                    os.kill(workers[0], signal.SIGKILL)

    killer = threading.Thread(target=kill_workers)
    killer.start()
    with ThreadPoolExecutor(8) as pool:
        results = dict(zip(tags, pool.map(
            lambda tag: register_until_answered(stack, tag, keys[tag]), tags), strict=True))
    stop.set()
    killer.join()

    documents = {tag: document for tag, (document, _, _) in results.items()}
    assert len({d["id"] for d in documents.values()}) == PEOPLE
    for document in documents.values():  # each token opens its own place
        holder = {"Authorization": f"Bearer {document['manage_token']}"}
        opened = answered(stack.get(f"/api/registrations/{document['id']}", holder), 200)
        assert opened["attendee"]["email"] == document["attendee"]["email"]
    settles(lambda: len(found(stack, batch)), PEOPLE)  # one place each, no more
    broken = [tag for tag, (_, count, _) in results.items() if count]
    saved = [tag for tag, (_, count, replayed) in results.items() if count and replayed]
    print(f"{len(broken)} of {PEOPLE} clients had a request broken by the kills; "
          f"{len(saved)} of those had been saved and were answered again by their key")
