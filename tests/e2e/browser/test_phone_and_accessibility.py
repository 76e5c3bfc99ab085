"""Issue 14 item 10: every attendee page at phone width (390 px) and its accessibility.

At 390 px no page scrolls sideways and no text wraps a few characters per line; axe-core
(from npm, scripts/setup-node.sh) finds no serious or critical WCAG 2.2 AA violation, in
English and in French. The pages' CSP forbids inline scripts, so axe is evaluated through
the DevTools protocol (page.evaluate), which the CSP does not govern.

SCREENSHOT_DIR keeps each page at 390 and 1280 px.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from domain.attendee import Attendee
from registration.services.container import Services
from tests.e2e.browser.conftest import DESKTOP, PHONE
from tests.e2e.browser.test_attendee_pages import record_card_payment
from tests.support import editions
from tests.unit.test_questions import QUESTIONS

pytestmark = pytest.mark.browser
SLUG = "test-montreal"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ("en", "fr")

# Sideways scrolling, and text nodes laid out a few characters per line: each text node
# of four characters or more is measured line by line (a Range's client rects, grouped by
# their top); more than three lines averaging three characters or fewer is a squeezed text.
# And nothing may stick out past its card or the window's right edge.
LAYOUT = """() => {
  const squeezed = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, "");
    if (text.length < 4 || !node.parentElement.offsetParent) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                          .map(r => Math.round(r.top)));
    if (tops.size > 3 && text.length / tops.size <= 3) {
      squeezed.push(node.parentElement.tagName + ": " + text.slice(0, 40));
    }
  }
  // What sticks out past its card, or the window, without making it scroll (a long pill).
  const beyond = [...document.body.querySelectorAll("*")].filter(e => {
    const r = e.getBoundingClientRect();
    const card = e.parentElement && e.parentElement.closest(".card");
    const edge = card ? card.getBoundingClientRect().right : window.innerWidth;
    return r.width > 0 && r.right > edge + 1;
  }).map(e => e.tagName + "." + e.className + ": " + e.textContent.trim().slice(0, 30));
  const scroller = document.scrollingElement;
  return {overflow: scroller.scrollWidth - window.innerWidth, squeezed: squeezed,
          beyond: beyond.slice(0, 5)};
}"""


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    return stripe_settings


@pytest.fixture
def edition(services: Services) -> dict[str, Any]:
    """The Quebec test edition, asking questions (their fields are on the forms too)."""
    document = editions.edition(questions=QUESTIONS)
    services.editions.load(document)
    return document


def attendee_pages(page: Page, services: Services) -> list[str]:
    """Every attendee page, this browser holding a paid registration's link."""
    created = services.registrations.register(SLUG, Attendee(**editions.attendee(1)),
                                              "delegate", "QC")
    rid = created.registration.id
    record_card_payment(services, rid, "200.00")
    page.goto(f"/r/{rid}?token={created.manage_token}")
    lead = services.leads.record(SLUG, "QC", "Aminata Diallo", "aminata@example.com", "fr",
                                 [rid])
    page.goto(f"/g/{lead.id}?token={services.registrations.links.token(lead.id, 0)}")
    for n in range(2, 5):  # the speakers are sold out: their waiting list is open
        services.registrations.register(SLUG, Attendee(**editions.attendee(n)), "speaker")
    waiting = services.waiting_list.join(SLUG, "speaker", "QC", 2, "Jordan", "Lee",
                                         "jordan@example.com", "fr")
    page.goto(f"/w/{waiting.entry.id}?token={waiting.token}")
    return [f"/g/{lead.id}", f"/e/{SLUG}", f"/e/{SLUG}/register",
            f"/e/{SLUG}/waiting-list?registration_type=speaker", f"/w/{waiting.entry.id}",
            f"/e/{SLUG}/waiting-list/my-link",
            f"/e/{SLUG}/register?discount_code=NOPE", f"/e/{SLUG}/group", f"/e/{SLUG}/my-link",
            f"/r/{rid}/confirmation", f"/r/{rid}",
            f"/r/{rid}/details", f"/r/{rid}/answers", f"/r/{rid}/substitute",
            f"/r/{rid}/cancel", f"/pay/{rid}", f"/r/{rid}/invoice",
            "/e/nope"]


def with_language(url: str, language: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={language}"


def shot_name(url: str, language: str) -> str:
    parts = [p for p in url.split("?")[0].split("/") if p and len(p) < 30]
    extra = "-refused" if "discount_code" in url else ""
    return "-".join(parts[1:] or parts) + extra + f"-{language}"


def axe_violations(page: Page, source: str) -> list[dict[str, Any]]:
    page.evaluate(source)  # not a <script>: the CSP forbids inline ones
    assert page.evaluate("typeof window.axe") == "object"
    found = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags},
             resultTypes: ["violations"]})).violations.map(v => ({id: v.id, impact: v.impact,
             nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 3)}))""", WCAG_22_AA)
    return [v for v in found if v["impact"] in {"serious", "critical"}]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_attendee_page_fits_a_phone_and_passes_axe(
        page: Page, services: Services, edition: dict, axe_source: str, language: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    problems: dict[str, Any] = {}
    for url in attendee_pages(page, services):
        page.set_viewport_size(PHONE)
        page.goto(with_language(url, language))
        layout = page.evaluate(LAYOUT)
        if layout["overflow"] > 0 or layout["squeezed"] or layout["beyond"]:
            problems[f"{url} layout"] = layout
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{folder}/{shot_name(url, language)}-390.png", full_page=True)
        if violations := axe_violations(page, axe_source):
            problems[f"{url} axe"] = violations
        page.set_viewport_size(DESKTOP)
        if violations := axe_violations(page, axe_source):
            problems[f"{url} axe 1280"] = violations
        if folder:
            page.screenshot(path=f"{folder}/{shot_name(url, language)}-1280.png", full_page=True)
    report = Path(folder or "/tmp") / f"attendee-pages-{language}.json"
    report.write_text(json.dumps(problems, indent=1))
    assert problems == {}, json.dumps(problems, indent=1)
