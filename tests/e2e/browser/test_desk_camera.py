"""Scanning badges with a phone's camera at the desk, in a real Chromium.

Chromium gets a fake camera filming a badge's QR code (a Y4M video, tests/support/fake_camera).
Debian's Chromium on Linux has no `BarcodeDetector` (Google builds it for Android, ChromeOS and
macOS only), so the camera test gives the page a stand-in with the same API that reads the
camera's real frames with zxing-cpp: the frames, getUserMedia, the page's script and the
check-in are real; only the decoding is ours. Where Chromium has its own, it is used.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, Response, expect

from domain.attendee import Attendee
from domain.checkin import grouped, short_code
from registration.services.container import Services
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.browser.conftest import DESKTOP, snap
from tests.e2e.browser.test_staff_pages import PASSWORD, SLUG, register, sign_in
from tests.support import editions
from tests.support.fake_camera import qr_y4m

pytestmark = pytest.mark.browser
CHECK_IN = f"/staff/desk/{SLUG}/check-in"
PRINT_ON_SCAN = f"/staff/desk/{SLUG}/print-on-scan"
STAND_IN_DETECTOR = """
if (!("BarcodeDetector" in window)) {
  window.BarcodeDetector = class {
    static async getSupportedFormats() { return ["qr_code"]; }
    constructor(options) { this.formats = options.formats; }
    async detect(video) {
      const canvas = document.createElement("canvas");
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0);
      const text = await window.readQrFrame(canvas.toDataURL("image/png"));
      return text ? [{rawValue: text, format: "qr_code"}] : [];
    }
  };
}
"""
NO_DETECTOR = "delete window.BarcodeDetector;"


def read_qr_frame(data_url: str) -> str:
    """The text of the QR code in a frame of the camera (PNG data URL), or ""."""
    image = Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])))
    found = zxingcpp.read_barcodes(image)
    return found[0].text if found else ""


def filming(browser: Browser, video: Path, base_url: str, locale: str) -> Iterator[Page]:
    """A page in a Chromium whose (rear) camera films `video`, camera permission granted."""
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_FLAGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    context = chromium.new_context(base_url=base_url, locale=locale, viewport=DESKTOP)
    context.grant_permissions(["camera"])
    context.expose_function("readQrFrame", read_qr_frame)
    context.add_init_script(STAND_IN_DETECTOR)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    chromium.close()


def test_the_camera_button_reads_a_badge_and_checks_the_person_in(
        browser: Browser, live_server: str, services: Services, edition: dict,
        tmp_path: Path) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    francois = register(services, 1, "QC")
    secret = services.registrations.get(francois).checkin_secret
    video = qr_y4m(secret, tmp_path / "badge.y4m")
    for page in filming(browser, video, live_server, "en-CA"):
        sign_in(page, "desk@example.com")
        page.goto(CHECK_IN + "?lang=en")
        camera = page.get_by_role("button", name="Scan with the camera")
        expect(camera).to_be_visible()
        snap(page, "desk-check-in-camera-button-en")

        camera.click()

        answer = page.locator("[data-answer]")
        expect(answer).to_have_attribute("data-answer", "warn")  # checked in, payment due
        expect(answer).to_contain_text("Checked in")
        expect(answer).to_contain_text("François Tremblay1")
        expect(page.locator("[data-camera] video")).to_be_visible()  # on again for the next
        page.wait_for_timeout(1500)  # the same badge, still filmed, is not sent again
        expect(answer).not_to_contain_text("Already")
        history = [e.event for e in services.registrations.history(francois)]
        assert history.count("CheckedIn") == 1
        snap(page, "desk-check-in-camera-on-en")
        page.get_by_role("button", name="Stop the camera").click()
        expect(page.locator("[data-camera]")).to_be_hidden()
        expect(camera).to_be_visible()
        page.goto(CHECK_IN + "?lang=fr")
        expect(page.get_by_role("button", name="Scanner avec la caméra")).to_be_visible()
        snap(page, "desk-check-in-camera-button-fr")


def test_without_barcode_detector_there_is_no_camera_button_and_typing_still_checks_in(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    aline = register(services, 3, "QC")
    code = grouped(short_code(services.registrations.get(aline).checkin_secret))
    page.context.add_init_script(NO_DETECTOR)
    sign_in(page, "desk@example.com")
    page.goto(CHECK_IN + "?lang=fr")

    expect(page.locator("[data-camera-start]")).to_be_hidden()
    expect(page.locator("[data-camera]")).to_be_hidden()
    page.keyboard.type(code)
    page.keyboard.press("Enter")

    expect(page.locator("[data-answer]")).to_contain_text("Arrivée enregistrée")
    expect(page.locator("[data-camera-start]")).to_be_hidden()


def opened(answer: Response) -> None:
    """The scan opened François Tremblay4's badge in Chromium's PDF viewer (whose page
    Playwright then gives as the body: the PDF's content is checked in tests/e2e)."""
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'inline; filename="badge-Tremblay4.pdf"'


def test_print_on_scan_reads_the_attendees_e_ticket_and_opens_their_badge_without_check_in(
        browser: Browser, live_server: str, page: Page, french_page: Page, services: Services,
        edition: dict, tmp_path: Path) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    person = Attendee(**editions.attendee(4))
    created = services.registrations.register(SLUG, person, "delegate", "QC")
    registration_id = created.registration.id
    secret = services.registrations.get(registration_id).checkin_secret
    for attendee, language in ((french_page, "fr"), (page, "en")):
        attendee.goto(f"/r/{registration_id}?token={created.manage_token}&lang={language}")
        ticket = attendee.locator("[data-e-ticket]")
        expect(ticket).to_be_visible()
        expect(ticket.locator("svg")).to_be_visible()
        expect(ticket.locator("[data-ticket-code]")).to_have_text(grouped(short_code(secret)))
        snap(attendee, f"manage-e-ticket-{language}")
    typed_code = page.locator("[data-ticket-code]").inner_text()

    sign_in(page, "desk@example.com")
    page.goto(PRINT_ON_SCAN + "?lang=fr")
    expect(page.locator("h1")).to_have_text("Impression au scan")
    snap(page, "desk-print-on-scan-fr")
    with page.expect_response(lambda r: r.request.method == "POST") as typed:
        page.keyboard.type(typed_code)
        page.keyboard.press("Enter")
    opened(typed.value)

    video = qr_y4m(secret, tmp_path / "e-ticket.y4m")
    for desk in filming(browser, video, live_server, "en-CA"):
        sign_in(desk, "desk@example.com")
        desk.goto(PRINT_ON_SCAN + "?lang=en")
        snap(desk, "desk-print-on-scan-en")
        with desk.expect_response(lambda r: r.request.method == "POST") as filmed:
            desk.get_by_role("button", name="Scan with the camera").click()
        opened(filmed.value)
    history = [e.event for e in services.registrations.history(registration_id)]
    assert history.count("BadgePrinted") == 2 and "CheckedIn" not in history
