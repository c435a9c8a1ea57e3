"""The demo portfolio behind ``manage.py seed_demo``: people, structure, projects, milestones
and half a year of weekly statuses.

Every date is computed from the day of loading, without randomness (variations come from a
project's rank among the projects of its phase, or its place in PROJECTS and the week), so that
whatever the day the portfolio looks alive: projects under way, milestones reached, a few
overdue or slipping, some coming up; statuses mostly steady, a few projects sliding into the
red and some recovering, weeks missed, reports filed late, a few amended, this week's partly
filed.

Loading is idempotent. Rows are found by natural key (username, code, project and milestone
name); a missing row is created through the services, so that model validation runs, and an
existing one is brought back to the demo values through the update services. Weekly statuses
are keyed on project, week and revision: only the weeks missing are filed (through the status
services, so every rule holds and each project's latest status follows), and what is already
there is left alone. Running it twice the same day writes nothing; running it on a later day
moves the dates forward and files the weeks gone by since.
"""

import datetime
import enum
import hashlib
import os
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone

from pmo.models import User
from pmo.roles import Role
from portfolio.models import Portfolio, Programme, StrategicObjective
from portfolio.services import (
    objective_create,
    objective_update,
    portfolio_create,
    portfolio_update,
    programme_create,
    programme_update,
)
from projects import weeks
from projects.choices import ACTIVE_PHASES, Axis, Phase, Rating, ReportState, Weather
from projects.models import Project, ReportingCalendar, StatusReport
from projects.services import (
    milestone_create,
    milestone_update,
    project_create,
    project_set_objectives,
    project_update,
    status_report_amend,
    status_report_create,
    status_report_submit,
    status_report_update,
)

# For `make run` on a local machine only: every demo account shares this well-known password.
# Never load the demo into a database that other people can reach.
DEFAULT_DEMO_PASSWORD = "pilotage-demo"  # noqa: S105


# ------------------------------------------------------------------------------
# The data
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    """A demo user and the one role (group) they hold."""

    username: str
    first_name: str
    last_name: str
    email: str
    role: Role
    is_staff: bool = False


@dataclass(frozen=True)
class ObjectiveSpec:
    """A strategic objective; the weights of all of them add up to 100."""

    code: str
    name: str
    weight: int
    description: str


@dataclass(frozen=True)
class PortfolioSpec:
    """A portfolio and the username of its owner."""

    code: str
    name: str
    owner: str
    description: str


@dataclass(frozen=True)
class ProgrammeSpec:
    """A programme, the code of its portfolio and the username of its director."""

    code: str
    name: str
    portfolio: str
    director: str
    outcome: str


@dataclass(frozen=True)
class ProjectSpec:
    """A project; its portfolio is the prefix of its code (``DSI-001`` is in ``DSI``).

    ``language`` ("fr" or "en") is the language its milestones are named in, the same as its
    name; ``objectives`` maps objective codes to a contribution level from 1 to 3.
    """

    code: str
    name: str
    language: str
    phase: Phase
    manager: str | None
    sponsor: str
    programme: str | None
    objectives: dict[str, int]
    description: str

    @property
    def portfolio(self) -> str:
        return self.code.split("-", 1)[0]


PEOPLE = (
    PersonSpec(
        "pmo", "Claire", "Moreau", "claire.moreau@example.com", Role.PMO_MANAGER, is_staff=True
    ),
    PersonSpec("pm", "Julien", "Lefèvre", "julien.lefevre@example.com", Role.PROJECT_MANAGER),
    PersonSpec("pm2", "Sarah", "Mitchell", "sarah.mitchell@example.com", Role.PROJECT_MANAGER),
    PersonSpec("nbenali", "Nadia", "Benali", "nadia.benali@example.com", Role.PROJECT_MANAGER),
    PersonSpec("tgirard", "Thomas", "Girard", "thomas.girard@example.com", Role.PROJECT_MANAGER),
    PersonSpec(
        "jwhitaker", "James", "Whitaker", "james.whitaker@example.com", Role.PROJECT_MANAGER
    ),
    PersonSpec("eroux", "Émilie", "Roux", "emilie.roux@example.com", Role.PROJECT_MANAGER),
    PersonSpec("exec", "Philippe", "Laurent", "philippe.laurent@example.com", Role.EXECUTIVE),
    PersonSpec("cmartin", "Catherine", "Martin", "catherine.martin@example.com", Role.EXECUTIVE),
    PersonSpec("rhughes", "Richard", "Hughes", "richard.hughes@example.com", Role.EXECUTIVE),
    PersonSpec("erp", "ERP", "Integration (SAP)", "erp@example.com", Role.INTEGRATION),
)

OBJECTIVES = (
    ObjectiveSpec(
        "OBJ-1",
        "Grow digital revenue",
        25,
        "Reach 30 % of revenue through digital channels by the end of the strategic plan.",
    ),
    ObjectiveSpec(
        "OBJ-2",
        "Réduire les coûts opérationnels",
        20,
        "Baisser de 8 % les coûts de structure en automatisant et en simplifiant le SI.",
    ),
    ObjectiveSpec(
        "OBJ-3",
        "Améliorer l'expérience client",
        15,
        "Gagner 10 points de NPS et répondre à toute demande client en moins de 24 h.",
    ),
    ObjectiveSpec(
        "OBJ-4",
        "Security and compliance",
        15,
        "Meet NIS2, GDPR and e-invoicing obligations; no critical audit finding left open.",
    ),
    ObjectiveSpec(
        "OBJ-5",
        "Excellence industrielle",
        15,
        "Porter le TRS des lignes de production de 68 % à 78 %.",
    ),
    ObjectiveSpec(
        "OBJ-6",
        "Decarbonise operations",
        10,
        "Cut scope 1 and 2 emissions by 30 % against the 2022 reference year.",
    ),
)

PORTFOLIOS = (
    PortfolioSpec(
        "DSI",
        "Transformation digitale",
        "pmo",
        "Projets de la DSI : ERP, expérience client, données, infrastructure et sécurité.",
    ),
    PortfolioSpec(
        "OPS",
        "Operations & Industrial Excellence",
        "pmo",
        "Plant, supply-chain and sustainability projects of the Operations division.",
    ),
)

PROGRAMMES = (
    ProgrammeSpec(
        "PRG-ERP",
        "Programme ERP One (SAP S/4HANA)",
        "DSI",
        "cmartin",
        "Un ERP unique pour la finance, les achats et la logistique ; l'ancien ERP arrêté.",
    ),
    ProgrammeSpec(
        "PRG-CLIENT",
        "Expérience client digitale",
        "DSI",
        "pm2",
        "Des parcours clients en ligne de bout en bout, du devis au service après-vente.",
    ),
    ProgrammeSpec(
        "PRG-DATA",
        "Data & AI",
        "DSI",
        "tgirard",
        "One governed data platform feeding reporting, forecasting and AI use cases.",
    ),
    ProgrammeSpec(
        "PRG-USINE",
        "Usine 4.0",
        "OPS",
        "nbenali",
        "Des lignes connectées, pilotées par la donnée, avec un TRS suivi en temps réel.",
    ),
    ProgrammeSpec(
        "PRG-SUPPLY",
        "Supply Chain Excellence",
        "OPS",
        "rhughes",
        "Stock levels down 15 % and on-time delivery above 97 %.",
    ),
)

_E, _P = Phase.EXECUTION, Phase.PLANNING

PROJECTS = (
    # Transformation digitale: the ERP programme.
    ProjectSpec(
        "DSI-001",
        "Migration ERP SAP S/4HANA – Finance",
        "fr",
        _E,
        "pm",
        "cmartin",
        "PRG-ERP",
        {"OBJ-2": 3, "OBJ-4": 1},
        "Bascule de la comptabilité générale, des immobilisations et du contrôle de gestion.",
    ),
    ProjectSpec(
        "DSI-002",
        "Migration ERP SAP S/4HANA – Achats & Logistique",
        "fr",
        _E,
        "pm",
        "cmartin",
        "PRG-ERP",
        {"OBJ-2": 3, "OBJ-5": 1},
        "Processus achats, gestion des stocks et expéditions sur le nouvel ERP.",
    ),
    ProjectSpec(
        "DSI-003",
        "ERP data migration & legacy decommissioning",
        "en",
        _P,
        "pm2",
        "cmartin",
        "PRG-ERP",
        {"OBJ-2": 2},
        "Cleanse and load master data, archive history, then switch the old ERP off.",
    ),
    ProjectSpec(
        "DSI-004",
        "Conduite du changement ERP",
        "fr",
        _E,
        "eroux",
        "cmartin",
        "PRG-ERP",
        {"OBJ-2": 2, "OBJ-3": 1},
        "Formation de 900 utilisateurs, réseau de key users et communication.",
    ),
    # Transformation digitale: customer experience.
    ProjectSpec(
        "DSI-005",
        "Refonte du portail client",
        "fr",
        _E,
        "pm2",
        "exec",
        "PRG-CLIENT",
        {"OBJ-1": 3, "OBJ-3": 3},
        "Nouveau portail : suivi des commandes, factures, réclamations et devis en ligne.",
    ),
    ProjectSpec(
        "DSI-006",
        "Mobile app v3 (iOS & Android)",
        "en",
        _E,
        "jwhitaker",
        "exec",
        "PRG-CLIENT",
        {"OBJ-1": 3, "OBJ-3": 2},
        "Rebuild of the customer app with ordering, tracking and push notifications.",
    ),
    ProjectSpec(
        "DSI-007",
        "CRM Salesforce – déploiement service client",
        "fr",
        Phase.CLOSING,
        "pm2",
        "exec",
        "PRG-CLIENT",
        {"OBJ-3": 3, "OBJ-1": 1},
        "Service Cloud pour les 120 conseillers du service client, intégré à la téléphonie.",
    ),
    ProjectSpec(
        "DSI-008",
        "Chatbot service client",
        "fr",
        Phase.IDEA,
        None,
        "exec",
        "PRG-CLIENT",
        {"OBJ-3": 2, "OBJ-2": 1},
        "Répondre automatiquement aux questions fréquentes (suivi de livraison, factures).",
    ),
    ProjectSpec(
        "DSI-009",
        "B2B e-commerce platform",
        "en",
        Phase.FRAMING,
        "jwhitaker",
        "exec",
        "PRG-CLIENT",
        {"OBJ-1": 3},
        "Self-service ordering for professional customers with contract prices.",
    ),
    # Transformation digitale: data and AI.
    ProjectSpec(
        "DSI-010",
        "Data platform (lakehouse) foundation",
        "en",
        _E,
        "tgirard",
        "cmartin",
        "PRG-DATA",
        {"OBJ-1": 2, "OBJ-2": 1},
        "Cloud lakehouse, ingestion of the ERP and CRM, data catalogue and access rules.",
    ),
    ProjectSpec(
        "DSI-011",
        "Référentiel données produit (MDM)",
        "fr",
        _P,
        "tgirard",
        "cmartin",
        "PRG-DATA",
        {"OBJ-2": 2, "OBJ-5": 1},
        "Une fiche article unique partagée par l'ERP, le site web et les usines.",
    ),
    ProjectSpec(
        "DSI-012",
        "IA générative – assistant interne",
        "fr",
        Phase.FRAMING,
        "tgirard",
        "exec",
        "PRG-DATA",
        {"OBJ-2": 2},
        "Assistant sur la documentation interne, dans un cadre conforme à la politique IA.",
    ),
    ProjectSpec(
        "DSI-013",
        "Tableaux de bord Power BI – direction financière",
        "fr",
        Phase.CLOSED,
        "tgirard",
        "cmartin",
        "PRG-DATA",
        {"OBJ-2": 1},
        "Clôture mensuelle, trésorerie et suivi budgétaire en libre-service.",
    ),
    ProjectSpec(
        "DSI-014",
        "Demand forecasting with machine learning",
        "en",
        Phase.CANCELLED,
        "tgirard",
        "exec",
        "PRG-DATA",
        {"OBJ-5": 2},
        "Stopped after the detailed design: too little sales history to beat the current model.",
    ),
    # Transformation digitale: infrastructure, security, compliance (no programme).
    ProjectSpec(
        "DSI-015",
        "Cybersecurity hardening",
        "en",
        _E,
        "jwhitaker",
        "cmartin",
        None,
        {"OBJ-4": 3},
        "EDR on every endpoint, privileged access management and a 24/7 SOC.",
    ),
    ProjectSpec(
        "DSI-016",
        "Migration Microsoft 365",
        "fr",
        Phase.CLOSED,
        "pm",
        "cmartin",
        None,
        {"OBJ-2": 2, "OBJ-4": 1},
        "Messagerie, Teams et OneDrive pour 2 400 collaborateurs.",
    ),
    ProjectSpec(
        "DSI-017",
        "Renouvellement du réseau des sites (SD-WAN)",
        "fr",
        _E,
        "pm",
        "cmartin",
        None,
        {"OBJ-4": 2, "OBJ-2": 1},
        "Remplacement des liaisons MPLS de 38 sites par du SD-WAN.",
    ),
    ProjectSpec(
        "DSI-018",
        "Identity & access management (IAM)",
        "en",
        _P,
        "jwhitaker",
        "cmartin",
        None,
        {"OBJ-4": 3},
        "Single sign-on, joiner-mover-leaver automation and access reviews.",
    ),
    ProjectSpec(
        "DSI-019",
        "Mise en conformité RGPD – registre et purge",
        "fr",
        Phase.CLOSING,
        "eroux",
        "exec",
        None,
        {"OBJ-4": 3},
        "Registre des traitements à jour et purge automatique des données clients.",
    ),
    ProjectSpec(
        "DSI-020",
        "Datacenter exit to Azure",
        "en",
        _E,
        "pm2",
        "cmartin",
        None,
        {"OBJ-2": 3, "OBJ-6": 1},
        "Move 210 servers to the cloud and close the Saint-Denis datacenter.",
    ),
    ProjectSpec(
        "DSI-021",
        "Dématérialisation des factures fournisseurs",
        "fr",
        Phase.CLOSED,
        "eroux",
        "cmartin",
        None,
        {"OBJ-2": 2, "OBJ-6": 1},
        "Numérisation, reconnaissance et circuit de validation des factures.",
    ),
    ProjectSpec(
        "DSI-022",
        "Refonte de l'intranet",
        "fr",
        Phase.CANCELLED,
        "eroux",
        "cmartin",
        None,
        {"OBJ-3": 1},
        "Arrêté après la conception : remplacé par l'intranet SharePoint de Microsoft 365.",
    ),
    ProjectSpec(
        "DSI-023",
        "Poste de travail Windows 11",
        "fr",
        _E,
        "pm",
        "cmartin",
        None,
        {"OBJ-4": 2},
        "Renouvellement de 1 800 postes et passage à Windows 11 avant la fin du support.",
    ),
    ProjectSpec(
        "DSI-024",
        "Zero-trust network access",
        "en",
        Phase.IDEA,
        None,
        "cmartin",
        None,
        {"OBJ-4": 2},
        "Replace the VPN with per-application access checked on every request.",
    ),
    ProjectSpec(
        "DSI-025",
        "Facturation électronique 2026",
        "fr",
        _P,
        "eroux",
        "exec",
        None,
        {"OBJ-4": 3, "OBJ-2": 1},
        "Émission et réception des factures électroniques via une plateforme agréée.",
    ),
    # Operations & Industrial Excellence: Usine 4.0.
    ProjectSpec(
        "OPS-001",
        "Usine 4.0 – ligne 3",
        "fr",
        _E,
        "nbenali",
        "rhughes",
        "PRG-USINE",
        {"OBJ-5": 3, "OBJ-2": 2},
        "Capteurs, supervision et suivi du TRS en temps réel sur la ligne 3 de Douai.",
    ),
    ProjectSpec(
        "OPS-002",
        "MES deployment – Lyon plant",
        "en",
        _E,
        "nbenali",
        "rhughes",
        "PRG-USINE",
        {"OBJ-5": 3},
        "Manufacturing execution system for work orders, traceability and quality checks.",
    ),
    ProjectSpec(
        "OPS-003",
        "Maintenance prédictive (capteurs IoT)",
        "fr",
        _E,
        "nbenali",
        "rhughes",
        "PRG-USINE",
        {"OBJ-5": 2, "OBJ-2": 2},
        "Vibrations et températures des moteurs critiques pour anticiper les pannes.",
    ),
    ProjectSpec(
        "OPS-004",
        "Usine 4.0 – ligne 4",
        "fr",
        Phase.FRAMING,
        "nbenali",
        "rhughes",
        "PRG-USINE",
        {"OBJ-5": 3},
        "Étendre à la ligne 4 ce que la ligne 3 aura démontré.",
    ),
    ProjectSpec(
        "OPS-005",
        "Vision-based quality inspection",
        "en",
        Phase.CLOSED,
        "pm2",
        "rhughes",
        "PRG-USINE",
        {"OBJ-5": 2, "OBJ-3": 1},
        "Cameras at the end of line 2 reject faulty parts before packing.",
    ),
    # Operations & Industrial Excellence: supply chain.
    ProjectSpec(
        "OPS-006",
        "Nouveau WMS – entrepôt de Lille",
        "fr",
        _E,
        "pm",
        "rhughes",
        "PRG-SUPPLY",
        {"OBJ-2": 2, "OBJ-3": 1},
        "Gestion d'entrepôt avec terminaux radio et préparation par vagues.",
    ),
    ProjectSpec(
        "OPS-007",
        "Transport management system (TMS)",
        "en",
        _P,
        "jwhitaker",
        "rhughes",
        "PRG-SUPPLY",
        {"OBJ-2": 2, "OBJ-6": 1},
        "Carrier tendering, route planning and freight audit in one tool.",
    ),
    ProjectSpec(
        "OPS-008",
        "S&OP process redesign",
        "en",
        _E,
        "pm2",
        "exec",
        "PRG-SUPPLY",
        {"OBJ-2": 2, "OBJ-3": 1},
        "A monthly sales and operations planning cycle signed off by the executive committee.",
    ),
    ProjectSpec(
        "OPS-009",
        "Optimisation des stocks de pièces détachées",
        "fr",
        Phase.CLOSING,
        "nbenali",
        "rhughes",
        "PRG-SUPPLY",
        {"OBJ-2": 3},
        "Révision des seuils de réapprovisionnement de 14 000 références.",
    ),
    # Operations & Industrial Excellence: no programme.
    ProjectSpec(
        "OPS-010",
        "Décarbonation du site de Douai",
        "fr",
        _E,
        "nbenali",
        "exec",
        None,
        {"OBJ-6": 3, "OBJ-2": 1},
        "Pompe à chaleur industrielle et récupération de chaleur des fours.",
    ),
    ProjectSpec(
        "OPS-011",
        "Energy management system (ISO 50001)",
        "en",
        Phase.FRAMING,
        "tgirard",
        "rhughes",
        None,
        {"OBJ-6": 3, "OBJ-2": 1},
        "Metering, energy reviews and certification of the three plants.",
    ),
    ProjectSpec(
        "OPS-012",
        "Lean management – déploiement 5S",
        "fr",
        Phase.CLOSED,
        "eroux",
        "rhughes",
        None,
        {"OBJ-5": 2},
        "Standards 5S et rituels d'animation à intervalle court dans les trois usines.",
    ),
    ProjectSpec(
        "OPS-013",
        "Health & safety incident reporting app",
        "en",
        Phase.CANCELLED,
        "jwhitaker",
        "rhughes",
        None,
        {"OBJ-5": 1},
        "Stopped in framing: the group-wide HSE suite now covers the need.",
    ),
    ProjectSpec(
        "OPS-014",
        "Relocalisation de la ligne d'emballage",
        "fr",
        Phase.IDEA,
        "nbenali",
        "rhughes",
        None,
        {"OBJ-5": 2, "OBJ-6": 1},
        "Rapatrier l'emballage sous-traité en Pologne sur le site de Douai.",
    ),
    ProjectSpec(
        "OPS-015",
        "Solar panels on warehouse roofs",
        "en",
        Phase.IDEA,
        None,
        "exec",
        None,
        {"OBJ-6": 2},
        "About 4 MWp on the Lille and Lyon warehouses, under a power purchase agreement.",
    ),
)


class MilestoneTemplate(NamedTuple):
    """A milestone placed at ``fraction`` of a project's baseline, named in both languages."""

    fraction: float
    name_fr: str
    name_en: str
    is_gate: bool


MILESTONES = (
    MilestoneTemplate(0.0, "Lancement du projet", "Project kick-off", False),
    MilestoneTemplate(0.12, "G1 – Solution retenue", "G1 – Solution selected", True),
    MilestoneTemplate(0.35, "Conception détaillée validée", "Detailed design signed off", False),
    MilestoneTemplate(0.6, "Recette utilisateur terminée", "User acceptance testing done", False),
    MilestoneTemplate(0.8, "G2 – Go / no-go mise en service", "G2 – Go-live decision", True),
    MilestoneTemplate(1.0, "G3 – Clôture du projet", "G3 – Project closure", True),
)
# Which of MILESTONES a project has, by how many it has (3 to 6): always the user acceptance
# testing and at least two gates.
MILESTONE_SETS = {3: (1, 3, 4), 4: (1, 3, 4, 5), 5: (0, 1, 3, 4, 5), 6: (0, 1, 2, 3, 4, 5)}
# A cancelled project was stopped after its detailed design; only what came before exists.
CANCELLED_MILESTONES = (0, 1, 2)
# In execution, the user acceptance testing is the milestone at hand: expected this many days
# from today, by rank in the phase. Negative ones were reached, but those of every fourth
# project (ranks 1, 5, 9...) are left overdue.
UAT_MILESTONE = 3
UAT_OFFSETS = (12, -12, 25, -4, 18, -20, 8, 40, 27, -6, 15, 3)

# Days the forecast end lies after the baseline end, by rank in the phase: most projects on
# time or slipping by 2 weeks to 3 months, a few ahead.
SLIPS = (0, 35, 14, 0, -10, 60, 21, 0, 90, 45, -5, 28)


# ------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------


class Schedule(NamedTuple):
    """A project's baseline and forecast dates, any of them possibly unknown."""

    baseline_start: datetime.date | None = None
    baseline_end: datetime.date | None = None
    forecast_start: datetime.date | None = None
    forecast_end: datetime.date | None = None

    @property
    def duration(self) -> int:
        return (self.baseline_end - self.baseline_start).days

    @property
    def slip(self) -> int:
        return (self.forecast_end - self.baseline_end).days


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def project_schedule(phase: Phase, rank: int, today: datetime.date) -> Schedule:
    """The dates of the project of ``phase`` that comes ``rank``-th (from 0) in its phase.

    Ideas have no dates; projects in framing a rough forecast only; from planning on a
    baseline, with the forecast drifting from it for those under way.
    """
    if phase == Phase.IDEA:
        return Schedule()
    if phase == Phase.FRAMING:
        start = today + _days(60 + 30 * (rank % 3))
        return Schedule(forecast_start=start, forecast_end=start + _days(300 + 60 * (rank % 3)))
    if phase == Phase.PLANNING:
        start = today + _days(21 + 14 * (rank % 4))
        end = start + _days(180 + 30 * (rank % 5))
        # Some plans already know they will start late.
        shift = _days(15 if rank % 3 == 2 else 0)
        return Schedule(start, end, start + shift, end + shift)
    if phase == Phase.EXECUTION:
        duration = 240 + 60 * (rank % 6)
        elapsed = 0.25 + 0.05 * (rank % 10)
        start = today - _days(round(duration * elapsed))
        end = start + _days(duration)
        return Schedule(start, end, start, end + _days(SLIPS[rank % len(SLIPS)]))
    if phase == Phase.CLOSING:
        end = today + _days(-25 + 15 * (rank % 3))
        start = end - _days(300 + 45 * (rank % 4))
        return Schedule(start, end, start, end + _days((0, 21, -5)[rank % 3]))
    if phase == Phase.CLOSED:
        end = today - _days(75 + 40 * rank)
        start = end - _days(200 + 50 * (rank % 4))
        return Schedule(start, end, start, end + _days((0, 30, 14, -7, 45)[rank % 5]))
    # Cancelled: the last one was stopped in framing and never had a baseline.
    if rank % 3 == 2:
        return Schedule()
    start = today - _days(150 + 60 * rank)
    end = start + _days(360 + 60 * (rank % 2))
    return Schedule(start, end, start, end)


class MilestoneDates(NamedTuple):
    """What a milestone is called and when it is due, expected and reached."""

    name: str
    is_gate: bool
    baseline_date: datetime.date
    forecast_date: datetime.date | None
    actual_date: datetime.date | None


def project_milestones(
    spec: ProjectSpec, index: int, rank: int, schedule: Schedule, today: datetime.date
) -> list[MilestoneDates]:
    """The milestones of a baselined project: 3 to 6, by ``index`` in PROJECTS.

    A milestone slips by its share of the project's slip and is reached on the day it is
    expected, if that is by today. In execution the user acceptance testing is near today
    (see UAT_OFFSETS) and left overdue in every fourth project; in closing the closure gate
    stays open until the project is closed.
    """
    if schedule.baseline_start is None:
        return []
    if spec.phase == Phase.CANCELLED:
        chosen = CANCELLED_MILESTONES
    else:
        chosen = MILESTONE_SETS[3 + index % 4]
    milestones = []
    for position in chosen:
        template = MILESTONES[position]
        if spec.phase == Phase.EXECUTION and position == UAT_MILESTONE:
            expected = today + _days(UAT_OFFSETS[rank % len(UAT_OFFSETS)])
            shift = round(schedule.slip / 2)
            baseline = expected - _days(shift)
            reachable = rank % 4 != 1
        else:
            baseline = schedule.baseline_start + _days(round(schedule.duration * template.fraction))
            shift = round(schedule.slip * template.fraction)
            expected = baseline + _days(shift)
            reachable = not (spec.phase == Phase.CLOSING and template.fraction == 1.0)
        milestones.append(
            MilestoneDates(
                name=template.name_fr if spec.language == "fr" else template.name_en,
                is_gate=template.is_gate,
                baseline_date=baseline,
                forecast_date=expected if shift else None,
                actual_date=expected if reachable and expected <= today else None,
            )
        )
    return milestones


# ------------------------------------------------------------------------------
# Weekly statuses
# ------------------------------------------------------------------------------

# Weeks of history before the current one: half a year; a quarter for projects still framing
# and, up to the week they ended, for closed ones.
HISTORY_WEEKS = 26
SHORT_HISTORY_WEEKS = 13
# Phases whose projects have a history; a closed project's history stops the week it ended.
REPORTING_PHASES = (*ACTIVE_PHASES, Phase.CLOSED)
# Projects whose manager reports less diligently: more weeks missed, more reports late.
SLOPPY_REPORTERS = ("DSI-006", "DSI-015")
# Progress a project shows before its start (framing, planning), reached by the current week.
PREPARATION_PROGRESS = 8
# How long before submitting a status was started, and how long after the deadline an
# amendment is submitted (the Tuesday after, mid-morning with the default calendar).
WRITING_TIME = datetime.timedelta(minutes=50)
AMENDMENT_DELAY = datetime.timedelta(days=4, minutes=-90)
# Minutes before the deadline a punctual status is submitted (with the default Friday 12:00:
# Friday morning or Thursday afternoon), and after it a late one (Friday afternoon to Monday).
ON_TIME_MINUTES = (12, 50, 105, 160, 190, 1135, 1220)
LATE_MINUTES = (25, 190, 345, 1350, 4145, 4300)


class Story(enum.StrEnum):
    """The course of a project's weekly statuses over its history, told week by week.

    steady: green, an amber week now and then; watchful: one axis amber most weeks; sliding:
    green, then cost or delay amber and red, the other one following and the weather turning
    stormy; recovering: red half a year ago, then amber, green for the last two months.
    """

    STEADY = "steady"
    WATCHFUL = "watchful"
    SLIDING = "sliding"
    RECOVERING = "recovering"


ACHIEVEMENTS = {
    "fr": (
        "Ateliers de conception terminés avec les métiers.",
        "Recette des interfaces : 42 cas sur 50 passés.",
        "Comité de pilotage tenu, jalons confirmés.",
        "Paramétrage du lot 2 livré par l'intégrateur.",
        "Formation des key users : deux sessions réalisées.",
        "Migration à blanc n° 2 réussie, écarts analysés.",
        "Cahier des charges validé par le sponsor.",
        "Plan de bascule rédigé et partagé.",
    ),
    "en": (
        "Design workshops with the business completed.",
        "Interface testing: 42 of 50 cases passed.",
        "Steering committee held, milestones confirmed.",
        "Integrator delivered the release 2 configuration.",
        "Key-user training: two sessions delivered.",
        "Second dry-run migration succeeded, gaps analysed.",
        "Requirements signed off by the sponsor.",
        "Cut-over plan drafted and shared.",
    ),
}
NEXT_STEPS = {
    "fr": (
        "Finaliser les spécifications des interfaces.",
        "Lancer la recette utilisateur du lot suivant.",
        "Préparer le comité de pilotage du mois.",
        "Valider le plan de formation avec les RH.",
        "Réserver les créneaux de l'équipe infrastructure.",
        "Mettre à jour le planning détaillé.",
    ),
    "en": (
        "Finalise the interface specifications.",
        "Start user acceptance testing of the next release.",
        "Prepare this month's steering committee.",
        "Agree the training plan with HR.",
        "Book the infrastructure team's slots.",
        "Update the detailed schedule.",
    ),
}
# Points of attention of a quiet week; some weeks have none.
ATTENTION_POINTS = {
    "fr": (
        "Disponibilité des key users pendant les congés.",
        "Dépendance au projet de référentiel produit.",
        "",
        "Charge de l'équipe support pendant la bascule.",
        "",
    ),
    "en": (
        "Key-user availability over the holidays.",
        "Dependency on the product master data project.",
        "",
        "Support team workload during cut-over.",
        "",
    ),
}
# Why an axis is amber or red, two ways of saying it each, by language.
AXIS_COMMENTS = {
    (Axis.QUALITY, Rating.AMBER): {
        "fr": (
            "Taux d'anomalies en recette au-dessus de la cible (12 ouvertes).",
            "Livrables de conception rendus incomplets, reprise en cours.",
        ),
        "en": (
            "Defect rate in testing above target (12 open).",
            "Design deliverables came back incomplete, rework under way.",
        ),
    },
    (Axis.QUALITY, Rating.RED): {
        "fr": ("Anomalies bloquantes en recette : mise en service impossible en l'état.",) * 2,
        "en": ("Blocking defects in testing: go-live impossible as things stand.",) * 2,
    },
    (Axis.COST, Rating.AMBER): {
        "fr": (
            "Consommation du budget 8 % au-dessus du prévu à date.",
            "Jours de l'intégrateur plus nombreux que prévu sur le lot en cours.",
        ),
        "en": (
            "Spend running 8% above plan to date.",
            "More integrator days than planned on the current release.",
        ),
    },
    (Axis.COST, Rating.RED): {
        "fr": (
            "Dépassement prévu de 15 % : avenant de l'intégrateur non budgété.",
            "Reste à faire en hausse : avenant non budgété et licences supplémentaires.",
        ),
        "en": (
            "Forecast overrun of 15%: integrator change request not budgeted.",
            "Estimate to complete up: unbudgeted change request and extra licences.",
        ),
    },
    (Axis.DELAY, Rating.AMBER): {
        "fr": (
            "Deux semaines de retard sur la conception, rattrapables.",
            "Démarrage repoussé : ressources de l'intégrateur pas encore disponibles.",
        ),
        "en": (
            "Design two weeks late, still recoverable.",
            "Start pushed back: the integrator's team is not available yet.",
        ),
    },
    (Axis.DELAY, Rating.RED): {
        "fr": (
            "Jalon de mise en service décalé d'un mois.",
            "Recette non terminée : la mise en service glisse encore.",
        ),
        "en": (
            "Go-live milestone pushed back by a month.",
            "Testing not finished: go-live slipping again.",
        ),
    },
    (Axis.RISK, Rating.AMBER): {
        "fr": (
            "Risque de départ d'un expert clé ; binôme en cours de mise en place.",
            "Dépendance forte à un seul fournisseur, plan B à l'étude.",
        ),
        "en": (
            "Risk of losing a key expert; a back-up is being trained.",
            "Heavy reliance on one supplier, fallback being studied.",
        ),
    },
    (Axis.RISK, Rating.RED): {
        "fr": ("Risque fournisseur avéré : l'éditeur revoit sa feuille de route.",) * 2,
        "en": ("Supplier risk materialised: the vendor is changing its roadmap.",) * 2,
    },
}
RECOVERY_PLANS = {
    Axis.QUALITY: {
        "fr": "Task force anomalies quotidienne avec l'intégrateur ; critères de sortie durcis.",
        "en": "Daily defect task force with the integrator; tighter test exit criteria.",
    },
    Axis.COST: {
        "fr": "Revue du périmètre avec le sponsor, renégociation de l'avenant, gel des "
        "évolutions non essentielles.",
        "en": "Scope review with the sponsor, renegotiate the change request, freeze "
        "non-essential changes.",
    },
    Axis.DELAY: {
        "fr": "Renfort de deux consultants, recette des lots 2 et 3 en parallèle, nouveau "
        "planning présenté en Copil.",
        "en": "Two extra consultants, releases 2 and 3 tested in parallel, new schedule to "
        "the steering committee.",
    },
    Axis.RISK: {
        "fr": "Plan de continuité avec un second fournisseur, escalade au comité de direction.",
        "en": "Continuity plan with a second supplier, escalated to the executive committee.",
    },
}
DECISIONS_REQUESTED = {
    Axis.COST: {
        "fr": "Valider le budget complémentaire de l'avenant.",
        "en": "Approve the extra budget for the change request.",
    },
    Axis.DELAY: {
        "fr": "Arbitrer entre report de la mise en service et réduction du périmètre.",
        "en": "Choose between delaying go-live and reducing scope.",
    },
}
AMENDMENTS = (
    {
        "fr": "Coût corrigé après réception de la facture",
        "en": "Cost corrected after the invoice arrived",
    },
    {
        "fr": "Avancement corrigé après la revue du planning",
        "en": "Progress corrected after the schedule review",
    },
)
COST_CORRECTION = {
    "fr": "Reste à faire réévalué d'après la facture du prestataire.",
    "en": "Estimate to complete revised from the supplier's invoice.",
}


def _pick(*numbers: int, modulo: int) -> int:
    """A number in ``range(modulo)`` spread evenly by ``numbers``, the same on every run."""
    digest = hashlib.blake2b(repr(numbers).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % modulo


def status_story(spec: ProjectSpec, schedule: Schedule) -> Story:
    """A project's story, told by how far its forecast has drifted from its baseline: the
    projects slipping most slide, those slipping somewhat have recovered by replanning."""
    if spec.phase in (Phase.EXECUTION, Phase.CLOSING):
        slip = schedule.slip
        if spec.phase == Phase.EXECUTION and slip >= 45:
            return Story.SLIDING
        if slip >= 28 or (spec.phase == Phase.CLOSING and slip > 0):
            return Story.RECOVERING
        return Story.WATCHFUL if slip >= 14 else Story.STEADY
    if schedule.baseline_start and schedule.forecast_start != schedule.baseline_start:
        return Story.WATCHFUL
    return Story.STEADY


def weather_of(ratings: dict[str, str]) -> Weather:
    """The overall feeling that goes with the ratings: the more red, the darker."""
    reds = list(ratings.values()).count(Rating.RED)
    if reds >= 2:
        return Weather.STORMY
    if reds:
        return Weather.RAINY
    return Weather.CLOUDY if Rating.AMBER in ratings.values() else Weather.SUNNY


class AmendmentPlan(NamedTuple):
    """A correction of a submitted status: why, what changes, when it was submitted."""

    reason: str
    changes: dict
    submitted_at: datetime.datetime


class WeekPlan(NamedTuple):
    """What the demo says of a week: the status (None: no report at all), when it was
    submitted (None: still a draft) and its amendment, if any."""

    week: datetime.date
    content: dict | None
    submitted_at: datetime.datetime | None
    amendment: AmendmentPlan | None = None


@dataclass(frozen=True)
class StatusHistory:
    """The weekly statuses of one demo project, as of ``now``.

    Everything is derived from the project's place in PROJECTS (``index``), its schedule and
    each week's date, so a week says the same on every run; ratings follow the project's
    :class:`Story`, counted in weeks before the current one.
    """

    spec: ProjectSpec
    index: int
    schedule: Schedule
    calendar: ReportingCalendar
    tz: zoneinfo.ZoneInfo
    now: datetime.datetime

    @property
    def current_week(self) -> datetime.date:
        return weeks.current_week(self.tz, self.now)

    @property
    def story(self) -> Story:
        return status_story(self.spec, self.schedule)

    @property
    def sloppy(self) -> bool:
        return self.spec.code in SLOPPY_REPORTERS

    def mondays(self) -> list[datetime.date]:
        """The weeks of the history, oldest first: up to the current one for a live project,
        up to the week it ended for a closed one."""
        if self.spec.phase == Phase.CLOSED:
            if self.schedule.forecast_end is None:
                return []
            last = min(
                weeks.monday_of(self.schedule.forecast_end), self.current_week - weeks.ONE_WEEK
            )
            return weeks.weeks_back(last, SHORT_HISTORY_WEEKS)
        if self.spec.phase not in ACTIVE_PHASES:
            return []
        count = SHORT_HISTORY_WEEKS if self.spec.phase == Phase.FRAMING else HISTORY_WEEKS
        return weeks.weeks_back(self.current_week, count + 1)

    def plans(self) -> list[WeekPlan]:
        mondays = self.mondays()
        return [
            self._plan(monday, position, len(mondays)) for position, monday in enumerate(mondays)
        ]

    def _plan(self, monday: datetime.date, position: int, count: int) -> WeekPlan:
        seed = monday.toordinal() // 7
        deadline = self.calendar.deadline(monday, self.tz)
        if monday == self.current_week:
            # The week under way: a few filed already, a few drafts, most still to do.
            slot = self.index % 6
            if slot > 1:
                return WeekPlan(monday, None, None)
            content = self._content(monday, position, count)
            if slot == 1:
                return WeekPlan(monday, content, None)
            at = deadline - datetime.timedelta(minutes=ON_TIME_MINUTES[-1])
            return WeekPlan(monday, content, min(at, self.now))
        if self._missed(seed):
            return WeekPlan(monday, None, None)
        content = self._content(monday, position, count)
        if _pick(self.index, seed, 2, modulo=3 if self.sloppy else 9) == 0:
            minutes = LATE_MINUTES[_pick(self.index, seed, 3, modulo=len(LATE_MINUTES))]
        else:
            minutes = -ON_TIME_MINUTES[_pick(self.index, seed, 3, modulo=len(ON_TIME_MINUTES))]
        submitted_at = min(deadline + datetime.timedelta(minutes=minutes), self.now)
        amendment = None
        amended_at = deadline + AMENDMENT_DELAY
        if amended_at < self.now and _pick(self.index, seed, 4, modulo=45) == 0:
            amendment = self._amendment(content, kind=seed % len(AMENDMENTS), at=amended_at)
        return WeekPlan(monday, content, submitted_at, amendment)

    def _missed(self, seed: int) -> bool:
        """Whether the week of ``seed`` went unreported: one week in 11 and one in 17, each
        project at its own phase (about four weeks in half a year), and for a sloppy reporter
        one week in 6 more."""
        if (seed + 3 * self.index) % 11 == 0 or (seed + 5 * self.index) % 17 == 0:
            return True
        return self.sloppy and (seed + self.index) % 6 == 0

    def _story_ratings(self, monday: datetime.date) -> dict[str, str]:
        """The ratings the project's story gives the week."""
        weeks_ago = (self.current_week - monday).days // 7
        seed = monday.toordinal() // 7
        ratings = dict.fromkeys(Axis.values, Rating.GREEN)
        if self.schedule.baseline_end and self.schedule.slip >= 60:
            first, second = Axis.DELAY, Axis.COST
        elif self.index % 2:
            first, second = Axis.COST, Axis.DELAY
        else:
            first, second = Axis.DELAY, Axis.COST
        story = self.story
        if story == Story.SLIDING:
            if weeks_ago <= 13:
                ratings[first] = Rating.AMBER
            if weeks_ago <= 9:
                ratings[first] = Rating.RED
                ratings[Axis.RISK] = Rating.AMBER
            if weeks_ago <= 5:
                ratings[second] = Rating.AMBER
            if weeks_ago <= 2:
                ratings[second] = Rating.RED
        elif story == Story.RECOVERING:
            if weeks_ago >= 10:
                ratings[first] = Rating.AMBER
            if weeks_ago >= 18:
                ratings[first] = Rating.RED
                ratings[Axis.RISK] = Rating.AMBER
        elif story == Story.WATCHFUL and _pick(self.index, seed, 5, modulo=4):
            watched = Axis.DELAY if self.spec.phase == Phase.PLANNING else Axis.RISK
            ratings[watched if self.index % 3 else Axis.QUALITY] = Rating.AMBER
        return ratings

    def _ratings(self, monday: datetime.date) -> dict[str, str]:
        """The story's ratings and, now and then, an axis amber for a week."""
        ratings = self._story_ratings(monday)
        seed = monday.toordinal() // 7
        if _pick(self.index, seed, 6, modulo=8) == 0:
            axis = Axis.values[_pick(self.index, seed, 7, modulo=4)]
            if ratings[axis] == Rating.GREEN:
                ratings[axis] = Rating.AMBER
        return ratings

    def _progress(self, monday: datetime.date, position: int, count: int) -> int:
        """Rising towards the forecast end; before the start, a little preparation."""
        preparation = round(PREPARATION_PROGRESS * (position + 1) / count)
        start = self.schedule.forecast_start or self.schedule.baseline_start
        end = self.schedule.forecast_end or self.schedule.baseline_end
        if start is None or end is None or end <= start:
            return preparation
        elapsed = (monday + _days(4) - start).days / (end - start).days
        return max(preparation, round(100 * min(max(elapsed, 0.0), 1.0)))

    def _content(self, monday: datetime.date, position: int, count: int) -> dict:
        language, seed = self.spec.language, monday.toordinal() // 7
        ratings = self._ratings(monday)
        progress = self._progress(monday, position, count)
        content = {
            "weather": weather_of(ratings),
            "progress": progress,
            "achievements": ACHIEVEMENTS[language][_pick(self.index, seed, 8, modulo=8)],
            "next_steps": NEXT_STEPS[language][_pick(self.index, seed, 9, modulo=6)],
            "attention_points": ATTENTION_POINTS[language][_pick(self.index, seed, 10, modulo=5)],
            "decisions_requested": "",
            "recovery_plan": "",
            "recovery_target_date": None,
        }
        for axis, rating in ratings.items():
            content[f"{axis}_rating"] = rating
            comments = AXIS_COMMENTS.get((axis, rating))
            content[f"{axis}_comment"] = comments[language][seed % 2] if comments else ""
        red = [axis for axis, rating in ratings.items() if rating == Rating.RED]
        if red:
            content["recovery_plan"] = RECOVERY_PLANS[red[0]][language]
            content["recovery_target_date"] = monday + _days(7 * 6 + 4)
            decision = DECISIONS_REQUESTED.get(red[-1])
            content["decisions_requested"] = decision[language] if decision else ""
            content["attention_points"] = content[f"{red[0]}_comment"]
        # The budget is a round sum by project; what is left shrinks as the work gets done,
        # plus the overrun the story's cost rating admits to (a passing amber week does not).
        budget = 150_000 + 60_000 * (self.index % 9)
        cost = self._story_ratings(monday)[Axis.COST]
        overrun = {Rating.GREEN: 100, Rating.AMBER: 106, Rating.RED: 115}[cost]
        left = budget * (100 - progress) * overrun // 10_000
        content["estimate_to_complete"] = Decimal(left // 500 * 500)
        return content

    def _amendment(self, content: dict, *, kind: int, at: datetime.datetime) -> AmendmentPlan:
        language = self.spec.language
        if kind == 0:
            corrected = content["estimate_to_complete"] * Decimal("1.06")
            changes = {
                "estimate_to_complete": corrected.quantize(Decimal("1")),
                "cost_comment": f"{content['cost_comment']} {COST_CORRECTION[language]}".strip(),
            }
        else:
            changes = {"progress": max(content["progress"] - 3, 0)}
        return AmendmentPlan(AMENDMENTS[kind][language], changes, at)


# ------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------


@dataclass
class SeedReport:
    """How many rows of each kind the load created and updated."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    KINDS = (
        "users",
        "objectives",
        "portfolios",
        "programmes",
        "projects",
        "contributions",
        "milestones",
        "status_reports",
    )

    @property
    def changed_anything(self) -> bool:
        return bool(+self.created or +self.updated)


def demo_password() -> str:
    """The password of every demo user: ``DEMO_PASSWORD`` or, unset, the local default."""
    return os.environ.get("DEMO_PASSWORD", "").strip() or DEFAULT_DEMO_PASSWORD


def _changes(instance: models.Model, data: dict) -> dict:
    """The items of ``data`` that differ from ``instance``, comparing relations by id."""
    changed = {}
    for name, value in data.items():
        model_field = instance._meta.get_field(name)
        if model_field.is_relation:
            current = getattr(instance, model_field.attname)
            wanted = value.pk if value is not None else None
        else:
            current, wanted = getattr(instance, name), value
        if current != wanted:
            changed[name] = value
    return changed


class _Loader:
    """Writes the demo rows one kind after the other, counting what it creates and updates."""

    def __init__(self, *, password: str, today: datetime.date, now: datetime.datetime):
        self.password = password
        self.today = today
        self.now = now
        self.report = SeedReport()
        self.users: dict[str, User] = {}
        self.objectives: dict[str, StrategicObjective] = {}
        self.portfolios: dict[str, Portfolio] = {}
        self.programmes: dict[str, Programme] = {}
        self.histories: list[tuple[Project, StatusHistory]] = []
        self._password_hash: str | None = None
        self._hash_matches: dict[str, bool] = {}

    def _sync(self, kind: str, instance, data: dict, create, update):
        """Create the row with ``create(**data)`` when ``instance`` is None, else update it."""
        if instance is None:
            self.report.created[kind] += 1
            return create(**data)
        changed = _changes(instance, data)
        if not changed:
            return instance
        self.report.updated[kind] += 1
        return update(instance, **changed)

    # -- people --------------------------------------------------------------

    def _hashed_password(self) -> str:
        # One hash for all demo users: hashing is slow on purpose and this is demo data.
        if self._password_hash is None:
            self._password_hash = make_password(self.password)
        return self._password_hash

    def _has_demo_password(self, user: User) -> bool:
        if user.password not in self._hash_matches:
            self._hash_matches[user.password] = check_password(self.password, user.password)
        return self._hash_matches[user.password]

    def load_people(self) -> None:
        """Create or refresh the demo users, each in the group of their role."""
        groups = {role: Group.objects.get(name=role.value) for role in Role}
        for spec in PEOPLE:
            data = {
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": spec.email,
                "is_staff": spec.is_staff,
                "is_active": True,
            }
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = User(username=spec.username, password=self._hashed_password(), **data)
                user.full_clean()
                user.save()
                self.report.created["users"] += 1
            else:
                changed = _changes(user, data)
                if not self._has_demo_password(user):
                    changed["password"] = self._hashed_password()
                if changed:
                    for name, value in changed.items():
                        setattr(user, name, value)
                    user.full_clean()
                    user.save(update_fields=list(changed))
                    self.report.updated["users"] += 1
            if not user.groups.filter(pk=groups[spec.role].pk).exists():
                user.groups.add(groups[spec.role])
            self.users[spec.username] = user

    # -- structure -----------------------------------------------------------

    def load_objectives(self) -> None:
        """Create or refresh the strategic objectives."""
        for spec in OBJECTIVES:
            existing = StrategicObjective.objects.filter(code__iexact=spec.code).first()
            data = {
                "name": spec.name,
                "weight": spec.weight,
                "description": spec.description,
                "is_active": True,
            }
            if existing is None:
                data["code"] = spec.code
            self.objectives[spec.code] = self._sync(
                "objectives", existing, data, objective_create, objective_update
            )

    def load_portfolios(self) -> None:
        """Create or refresh the portfolios and their programmes."""
        for spec in PORTFOLIOS:
            existing = Portfolio.objects.filter(code__iexact=spec.code).first()
            data = {
                "name": spec.name,
                "owner": self.users[spec.owner],
                "description": spec.description,
                "is_active": True,
            }
            if existing is None:
                data["code"] = spec.code
            self.portfolios[spec.code] = self._sync(
                "portfolios", existing, data, portfolio_create, portfolio_update
            )
        for spec in PROGRAMMES:
            existing = Programme.objects.filter(code__iexact=spec.code).first()
            data = {
                "name": spec.name,
                "portfolio": self.portfolios[spec.portfolio],
                "director": self.users[spec.director],
                "outcome": spec.outcome,
                "is_active": True,
            }
            if existing is None:
                data["code"] = spec.code
            self.programmes[spec.code] = self._sync(
                "programmes", existing, data, programme_create, programme_update
            )

    # -- projects ------------------------------------------------------------

    def load_projects(self) -> None:
        """Create or refresh the projects, their contributions and their milestones."""
        ranks: Counter = Counter()
        calendar = ReportingCalendar.get()
        for index, spec in enumerate(PROJECTS):
            rank = ranks[spec.phase]
            ranks[spec.phase] += 1
            schedule = project_schedule(spec.phase, rank, self.today)
            project = self._load_project(spec, schedule)
            self._load_contributions(project, spec)
            self._load_milestones(
                project, project_milestones(spec, index, rank, schedule, self.today)
            )
            if spec.phase in REPORTING_PHASES:
                history = StatusHistory(spec, index, schedule, calendar, project.tz, self.now)
                self.histories.append((project, history))

    def _load_project(self, spec: ProjectSpec, schedule: Schedule) -> Project:
        existing = Project.objects.filter(code__iexact=spec.code).first()
        data = {
            "name": spec.name,
            "description": spec.description,
            "portfolio": self.portfolios[spec.portfolio],
            "programme": self.programmes[spec.programme] if spec.programme else None,
            "sponsor": self.users[spec.sponsor],
            "project_manager": self.users[spec.manager] if spec.manager else None,
            "phase": spec.phase,
            **schedule._asdict(),
        }
        if existing is None:
            data["code"] = spec.code
        return self._sync("projects", existing, data, project_create, project_update)

    def _load_contributions(self, project: Project, spec: ProjectSpec) -> None:
        wanted = {self.objectives[code]: level for code, level in spec.objectives.items()}
        current = dict(project.contributions.values_list("objective_id", "contribution"))
        if current == {objective.pk: level for objective, level in wanted.items()}:
            return
        self.report.created["contributions"] += sum(
            1 for objective in wanted if objective.pk not in current
        )
        self.report.updated["contributions"] += sum(
            1
            for objective, level in wanted.items()
            if objective.pk in current and current[objective.pk] != level
        )
        project_set_objectives(project, contributions=wanted)

    def _load_milestones(self, project: Project, milestones: list[MilestoneDates]) -> None:
        existing = {milestone.name: milestone for milestone in project.milestones.all()}
        for dates in milestones:
            data = dates._asdict()
            if dates.name not in existing:
                data["project"] = project
            self._sync(
                "milestones", existing.get(dates.name), data, milestone_create, milestone_update
            )

    # -- weekly statuses -----------------------------------------------------

    def load_statuses(self) -> None:
        """File the weekly statuses of the demo story that are missing, week after week."""
        # (project id, week) -> {revision: (pk, state)}, read once for every project.
        existing: dict[tuple, dict[int, tuple[int, str]]] = defaultdict(dict)
        rows = StatusReport.objects.filter(
            project__in=[project for project, _history in self.histories]
        ).values_list("project_id", "week", "revision", "pk", "state")
        for project_id, week, revision, pk, state in rows:
            existing[(project_id, week)][revision] = (pk, state)
        for project, history in self.histories:
            actor = self.users[history.spec.manager]
            current_week = history.current_week
            for plan in history.plans():
                revisions = existing.get((project.pk, plan.week), {})
                self._load_week(project, actor, plan, revisions, current_week)

    def _load_week(self, project, actor, plan: WeekPlan, revisions: dict, current_week) -> None:
        if plan.content is None:
            return
        by_state = {state: pk for pk, state in revisions.values()}
        submitted = None
        if not revisions:
            report = status_report_create(
                actor=actor, project=project, week=plan.week, **plan.content
            )
            self.report.created["status_reports"] += 1
            if plan.submitted_at is None:
                return
            submitted = self._submit(report, actor, plan.submitted_at, written=True)
        elif plan.week == current_week:
            # This week is in the hands of whoever tries the demo: leave it as it is.
            return
        elif ReportState.SUBMITTED not in by_state and ReportState.DRAFT in by_state:
            # A draft of a week that was under way at the last load, filed since.
            draft = StatusReport.objects.get(pk=by_state[ReportState.DRAFT])
            report = status_report_update(draft, actor=actor, **plan.content)
            submitted = self._submit(report, actor, plan.submitted_at)
            self.report.updated["status_reports"] += 1
        if plan.amendment is None or any(revision > 1 for revision in revisions):
            return
        if submitted is None:
            if ReportState.SUBMITTED not in by_state:
                return
            submitted = StatusReport.objects.get(pk=by_state[ReportState.SUBMITTED])
        amendment = status_report_amend(submitted, actor=actor, reason=plan.amendment.reason)
        amendment = status_report_update(amendment, actor=actor, **plan.amendment.changes)
        self.report.created["status_reports"] += 1
        self._submit(amendment, actor, plan.amendment.submitted_at, written=True)

    def _submit(self, report, actor, at: datetime.datetime, *, written: bool = False):
        """Submit ``report`` through the service, then date it ``at`` (the service stamps the
        moment of loading), and, when ``written`` by this load, its writing just before."""
        report = status_report_submit(report, actor=actor)
        stamps = {"submitted_at": at, "updated_at": at}
        if written:
            stamps["created_at"] = at - WRITING_TIME
        StatusReport.objects.filter(pk=report.pk).update(**stamps)
        return report


@transaction.atomic
def load_demo(*, password: str | None = None, today: datetime.date | None = None) -> SeedReport:
    """Load the demo portfolio, all of it or nothing, and say what was created and updated.

    ``password`` defaults to :func:`demo_password`; ``today``, the day the dates are computed
    from, to the local date (it may be earlier, never later: nothing is reached in the future).
    Weekly statuses run up to the week of ``today``, filed as of now (or, for an earlier day,
    as of that evening).
    """
    now = timezone.now()
    if today is None:
        today = timezone.localdate()
    elif today < timezone.localdate():
        # The evening of that day, as if the demo had been loaded then.
        now = datetime.datetime.combine(
            today, datetime.time(18, 0), tzinfo=timezone.get_current_timezone()
        )
    loader = _Loader(password=password or demo_password(), today=today, now=now)
    loader.load_people()
    loader.load_objectives()
    loader.load_portfolios()
    loader.load_projects()
    loader.load_statuses()
    return loader.report
