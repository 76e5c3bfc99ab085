"""Security headers on every answer: pages, the API, files, errors.

- `Content-Security-Policy`: scripts only from this site (every script is a file under
  static/js; no inline script, no `on…=` attribute), and on the two card-payment pages also
  Stripe.js with what it needs (`use_stripe_js()`): for real Stripe what Stripe's integration
  security guide lists (js.stripe.com scripts and frames, hooks.stripe.com frames for 3-D
  Secure, api.stripe.com calls), for localstripe its origin. Styles may be inline: the pages
  colour registration types from the edition's data with `style` attributes, and a style cannot
  run code. No page may be framed (`frame-ancestors 'none'`, and `X-Frame-Options` for older
  browsers), forms post only here, no plugins, no `<base>`.
- `Permissions-Policy`: no page may use the camera, the microphone or the location, except
  the desk's scan screens (`use_camera()`: check-in and print on scan), which may use the
  camera themselves (`camera=(self)`; never a frame). The camera's picture is shown through
  `video.srcObject`, which the CSP does not govern: no `blob:` or `media-src` is needed.
- `Referrer-Policy: same-origin`: the manage link carries its token in the URL, so no other
  site (Stripe.js included) is ever told the address of a page.
- `X-Content-Type-Options: nosniff`: a browser never runs a download as something else.
- `Strict-Transport-Security` (a year) when served over HTTPS: the request is secure, or
  `SESSION_COOKIE_SECURE=true` says a proxy terminates TLS in front.

Flask-Talisman does the same but redirects to HTTPS, rewrites the session cookie settings
and sends HSTS in debug by default; ours is this one hook with our policy in plain sight.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, g, request

from registration.adapters.stripe_gateway import REAL_STRIPE_API
from registration.config import Settings

HSTS = "max-age=31536000"
# https://docs.stripe.com/security/guide#content-security-policy
REAL_STRIPE = {
    "script-src": ("https://js.stripe.com", "https://*.js.stripe.com"),
    "frame-src": ("https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"),
    "connect-src": ("https://api.stripe.com",),
}
NO_DEVICES = "camera=(), microphone=(), geolocation=()"
CAMERA = "camera=(self), microphone=(), geolocation=()"
BASE_POLICY = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'", "'unsafe-inline'"),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "frame-src": ("'none'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}


def stripe_sources(api_base: str) -> dict[str, tuple[str, ...]]:
    """What Stripe.js needs: real Stripe's hosts, or the origin of localstripe (its
    stand-in script and the API it calls)."""
    if api_base.rstrip("/") == REAL_STRIPE_API:
        return REAL_STRIPE
    parts = urlsplit(api_base)
    origin = f"{parts.scheme}://{parts.netloc}"
    return {"script-src": (origin,), "connect-src": (origin,)}


def policy(extra: dict[str, tuple[str, ...]] | None = None) -> str:
    directives = dict(BASE_POLICY)
    for name, sources in (extra or {}).items():
        kept = tuple(s for s in directives[name] if s != "'none'")
        directives[name] = kept + sources
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def use_stripe_js() -> None:
    """This page loads Stripe.js: its policy lets Stripe's script, frames and calls in."""
    g.uses_stripe_js = True


def use_camera() -> None:
    """This page scans badges with the device's camera (the desk's scan screens)."""
    g.uses_camera = True


def install_security_headers(app: Flask, settings: Settings) -> None:
    plain = policy()
    with_stripe = policy(stripe_sources(settings.stripe_api_base))

    @app.after_request
    def secure(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = with_stripe if g.get("uses_stripe_js") else plain
        headers["Permissions-Policy"] = CAMERA if g.get("uses_camera") else NO_DEVICES
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Content-Type-Options"] = "nosniff"
        if settings.secure_cookies or request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        return response
