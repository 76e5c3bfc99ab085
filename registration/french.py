"""Québec French the formatters do not give: "1er mars", "du 2 au 4 juin", "de l'Alliance".

Pure text functions (no Flask): the pages, e-mails and invoice documents share them.
"""

from __future__ import annotations

import re
import unicodedata

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
FIRST = re.compile(r"(?<![\d])1(?=[ \u00a0](?:" + "|".join(MONTHS) + r")\b)")


def first_of_month(text: str) -> str:
    """Babel writes "1 mars"; French writes "1er mars" (the first day only)."""
    return FIRST.sub("1er", text)


# Common nouns an organisation's or an event's name may start with, by the article they take.
FEMININE = {"rencontre", "assemblée", "session", "réunion", "journée", "semaine",
            "biennale", "exposition", "foire",
            "alliance", "association", "organisation", "union", "université", "école",
            "agence", "académie", "fédération", "société", "chambre", "fondation",
            "coalition", "commission", "corporation", "confédération", "coopérative",
            "conférence", "table", "ville", "municipalité", "direction", "délégation"}
MASCULINE = {"institut", "office", "conseil", "centre", "regroupement", "réseau", "comité",
             "collège", "secrétariat", "bureau", "ministère", "gouvernement", "consortium",
             "ordre", "syndicat", "groupe", "forum", "congrès", "colloque", "sommet",
             "symposium", "salon", "séminaire", "atelier", "festival", "rendez-vous"}
ORDINAL = re.compile(r"^\d+(?:e|re|er|ième)$")
VOWELS = "aeiouyhàâäéèêëîïôöùûü"


def of_name(name: str) -> str:
    """ "de" before an organisation's name: "de l'Alliance des États…", "du Conseil…",
    "de la Fédération…", "d'Hydro-Québec", "de Bell" (a proper name takes no article)."""
    name = name.strip()
    if not name:
        return "de"
    words = name.split(maxsplit=1)
    first = words[0].casefold()
    if first in {"le", "les"} and len(words) > 1:  # "Le Conseil…" → "du Conseil…"
        return ("du " if first == "le" else "des ") + words[1]
    if first == "la" or first.startswith(("l'", "l\u2019")):
        return "de " + name[0].lower() + name[1:]
    starts_with_vowel = unicodedata.normalize("NFC", first)[:1] in VOWELS
    if first in FEMININE or first in MASCULINE:
        if starts_with_vowel:
            return f"de l\u2019{name}"
        return f"de la {name}" if first in FEMININE else f"du {name}"
    return f"d\u2019{name}" if starts_with_vowel else f"de {name}"



def _noun(words: list[str]) -> str:
    """The word that decides the article: "Conférence" in "12e Conférence de…"."""
    if len(words) > 1 and ORDINAL.match(words[0]):
        return words[1].casefold()
    return words[0].casefold()


def with_article(name: str) -> str:
    """An event's name as a French sentence needs it: "la 12e Conférence…", "le Congrès…",
    "l'Assemblée…"; a proper name stays as it is ("Montréal 2026")."""
    name = name.strip()
    words = name.split()
    if not words or words[0].casefold() in {"le", "la", "les"} \
            or words[0].casefold().startswith(("l'", "l\u2019")):
        return name
    noun = _noun(words)
    if noun not in FEMININE and noun not in MASCULINE:
        return name
    if noun == words[0].casefold() and name[:1].casefold() in VOWELS:
        return f"l\u2019{name}"
    return f"la {name}" if noun in FEMININE else f"le {name}"


def to_name(name: str) -> str:
    """ "à" before an event's name: "à la 12e Conférence…", "au Congrès…", "à Expo 2026"."""
    named = with_article(name)
    if named.startswith("le "):
        return "au " + named[3:]
    if named.startswith("les "):
        return "aux " + named[4:]
    return "à " + named
