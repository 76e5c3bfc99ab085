"""The JSON API under /api (with Stripe's webhook): editions and registrations, finance, the
desk, card payments, staff tokens, and the OpenAPI document with its readable page."""

from registration.web.api.badge_batches import badge_batches
from registration.web.api.desk import desk
from registration.web.api.desk_offline import desk_offline
from registration.web.api.desk_payments import desk_payments
from registration.web.api.docs import docs
from registration.web.api.finance import finance
from registration.web.api.journal import journal
from registration.web.api.leads import leads
from registration.web.api.payments import payments
from registration.web.api.registrations import api
from registration.web.api.staff_actions import staff_actions
from registration.web.api.staff_tokens import staff_tokens
from registration.web.api.waiting_list import waiting_list
from registration.web.api.webhooks import webhooks

BLUEPRINTS = (api, badge_batches, desk, desk_offline, desk_payments, docs, finance, journal,
              leads, payments, staff_actions, staff_tokens, waiting_list, webhooks)
