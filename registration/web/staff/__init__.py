"""The staff pages under /staff: sign-in and accounts, the dashboard with each registration's
history, the finance pages and the registration desk's."""

from registration.web.staff import accounts, own_account  # noqa: F401  (their routes)
from registration.web.staff.context import install_staff_language
from registration.web.staff.dashboard import dashboard
from registration.web.staff.desk import desk_pages
from registration.web.staff.desk_lists import desk_lists
from registration.web.staff.desk_payments import desk_payment_pages
from registration.web.staff.finance import finance_pages
from registration.web.staff.journal import journal_pages
from registration.web.staff.overdue import overdue_pages
from registration.web.staff.registration import registration_pages
from registration.web.staff.sign_in import staff_pages

BLUEPRINTS = (staff_pages, dashboard, finance_pages, desk_pages, desk_lists,
              desk_payment_pages, journal_pages, registration_pages, overdue_pages)
install_staff_language(BLUEPRINTS)
