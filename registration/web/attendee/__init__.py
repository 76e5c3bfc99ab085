"""The pages attendees see: an edition and its registration forms (one person or a
delegation), and behind the secret manage link their registration, its changes, card
payment and invoices."""

from registration.web.attendee.checkout import checkout
from registration.web.attendee.leads import leads
from registration.web.attendee.manage import attendee
from registration.web.attendee.payments import attendee_payments
from registration.web.attendee.public import public
from registration.web.attendee.waiting_list import waiting

BLUEPRINTS = (public, attendee, checkout, attendee_payments, leads, waiting)
