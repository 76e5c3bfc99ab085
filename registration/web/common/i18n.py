"""English and French pages: picking the language, translating, formatting dates and money.

The French catalog is read from its .po file at start-up and compiled in memory, so there is
no compile step to forget. The language follows `?lang=`, then the person's choice kept in
the session, then the edition (a one-language edition, or the browser's preference among
the edition's languages), then the browser's Accept-Language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    format_timedelta,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, g, request, session

from domain.money import Money
from registration.amounts_text import currency_text, locale_of, percent_text
from registration.french import first_of_month

LANGUAGES = ("en", "fr")
DEFAULT = "en"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def load_catalogs(folder: Path) -> dict[str, NullTranslations]:
    catalogs: dict[str, NullTranslations] = {"en": NullTranslations()}
    for language in LANGUAGES[1:]:
        with (folder / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po, locale=language)
        compiled = BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        catalogs[language] = Translations(compiled)
    return catalogs


def choose_language(edition_languages: Sequence[str] = ()) -> str:
    """Decide this request's language (and remember an explicit `?lang=` choice)."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LANGUAGES:
        return str(session["lang"])
    offered = [lang for lang in edition_languages if lang in LANGUAGES] or list(LANGUAGES)
    if len(offered) == 1:
        return offered[0]
    best = request.accept_languages.best_match(offered)
    return best or (offered[0] if edition_languages else DEFAULT)


def set_language(language: str, territory: str = "CA") -> None:
    g.language = language
    g.locale = locale_of(language, territory)


def current_language() -> str:
    if "language" not in g:
        set_language(choose_language())
    return str(g.language)


def current_locale() -> str:
    current_language()
    return str(g.locale)


def _translations() -> NullTranslations:
    catalogs: dict[str, NullTranslations] = g.get("catalogs") or {}
    return catalogs.get(current_language()) or NullTranslations()


def gettext(message: str) -> str:
    return str(_translations().gettext(message))


def pgettext(context: str, message: str) -> str:
    """A word whose translation depends on where it stands ("Paid": a status, a count)."""
    return str(_translations().pgettext(context, message))


def ngettext(singular: str, plural: str, n: int) -> str:
    return str(_translations().ngettext(singular, plural, n))


def money(value: Money | None) -> str:
    """`$1,258.98` in English, `1 258,98 $` in French (USD shows as `US$`/`$ US` in Canada)."""
    if value is None:
        return ""
    return currency_text(value.amount, value.currency, current_locale())


def day(value: date | datetime | str, style: str = "long", zone: tzinfo | None = None) -> str:
    """`March 20, 2019` / `20 mars 2019` (`1er mars`), or without the year (`day-month`).

    The one way a page writes a day: a table's too (ISO stays in exports, the API and
    date fields). Takes a day as documents keep it (`2019-03-20`)."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(zone).date() if zone else value.date()
    if style == "day-month":
        text = format_skeleton("MMMMd", value, locale=current_locale())
    else:
        text = format_date(value, format="long", locale=current_locale())
    return first_of_month(text) if current_language() == "fr" else text


def time_of_day(value: datetime, zone: tzinfo | None = None) -> str:
    """`10:16 p.m.` / `22 h 16`: the one way a page writes a time (never split at its
    spaces, so a narrow cell does not leave `h 16` on a line of its own)."""
    local = value.astimezone(zone) if zone else value
    return format_time(local, format="short", locale=current_locale()).replace(" ", "\u00a0")


def dates(start: date, end: date) -> str:
    """A span of days in the page's language (see span_of_days)."""
    return span_of_days(start, end, current_language(), current_locale())


@lru_cache(maxsize=1024)
def span_of_days(start: date, end: date, language: str, locale: str) -> str:
    """`June 2-4, 2019` / `du 2 au 4 juin 2019` (`du 1er au 3 mars`), for pages and e-mails:
    formatted once per span and locale (babel reads its locale data on every call: 7.7 us
    a span, each confirmation e-mail shows its edition's)."""

    def long(value: date) -> str:
        text = format_date(value, format="long", locale=locale)
        return first_of_month(text) if language == "fr" else text

    def day_month(value: date) -> str:
        text = format_skeleton("MMMMd", value, locale=locale)
        return first_of_month(text) if language == "fr" else text

    if start == end:
        return long(start) if language != "fr" else "le " + long(start)
    if language != "fr":
        if (start.year, start.month) == (end.year, end.month):
            return f"{day_month(start)}\u2013{end.day}, {end.year}"
        begins = day_month(start) if start.year == end.year else long(start)
        return f"{begins} \u2013 {long(end)}"
    if (start.year, start.month) == (end.year, end.month):
        begins = "1er" if start.day == 1 else str(start.day)
    elif start.year == end.year:
        begins = day_month(start)
    else:
        begins = long(start)
    return f"du {begins} au {long(end)}"


def moment(value: datetime, zone: tzinfo | None = None) -> str:
    """`April 2, 2019, 9:00 a.m.` / `2 avril 2019, 09 h 00`: to the minute, in the edition's
    zone (`day` and `time_of_day` together)."""
    local = value.astimezone(zone) if zone else value
    return f"{day(local)}, {time_of_day(local)}"


def duration(seconds: int) -> str:
    """`45 seconds`, `2 minutes`, `1 heure`: how long to wait, roughly."""
    return format_timedelta(timedelta(seconds=seconds), threshold=1.5, locale=current_locale())


def percent(value: Decimal) -> str:
    return percent_text(value, current_locale())


def install(app: Flask, folder: Path) -> None:
    catalogs = load_catalogs(folder)

    @app.before_request
    def attach_catalogs() -> None:
        g.catalogs = catalogs

    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext)
    app.jinja_env.filters.update(money=money, day=day, time_of_day=time_of_day, dates=dates,
                                 moment=moment, percent=percent)
    app.jinja_env.globals.update(current_language=current_language, LANGUAGES=LANGUAGES)
