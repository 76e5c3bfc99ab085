"""The WSGI entry point: `gunicorn wsgi:app` (one application per worker, built after fork)."""

from registration.app import create_app

app = create_app()
