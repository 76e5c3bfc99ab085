"""The conference registration backend; `registration.app.create_app()` builds the web app.

Nothing is imported here: badge-rendering worker processes import `registration.adapters`
and need neither Flask nor the services (measured: ~85 MB and 0.35 s less per worker).
"""
