"""localstripe for development and tests: run it on loopback and point its webhooks at us.

localstripe's own command listens on every interface and keeps its state in a fixed
/tmp file shared by every instance; `python -m registration.adapters.localstripe_dev`
runs the same server on 127.0.0.1 only, with its state in a file of our choosing (or none).
"""

from __future__ import annotations

import argparse
import pickle
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

WEBHOOK_ID = "registration"


def serve(port: int, state: Path | None) -> None:
    """Run localstripe in this process (blocking)."""
    from aiohttp import web
    from localstripe import resources, server

    def dump(store: resources.Store) -> None:
        if state is not None:
            state.write_bytes(pickle.dumps(dict(store), protocol=pickle.HIGHEST_PROTOCOL))

    resources.Store.dump_to_disk = dump  # type: ignore[method-assign]
    if state is not None and state.exists():
        resources.store.update(pickle.loads(state.read_bytes()))
    web.run_app(server.app, host="127.0.0.1", port=port, print=None, access_log=None)


def start(port: int, state: Path | None = None, log: Path | None = None) -> subprocess.Popen:
    """Start localstripe as a child process and wait until it answers."""
    command = [sys.executable, "-m", __name__, "--port", str(port)]
    if state is not None:
        command += ["--state", str(state)]
    if log is None:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        with log.open("ab") as output:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(command, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while not answers(base):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(f"localstripe did not start on {base}")
        time.sleep(0.1)
    return process


def answers(api_base: str) -> bool:
    try:
        return requests.get(f"{api_base}/js.stripe.com/v3/", timeout=1).ok
    except requests.RequestException:
        return False


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def register_webhook(api_base: str, url: str, secret: str, webhook_id: str = WEBHOOK_ID) -> None:
    """Ask localstripe to send every event, signed with `secret`, to `url`."""
    response = requests.post(f"{api_base}/_config/webhooks/{webhook_id}",
                             data={"url": url, "secret": secret}, timeout=5)
    response.raise_for_status()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_for_development(api_base: str, webhook_secret: str, app_url: str,
                          instance_path: Path) -> subprocess.Popen | None:
    """For `make run`: start localstripe where STRIPE_API_BASE points (unless it already
    runs, or points at real Stripe), and register `{app_url}/webhooks/stripe`.

    Returns the child process to stop on exit (None when none was started).
    """
    parts = urlsplit(api_base)
    if parts.hostname not in {"127.0.0.1", "localhost"} or not parts.port:
        return None
    process = None
    if not answers(api_base):
        instance_path.mkdir(parents=True, exist_ok=True)
        process = start(parts.port, instance_path / "localstripe.pickle",
                        instance_path / "localstripe.log")
    register_webhook(api_base, f"{app_url.rstrip('/')}/webhooks/stripe", webhook_secret)
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description="localstripe on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--state", type=Path, default=None,
                        help="keep localstripe's objects in this file across restarts")
    args = parser.parse_args()
    serve(args.port, args.state)


if __name__ == "__main__":
    main()
