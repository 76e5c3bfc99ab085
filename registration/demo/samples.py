"""Sample people for the Montréal 2019 demo, and what happened to a few of them.

Names are invented; organisations are those the news coverage of the conference names
(anchor companies, transit agencies, trade agencies of the member states and provinces);
e-mail domains end in the reserved `.example`. Every moment is before 20 March 2019, where
`make run` starts its clock, so nothing in the demo happens in its future.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.registration import Attendee

MONTREAL = ZoneInfo("America/Montreal")


def moment(text: str) -> datetime:
    """A local Montréal time such as "2019-02-04 09:12"."""
    return datetime.fromisoformat(text).replace(tzinfo=MONTREAL)


def address(first_name: str, last_name: str, domain: str) -> str:
    """marie-eve.gagnon@hydroquebec.example for Marie-Ève Gagnon."""
    local = f"{first_name}.{last_name}".replace("'", "").replace(" ", "").casefold()
    plain = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    return f"{plain}@{domain}"


@dataclass(frozen=True)
class Sample:
    at: str
    first_name: str
    last_name: str
    language: str
    delegation: str
    registration_type: str
    code: str | None
    organisation: str
    domain: str
    job_title: str

    @property
    def email(self) -> str:
        return address(self.first_name, self.last_name, self.domain)

    def attendee(self) -> Attendee:
        return Attendee(
            first_name=self.first_name, last_name=self.last_name, email=self.email,
            organisation=self.organisation, job_title=self.job_title, language=self.language,
        )


SAMPLES = (
    Sample("2019-02-04 09:12", "Marie-Ève", "Gagnon", "fr", "QC", "delegate", "PARTENAIRE15",
           "Hydro-Québec", "hydroquebec.example",
           "Directrice, électrification des transports"),
    Sample("2019-02-05 14:30", "François", "Bélanger", "fr", "QC", "delegate", "PARTENAIRE15",
           "Bombardier Transport", "bombardier.example",
           "Directeur des ventes, Amérique du Nord"),
    Sample("2019-02-06 10:05", "Geneviève", "Côté", "fr", "QC", "delegate", "PARTENAIRE15",
           "Aéroports de Montréal", "admtl.example",
           "Conseillère principale, développement des affaires"),
    Sample("2019-02-08 16:45", "Jérôme", "Lévesque", "fr", "QC", "exhibitor", None,
           "La Compagnie Électrique Lion", "lionelectric.example",
           "Vice-président, ventes États-Unis"),
    Sample("2019-02-11 11:20", "Stéphanie", "Thériault", "fr", "QC", "delegate", None,
           "Société de transport de Laval", "stl-laval.example",
           "Directrice, approvisionnement"),
    Sample("2019-02-12 08:55", "Luc", "Gélinas", "fr", "QC", "delegate", None,
           "Réseau de transport de Longueuil", "rtl-longueuil.example",
           "Chef de division, planification"),
    Sample("2019-02-13 13:10", "Hélène", "Dufresne", "fr", "QC", "delegate", None,
           "PMG Technologies", "pmgtest.example",
           "Ingénieure d\u2019essais"),
    Sample("2019-02-14 15:40", "Mathieu", "Pelletier", "fr", "QC", "delegate", None,
           "Groupe Robert", "groupe-robert.example",
           "Directeur, logistique"),
    Sample("2019-02-18 09:30", "Anne-Sophie", "Béland", "fr", "QC", "government", "GOUV100",
           "Ministère de l\u2019Économie et de l\u2019Innovation du Québec",
           "economie-gouv-qc.example",
           "Conseillère en affaires internationales"),
    Sample("2019-02-19 19:02", "Éloïse", "Fortin", "fr", "QC", "student", None,
           "Polytechnique Montréal", "polymtl.example",
           "Étudiante à la maîtrise, génie des transports"),
    Sample("2019-02-20 10:15", "Amélie", "Tremblay", "fr", "QC", "speaker", None,
           "CargoM", "cargo-montreal.example",
           "Directrice générale adjointe"),
    Sample("2019-02-21 12:00", "Karen", "Whitfield", "en", "GA", "speaker", None,
           "Georgia Ports Authority", "gaports.example",
           "Economic Development Specialist"),
    Sample("2019-02-22 09:45", "Rafael", "Ortiz", "en", "GA", "speaker", None,
           "Georgia Tech", "gatech.example",
           "Research Engineer, Physical Internet Center"),
    Sample("2019-02-25 14:05", "Thomas", "Brennan", "en", "GA", "delegate", None,
           "Cobb Chamber of Commerce", "cobbchamber.example",
           "Vice President, International Strategy"),
    Sample("2019-02-26 11:30", "Laura", "McAllister", "en", "GA", "government", "GOUV100",
           "Georgia Department of Economic Development", "georgia-ecd.example",
           "Director, International Trade"),
    Sample("2019-02-27 16:20", "James", "Whitaker", "en", "AL", "government", None,
           "Alabama Department of Commerce", "madeinalabama.example",
           "Trade Director"),
    Sample("2019-03-01 10:10", "Priya", "Raman", "en", "AL", "delegate", None,
           "Airbus Americas (Mobile)", "airbus-americas.example",
           "Supply Chain Manager"),
    Sample("2019-03-04 09:00", "Dwayne", "Carter", "en", "MS", "government", None,
           "Mississippi Development Authority", "mississippi-mda.example",
           "International Trade Manager"),
    Sample("2019-03-05 13:35", "Emily", "Hargrove", "en", "NC", "delegate", None,
           "Economic Development Partnership of NC", "edpnc.example",
           "International Trade Manager"),
    Sample("2019-03-06 15:15", "Sébastien", "Ouellet", "en", "SC", "speaker", None,
           "Michelin North America", "michelin-na.example",
           "Director, Sustainable Mobility"),
    Sample("2019-03-07 08:40", "Marcus", "Bell", "en", "SC", "government", None,
           "South Carolina Department of Commerce", "sccommerce.example",
           "Director, Global Business Development"),
    Sample("2019-03-08 10:50", "Sarah", "Nguyen", "en", "TN", "government", None,
           "Tennessee Department of Transportation", "tn-dot.example",
           "Freight and Logistics Director"),
    Sample("2019-03-11 11:25", "Olivia", "Chen", "en", "ON", "government", None,
           "Ontario Ministry of Economic Development, Job Creation and Trade",
           "ontario-medjct.example",
           "Senior Trade Advisor"),
    Sample("2019-03-12 14:55", "Siobhan", "MacDonald", "en", "NS", "delegate", None,
           "Nova Scotia Business Inc.", "novascotiabusiness.example",
           "Trade Development Lead"),
    Sample("2019-03-13 09:20", "Rémi", "Cormier", "fr", "NB", "delegate", None,
           "Opportunités Nouveau-Brunswick", "onbcanada.example",
           "Directeur du développement des affaires"),
    Sample("2019-03-14 16:00", "Gregory", "Friesen", "en", "MB", "government", None,
           "Manitoba Trade and Investment", "manitoba-trade.example",
           "Trade Commissioner"),
    Sample("2019-03-15 10:35", "Claire", "Arsenault", "en", "PE", "delegate", None,
           "Innovation PEI", "innovationpei.example",
           "Business Development Officer"),
    Sample("2019-03-18 13:45", "Patrick", "O'Reilly", "en", "NL", "student", None,
           "Memorial University of Newfoundland", "mun.example",
           "PhD Candidate, Ocean Technology"),
    # An exhibitor the organisers have not approved yet (exhibitors need approval).
    Sample("2019-03-14 10:20", "Karen", "Whitfield", "en", "GA", "exhibitor", None,
           "Blue Bird Corporation", "blue-bird.example", "Director, Electric Bus Sales"),
)

# Who cancelled, who handed their place to a colleague, and who corrected a detail.
CANCELLATIONS = (
    (address("Mathieu", "Pelletier", "groupe-robert.example"), "2019-03-12 17:05"),
    (address("Dwayne", "Carter", "mississippi-mda.example"), "2019-03-15 09:30"),
)
SUBSTITUTIONS = (
    (address("Thomas", "Brennan", "cobbchamber.example"), "2019-03-18 11:00",
     Attendee(first_name="Ashley", last_name="Monroe",
              email=address("Ashley", "Monroe", "cobbchamber.example"),
              organisation="Cobb Chamber of Commerce", job_title="Director, Global Commerce",
              language="en")),
)
APPROVALS = (  # exhibitors the organisers approved, with their note
    (address("Jérôme", "Lévesque", "lionelectric.example"), "2019-02-11 09:30",
     "Bienvenue parmi les exposants\u00a0: votre emplacement vous sera attribué en mai."),
)
CORRECTIONS = (
    (address("Hélène", "Dufresne", "pmgtest.example"), "2019-03-19 08:30",
     {"job_title": "Ingénieure principale, essais de véhicules"}),
)
