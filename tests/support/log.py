"""The event log's head once what the last commands owe has been recorded."""

from __future__ import annotations

from registration.services.container import Services


def head_at_rest(services: Services) -> int:
    """The log's last position once the mail sender has queued the mails the last commands
    owe (it saves a `Mail` per cancellation, refund, invoice… off-request, a moment later):
    what a test compares with after requests that must record nothing."""
    assert services.mail_sender is None or services.mail_sender.wait_idle()
    return services.app.recorder.max_notification_id()
