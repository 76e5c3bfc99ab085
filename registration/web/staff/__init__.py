"""The staff pages under /staff: sign-in and accounts, the dashboard with each registration's
history, the finance pages, the registration desk's and its self-service kiosk."""

from registration.web.staff import (  # noqa: F401  (routes)
    accounts,
    desk_offline,
    desk_scans,
    own_account,
)
from registration.web.staff.approvals import approval_pages
from registration.web.staff.context import install_staff_language
from registration.web.staff.dashboard import dashboard
from registration.web.staff.desk import desk_pages
from registration.web.staff.desk_lists import desk_lists
from registration.web.staff.desk_payments import desk_payment_pages
from registration.web.staff.finance import finance_pages
from registration.web.staff.journal import journal_pages
from registration.web.staff.kiosk import install_kiosk_lock, kiosk
from registration.web.staff.overdue import overdue_pages
from registration.web.staff.registration import registration_pages
from registration.web.staff.sign_in import staff_pages
from registration.web.staff.waiting_list import waiting_list_pages

SPEAKING_AS_STAFF = (staff_pages, dashboard, finance_pages, desk_pages, desk_lists,
                     desk_payment_pages, journal_pages, approval_pages, registration_pages,
                     overdue_pages, waiting_list_pages)
install_staff_language(SPEAKING_AS_STAFF)
BLUEPRINTS = (*SPEAKING_AS_STAFF, kiosk)  # the kiosk speaks the language its visitor picks
__all__ = ["BLUEPRINTS", "install_kiosk_lock"]
