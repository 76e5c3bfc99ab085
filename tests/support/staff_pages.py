"""A staff member signed in to the pages, in a browser of their own (a test client)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from registration.services.container import Services

PASSWORD = "a long enough password"


def signed_in(app: Flask, services: Services, email: str = "dana@example.com",
              role: str = "admin") -> FlaskClient:
    """A new client in which the member (created on first use) has signed in."""
    if not any(m.email == email for m in services.staff.accounts()):
        services.staff.create_account(email.split("@")[0].title(), email, PASSWORD, role)
    client = app.test_client()
    page = client.get("/staff/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    answer = client.post("/staff/sign-in", data={"csrf_token": token.group(1), "email": email,
                                                 "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client
