"""Debian's headless Chromium (the `browser` fixture of tests/conftest.py, one per test
process, shared with tests elsewhere) driving the app served over HTTP (`live_server`).

Browser tests run on SQLite only (the backends are covered below the pages). Set
SCREENSHOT_DIR to keep a desktop and a phone-width screenshot of each page visited.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

AXE = Path(__file__).resolve().parents[3] / "node_modules/axe-core/axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def database_url() -> None:
    return None


def new_page(browser: Browser, base_url: str, locale: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, locale=locale, viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A visitor whose browser prefers English."""
    yield from new_page(browser, live_server, "en-CA")


@pytest.fixture
def french_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A visitor whose browser prefers Canadian French."""
    yield from new_page(browser, live_server, "fr-CA")


def snap(page: Page, name: str) -> None:
    """Keep the page at desktop and phone width when SCREENSHOT_DIR is set."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{folder}/{name}-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{folder}/{name}-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def axe_source() -> str:
    """axe-core's script (from npm: scripts/setup-node.sh), for the accessibility checks."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: run scripts/setup-node.sh")
        pytest.skip(f"{AXE} is missing: run scripts/setup-node.sh")
    return AXE.read_text()


def snap_pdf(pdf: bytes, name: str) -> None:
    """Keep a PDF's pages as PNG (80 dpi) when SCREENSHOT_DIR is set."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-", f"{folder}/{name}"], input=pdf,
                   check=True)
