"""The demo portfolio behind ``manage.py seed_demo``: people, structure, projects, milestones.

Every date is computed from the day of loading, without randomness (variations come from a
project's rank among the projects of its phase), so that whatever the day the portfolio looks
alive: projects under way, milestones reached, a few overdue or slipping, some coming up.

Loading is idempotent. Rows are found by natural key (username, code, project and milestone
name); a missing row is created through the services, so that model validation runs, and an
existing one is brought back to the demo values through the update services. Running it twice
the same day writes nothing; running it on a later day only moves the dates forward.
"""

# Names are typeset as people write them, with en dashes (U+2013) between their parts.
# ruff: noqa: RUF001

import datetime
import os
from collections import Counter
from dataclasses import dataclass, field
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
from projects.choices import Phase
from projects.models import Project
from projects.services import (
    milestone_create,
    milestone_update,
    project_create,
    project_set_objectives,
    project_update,
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

    def __init__(self, *, password: str, today: datetime.date):
        self.password = password
        self.today = today
        self.report = SeedReport()
        self.users: dict[str, User] = {}
        self.objectives: dict[str, StrategicObjective] = {}
        self.portfolios: dict[str, Portfolio] = {}
        self.programmes: dict[str, Programme] = {}
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
        for index, spec in enumerate(PROJECTS):
            rank = ranks[spec.phase]
            ranks[spec.phase] += 1
            schedule = project_schedule(spec.phase, rank, self.today)
            project = self._load_project(spec, schedule)
            self._load_contributions(project, spec)
            self._load_milestones(
                project, project_milestones(spec, index, rank, schedule, self.today)
            )

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


@transaction.atomic
def load_demo(*, password: str | None = None, today: datetime.date | None = None) -> SeedReport:
    """Load the demo portfolio, all of it or nothing, and say what was created and updated.

    ``password`` defaults to :func:`demo_password`; ``today``, the day the dates are computed
    from, to the local date (it may be earlier, never later: nothing is reached in the future).
    """
    loader = _Loader(password=password or demo_password(), today=today or timezone.localdate())
    loader.load_people()
    loader.load_objectives()
    loader.load_portfolios()
    loader.load_projects()
    return loader.report
