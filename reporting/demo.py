"""The demo portfolio behind ``manage.py seed_demo``: people, structure, projects with their
budgets, milestones, half a year of weekly statuses, the RAID log and change requests.

Every date is computed from the day of loading, without randomness (variations come from a
project's rank among the projects of its phase, or its place in PROJECTS and the week), so that
whatever the day the portfolio looks alive: projects under way, milestones reached, a few
overdue or slipping, some coming up; statuses mostly steady, a few projects sliding into the
red and some recovering, weeks missed, reports filed late, a few amended, this week's partly
filed; risks all over the heat map, a few escalated and more proposed for escalation, actions
and decisions overdue, change requests in every state, the approved ones having moved their
project's baseline.

Loading is idempotent. Rows are found by natural key (username, code, project and milestone
name); a missing row is created through the services, so that model validation runs, and an
existing one is brought back to the demo values through the update services. Weekly statuses
are keyed on project, week and revision: only the weeks missing are filed (through the status
services, so every rule holds and each project's latest status follows), and what is already
there is left alone. Risks, issues, decisions and actions are keyed on where they are held
and their title, change requests on project and title: a missing one is created and walked
through its steps there and then (escalated, closed, taken, submitted, approved...), never
again afterwards, so that no change is approved twice; an existing one still open is only
brought back to its demo values and dates. Running it twice the same day writes nothing;
running it on a later day moves the dates forward and files the weeks gone by since.
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

from pmo.history import acting_as
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
from projects.models import BaselineRevision, Project, ReportingCalendar, StatusReport
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
from reporting.demo_finance import load_finance
from reporting.demo_gates import load_gates
from reporting.demo_intake import load_intake
from reporting.demo_lessons import load_lessons
from reporting.demo_packs import load_packs
from reporting.demo_scoring import load_scoring
from reporting.demo_tokens import load_tokens
from risks.choices import (
    ActionOrigin,
    ActionStatus,
    ChangeState,
    RiskCategory,
    RiskResponse,
    RiskStatus,
    Severity,
)
from risks.models import Action, ChangeRequest, Decision, Issue, Risk
from risks.services import (
    SCOPE_FIELDS,
    action_create,
    action_update,
    change_request_approve,
    change_request_create,
    change_request_implement,
    change_request_reject,
    change_request_submit,
    change_request_withdraw,
    decision_create,
    decision_take,
    decision_update,
    decision_withdraw,
    issue_create,
    issue_resolve,
    issue_update,
    risk_close,
    risk_create,
    risk_escalate,
    risk_mark_occurred,
    risk_update,
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

# Each project's baseline budget as it stands today, CAPEX and OPEX in euros. A project whose
# baseline an approved change request of the demo moved (see CHANGES) was first baselined at
# this minus the change.
BUDGETS = {
    "DSI-001": (Decimal("2400000"), Decimal("650000")),
    "DSI-002": (Decimal("2100000"), Decimal("540000")),
    "DSI-003": (Decimal("780000"), Decimal("220000")),
    "DSI-004": (Decimal("120000"), Decimal("480000")),
    "DSI-005": (Decimal("1150000"), Decimal("260000")),
    "DSI-006": (Decimal("890000"), Decimal("180000")),
    "DSI-007": (Decimal("640000"), Decimal("410000")),
    "DSI-008": (Decimal("180000"), Decimal("90000")),
    "DSI-009": (Decimal("1600000"), Decimal("300000")),
    "DSI-010": (Decimal("1350000"), Decimal("420000")),
    "DSI-011": (Decimal("720000"), Decimal("160000")),
    "DSI-012": (Decimal("260000"), Decimal("140000")),
    "DSI-013": (Decimal("210000"), Decimal("60000")),
    "DSI-014": (Decimal("340000"), Decimal("80000")),
    "DSI-015": (Decimal("980000"), Decimal("720000")),
    "DSI-016": (Decimal("450000"), Decimal("380000")),
    "DSI-017": (Decimal("1240000"), Decimal("310000")),
    "DSI-018": (Decimal("690000"), Decimal("150000")),
    "DSI-019": (Decimal("160000"), Decimal("240000")),
    "DSI-020": (Decimal("1900000"), Decimal("850000")),
    "DSI-021": (Decimal("280000"), Decimal("95000")),
    "DSI-022": (Decimal("190000"), Decimal("40000")),
    "DSI-023": (Decimal("1650000"), Decimal("230000")),
    "DSI-024": (Decimal("420000"), Decimal("110000")),
    "DSI-025": (Decimal("380000"), Decimal("210000")),
    "OPS-001": (Decimal("1450000"), Decimal("190000")),
    "OPS-002": (Decimal("1750000"), Decimal("340000")),
    "OPS-003": (Decimal("560000"), Decimal("140000")),
    "OPS-004": (Decimal("1300000"), Decimal("170000")),
    "OPS-005": (Decimal("620000"), Decimal("70000")),
    "OPS-006": (Decimal("1050000"), Decimal("280000")),
    "OPS-007": (Decimal("480000"), Decimal("260000")),
    "OPS-008": (Decimal("150000"), Decimal("390000")),
    "OPS-009": (Decimal("90000"), Decimal("230000")),
    "OPS-010": (Decimal("3200000"), Decimal("150000")),
    "OPS-011": (Decimal("310000"), Decimal("120000")),
    "OPS-012": (Decimal("60000"), Decimal("280000")),
    "OPS-013": (Decimal("180000"), Decimal("40000")),
    "OPS-014": (Decimal("2600000"), Decimal("200000")),
    "OPS-015": (Decimal("3800000"), Decimal("50000")),
}


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
        # What is left of the project's budget shrinks as the work gets done, plus the overrun
        # the story's cost rating admits to (a passing amber week does not).
        budget = sum(BUDGETS[self.spec.code])
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
# The RAID log and change control
# ------------------------------------------------------------------------------

# The language of the entries held on a programme or a portfolio (a project's is its own).
SCOPE_LANGUAGES = {
    "PRG-ERP": "fr",
    "PRG-CLIENT": "fr",
    "PRG-DATA": "en",
    "PRG-USINE": "fr",
    "PRG-SUPPLY": "en",
    "DSI": "fr",
    "OPS": "en",
}
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def meeting_label(name: str, day: datetime.date, language: str) -> str:
    """A meeting as it is called in its language: “Copil ERP One du 12/03/2025”, “Copil Data &
    AI, 12 March 2025”."""
    if language == "fr":
        return f"{name} du {day:%d/%m/%Y}"
    return f"{name}, {day.day} {MONTHS_EN[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class RiskSpec:
    """A risk of the demo, held on ``scope`` (the code of a project, programme or portfolio).

    ``residual`` is the residual (probability, impact); ``review_in`` and ``age`` count days
    from today (the next review, negative when overdue) and back (when it was logged). A
    non-empty ``escalation`` escalates it with that note, ``closure`` closes it and
    ``occurrence`` marks it occurred (opening its issue), each with that note.
    """

    scope: str
    title: str
    category: RiskCategory
    probability: int
    impact: int
    response: RiskResponse
    mitigation: str = ""
    description: str = ""
    residual: tuple[int, int] | None = None
    status: RiskStatus = RiskStatus.OPEN
    owner: str | None = None
    review_in: int = 30
    escalation: str = ""
    closure: str = ""
    occurrence: str = ""
    age: int = 60

    @property
    def stays_live(self) -> bool:
        return not (self.closure or self.occurrence)


@dataclass(frozen=True)
class IssueSpec:
    """An issue of the demo; resolved (``resolution``) or open, ``target_in`` days from today."""

    scope: str
    title: str
    severity: Severity
    description: str = ""
    target_in: int | None = None
    owner: str | None = None
    resolution: str = ""
    age: int = 30


@dataclass(frozen=True)
class DecisionSpec:
    """A decision of the demo: requested, then taken (``outcome``, by ``decided_by``
    ``decided_ago`` days ago, in the ``committee`` if named) or withdrawn, or still pending.
    ``risk`` and ``issue`` are titles of entries of the same scope it is about."""

    scope: str
    title: str
    context: str = ""
    options: str = ""
    needed_in: int | None = None
    outcome: str = ""
    decided_by: str = ""
    decided_ago: int = 0
    committee: str = ""
    withdrawn: bool = False
    risk: str = ""
    issue: str = ""
    age: int = 30


@dataclass(frozen=True)
class ActionSpec:
    """An action of the demo, due ``due_in`` days from today. ``source`` is the title of the
    risk, issue or decision of the same scope it came out of; a meeting's is ``meeting``, held
    ``meeting_ago`` days ago."""

    scope: str
    title: str
    due_in: int
    status: ActionStatus = ActionStatus.OPEN
    origin: ActionOrigin = ActionOrigin.OTHER
    source: str = ""
    meeting: str = ""
    meeting_ago: int = 0
    owner: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ChangeSpec:
    """A change request of the demo, walked to ``state`` when it is created: drafted by the
    project's manager ``age`` days ago, then submitted, decided by ``decided_by`` (with
    ``reason``), implemented or withdrawn. Its schedule change is a number of ``days``, so that
    it means the same whatever the day of loading."""

    project: str
    title: str
    state: ChangeState
    description: str
    capex: Decimal = Decimal("0")
    opex: Decimal = Decimal("0")
    days: int | None = None
    scope_impact: str = ""
    quality_impact: str = ""
    decided_by: str = "exec"
    reason: str = ""
    age: int = 40

    @property
    def moved_the_baseline(self) -> bool:
        return self.state in (ChangeState.APPROVED, ChangeState.IMPLEMENTED)


class RiskTemplate(NamedTuple):
    """An everyday risk of a project, in both languages: what may happen, the response and
    the action that carries it out (none for a risk accepted as it is)."""

    category: RiskCategory
    response: RiskResponse
    title: dict[str, str]
    mitigation: dict[str, str]
    action: dict[str, str] | None


_C, _R = RiskCategory, RiskResponse

# 19 of them: stepping through them 5 at a time (see everyday_raid) never meets one twice in
# a project.
RISK_TEMPLATES = (
    RiskTemplate(
        _C.RESOURCES,
        _R.REDUCE,
        {"fr": "Départ d'un expert clé de l'intégrateur", "en": "A key integrator expert leaves"},
        {
            "fr": "Un binôme formé sur chaque domaine, paramétrages documentés au fil de l'eau.",
            "en": "A back-up trained on each area, configuration documented as it goes.",
        },
        {"fr": "Nommer un binôme pour chaque expert clé", "en": "Name a back-up for each expert"},
    ),
    RiskTemplate(
        _C.SUPPLIER,
        _R.TRANSFER,
        {"fr": "Retard de livraison du fournisseur principal", "en": "Main supplier delivers late"},
        {
            "fr": "Pénalités de retard ajoutées au contrat, point d'avancement hebdomadaire.",
            "en": "Late-delivery penalties added to the contract, weekly progress check.",
        },
        {
            "fr": "Faire signer l'avenant sur les pénalités de retard",
            "en": "Get the late-delivery penalty clause signed",
        },
    ),
    RiskTemplate(
        _C.TECHNICAL,
        _R.REDUCE,
        {
            "fr": "Performances insuffisantes à la montée en charge",
            "en": "Performance falls short under full load",
        },
        {
            "fr": "Tests de charge dès le premier lot, dimensionnement revu avec l'hébergeur.",
            "en": "Load tests from the first release, sizing reviewed with the hosting provider.",
        },
        {"fr": "Lancer la campagne de tests de charge", "en": "Run the load-testing campaign"},
    ),
    RiskTemplate(
        _C.TECHNICAL,
        _R.REDUCE,
        {
            "fr": "Interfaces avec l'existant plus complexes que prévu",
            "en": "Interfaces to legacy systems more complex than expected",
        },
        {
            "fr": "Inventaire des flux et prototype des trois interfaces critiques.",
            "en": "Inventory of the data flows and a prototype of the three critical interfaces.",
        },
        {
            "fr": "Prototyper les trois interfaces critiques",
            "en": "Prototype the three critical interfaces",
        },
    ),
    RiskTemplate(
        _C.SCHEDULE,
        _R.REDUCE,
        {
            "fr": "Key users indisponibles pendant la recette",
            "en": "Key users unavailable during testing",
        },
        {
            "fr": "Planning de recette validé avec leurs managers, suppléants désignés.",
            "en": "Test schedule agreed with their managers, deputies named.",
        },
        {
            "fr": "Faire valider le planning de recette par les managers",
            "en": "Get the test schedule signed off by line managers",
        },
    ),
    RiskTemplate(
        _C.FINANCIAL,
        _R.ACCEPT,
        {
            "fr": "Hausse du prix des licences au renouvellement",
            "en": "Licence prices rise at renewal",
        },
        {
            "fr": "Provision de 5 % prévue au budget ; pas d'autre action.",
            "en": "5% contingency in the budget; nothing more to do.",
        },
        None,
    ),
    RiskTemplate(
        _C.SCOPE,
        _R.AVOID,
        {
            "fr": "Demandes d'évolution hors périmètre",
            "en": "Scope creep from out-of-scope requests",
        },
        {
            "fr": "Comité de changement mensuel ; chaque demande est chiffrée avant accord.",
            "en": "Monthly change board; every request is costed before it is accepted.",
        },
        {
            "fr": "Mettre en place le comité de changement mensuel",
            "en": "Set up the monthly change board",
        },
    ),
    RiskTemplate(
        _C.REGULATORY,
        _R.REDUCE,
        {"fr": "Données de test non conformes au RGPD", "en": "Test data not GDPR compliant"},
        {
            "fr": "Anonymisation des jeux de données avant tout chargement en recette.",
            "en": "Data sets anonymised before any load into the test environment.",
        },
        {
            "fr": "Valider l'outil d'anonymisation avec le DPO",
            "en": "Agree the anonymisation tool with the DPO",
        },
    ),
    RiskTemplate(
        _C.SECURITY,
        _R.REDUCE,
        {
            "fr": "Faille de sécurité découverte avant la mise en service",
            "en": "Security flaw found just before go-live",
        },
        {
            "fr": "Test d'intrusion planifié avant le go / no-go, correctifs priorisés.",
            "en": "Penetration test booked before the go-live decision, fixes prioritised.",
        },
        {"fr": "Commander le test d'intrusion", "en": "Book the penetration test"},
    ),
    RiskTemplate(
        _C.ORGANISATIONAL,
        _R.REDUCE,
        {
            "fr": "Résistance au changement des équipes métier",
            "en": "Business teams resist the change",
        },
        {
            "fr": "Réseau d'ambassadeurs et démonstrations mensuelles aux équipes.",
            "en": "A network of champions and monthly demos to the teams.",
        },
        {"fr": "Recruter un ambassadeur par service", "en": "Recruit one champion per department"},
    ),
    RiskTemplate(
        _C.SCHEDULE,
        _R.ACCEPT,
        {"fr": "Gel des mises en production de fin d'année", "en": "Year-end production freeze"},
        {
            "fr": "Planning construit autour du gel ; impact accepté.",
            "en": "Schedule built around the freeze; impact accepted.",
        },
        None,
    ),
    RiskTemplate(
        _C.RESOURCES,
        _R.REDUCE,
        {
            "fr": "Équipe infrastructure partagée avec d'autres projets",
            "en": "Infrastructure team shared with other projects",
        },
        {
            "fr": "Créneaux réservés trois mois à l'avance, arbitrage du PMO en cas de conflit.",
            "en": "Slots booked three months ahead, the PMO arbitrates any clash.",
        },
        {
            "fr": "Bloquer les créneaux infrastructure du trimestre",
            "en": "Block the infrastructure slots for the quarter",
        },
    ),
    RiskTemplate(
        _C.TECHNICAL,
        _R.AVOID,
        {"fr": "Qualité insuffisante des données reprises", "en": "Migrated data of poor quality"},
        {
            "fr": "Nettoyage par les métiers avant chaque migration à blanc.",
            "en": "The business cleanses the data before each dry run.",
        },
        {"fr": "Lancer le nettoyage des données articles", "en": "Start cleansing the master data"},
    ),
    RiskTemplate(
        _C.FINANCIAL,
        _R.REDUCE,
        {"fr": "Dépassement des jours de l'intégrateur", "en": "Integrator days overrun"},
        {
            "fr": "Forfait par lot négocié, consommation suivie chaque semaine.",
            "en": "Fixed price per release negotiated, consumption tracked weekly.",
        },
        {
            "fr": "Renégocier le forfait du lot suivant",
            "en": "Renegotiate a fixed price for the next release",
        },
    ),
    RiskTemplate(
        _C.SUPPLIER,
        _R.AVOID,
        {
            "fr": "Défaillance financière d'un sous-traitant",
            "en": "A subcontractor goes out of business",
        },
        {
            "fr": "Second fournisseur qualifié, code source sous séquestre.",
            "en": "A second supplier qualified, source code in escrow.",
        },
        {"fr": "Qualifier un second fournisseur", "en": "Qualify a second supplier"},
    ),
    RiskTemplate(
        _C.OTHER,
        _R.ACCEPT,
        {"fr": "Grève des transports pendant la bascule", "en": "Transport strike during cut-over"},
        {
            "fr": "L'équipe de bascule peut travailler à distance ; impact accepté.",
            "en": "The cut-over team can work remotely; impact accepted.",
        },
        None,
    ),
    RiskTemplate(
        _C.REGULATORY,
        _R.TRANSFER,
        {
            "fr": "Évolution de la réglementation en cours de projet",
            "en": "Regulation changes during the project",
        },
        {
            "fr": "Veille juridique et clause d'adaptation réglementaire au contrat de l'éditeur.",
            "en": "Legal watch and a regulatory-change clause in the vendor's contract.",
        },
        {
            "fr": "Ajouter la clause réglementaire au contrat de l'éditeur",
            "en": "Add the regulatory clause to the vendor contract",
        },
    ),
    RiskTemplate(
        _C.ORGANISATIONAL,
        _R.REDUCE,
        {
            "fr": "Sponsor moins disponible après la réorganisation",
            "en": "Sponsor less available after the reorganisation",
        },
        {
            "fr": "Point mensuel de 30 minutes, délégation écrite pour les arbitrages courants.",
            "en": "A 30-minute monthly slot booked, written delegation for everyday calls.",
        },
        {
            "fr": "Faire signer la délégation d'arbitrage par le sponsor",
            "en": "Have the sponsor sign the delegation for everyday calls",
        },
    ),
    RiskTemplate(
        _C.SECURITY,
        _R.TRANSFER,
        {
            "fr": "Indisponibilité prolongée de l'hébergeur",
            "en": "Extended outage at the hosting provider",
        },
        {
            "fr": "Engagement de disponibilité et pénalités au contrat, plan de reprise testé.",
            "en": "Availability commitment and penalties in the contract, recovery plan tested.",
        },
        {
            "fr": "Tester le plan de reprise avec l'hébergeur",
            "en": "Test the recovery plan with the hosting provider",
        },
    ),
)
# A template is taken every TEMPLATE_STEP places, so a project's risks are all different.
TEMPLATE_STEP = 5
# The cells of the heat map below the default escalation threshold, where everyday risks sit;
# the story risks (STORY_RISKS) fill the cells above it.
EVERYDAY_CELLS = tuple((p, i) for i in range(1, 6) for p in range(1, 6) if p * i < 15)
# Days to a risk's next review, by place: about one in three is overdue.
REVIEW_OFFSETS = (21, -12, 35, 9, 60, -4, 14, 28, -30, 45, 7)
# (days to the due date, status) of an everyday action, by place: some overdue (past and
# still open or in progress), some done or cancelled, most to come.
ACTION_PLANS = (
    (-9, ActionStatus.OPEN),
    (12, ActionStatus.IN_PROGRESS),
    (-21, ActionStatus.DONE),
    (5, ActionStatus.OPEN),
    (-4, ActionStatus.IN_PROGRESS),
    (26, ActionStatus.OPEN),
    (-35, ActionStatus.DONE),
    (19, ActionStatus.IN_PROGRESS),
    (-2, ActionStatus.OPEN),
    (40, ActionStatus.OPEN),
    (-14, ActionStatus.CANCELLED),
)
CLOSURE_NOTES = {
    "fr": (
        "Réponse en place et efficace : le risque ne menace plus le projet.",
        "Phase concernée terminée sans incident.",
        "Levé à la revue des risques du comité de pilotage.",
    ),
    "en": (
        "Response in place and working: no longer a threat.",
        "The phase concerned ended without incident.",
        "Lifted at the steering committee's risk review.",
    ),
}
STEERING_COMMITTEE = {"fr": "Comité de pilotage", "en": "Steering committee"}


def everyday_raid(spec: ProjectSpec, index: int) -> tuple[list[RiskSpec], list[ActionSpec]]:
    """The everyday risks of a live project and the actions they and its steering committee
    gave, from its place ``index`` in PROJECTS.

    Four to seven risks (four while framing; a story risk may make one more) taken from
    RISK_TEMPLATES, spread over the cells of the heat map below the escalation threshold;
    most reassessed after their response, about one in three overdue for review, some
    closed. The first
    two that are reduced, avoided or transferred each have an action; one project in
    execution out of two has an action from its last steering committee.
    """
    if spec.phase not in ACTIVE_PHASES:
        return [], []
    language = spec.language
    count = 4 if spec.phase == Phase.FRAMING else 4 + index % 4
    risks, actions = [], []
    for slot in range(count):
        template = RISK_TEMPLATES[(7 * index + TEMPLATE_STEP * slot) % len(RISK_TEMPLATES)]
        probability, impact = EVERYDAY_CELLS[(7 * index + 4 * slot) % len(EVERYDAY_CELLS)]
        if template.response == RiskResponse.ACCEPT:
            residual = (probability, impact) if slot % 2 else None
        elif (index + slot) % 6 == 5:
            residual = None  # not reassessed yet
        elif template.response == RiskResponse.TRANSFER:
            residual = (probability, max(1, impact - 2))
        else:
            residual = (max(1, probability - 2), max(1, impact - 1))
        mitigating = template.response != RiskResponse.ACCEPT and (index + slot) % 3 != 0
        closed = slot == count - 1 and index % 3 == 0
        notes = CLOSURE_NOTES[language]
        risk = RiskSpec(
            scope=spec.code,
            title=template.title[language],
            category=template.category,
            probability=probability,
            impact=impact,
            response=template.response,
            mitigation=template.mitigation[language],
            residual=residual,
            status=RiskStatus.MITIGATING if mitigating else RiskStatus.OPEN,
            owner=spec.sponsor if slot % 4 == 3 else None,
            review_in=REVIEW_OFFSETS[(3 * index + slot) % len(REVIEW_OFFSETS)],
            closure=notes[index % len(notes)] if closed else "",
            age=15 + (11 * index + 17 * slot) % 120,
        )
        risks.append(risk)
        if template.action and not closed and len(actions) < 2:
            due_in, status = ACTION_PLANS[(2 * index + len(actions)) % len(ACTION_PLANS)]
            actions.append(
                ActionSpec(
                    scope=spec.code,
                    title=template.action[language],
                    due_in=due_in,
                    status=status,
                    origin=ActionOrigin.RISK,
                    source=risk.title,
                )
            )
    if spec.phase == Phase.EXECUTION and index % 2 == 0:
        due_in, status = ACTION_PLANS[(index + 5) % len(ACTION_PLANS)]
        actions.append(
            ActionSpec(
                scope=spec.code,
                title=NEXT_STEPS[language][index % len(NEXT_STEPS[language])].rstrip("."),
                due_in=due_in,
                status=status,
                origin=ActionOrigin.MEETING,
                meeting=STEERING_COMMITTEE[language],
                meeting_ago=5 + index % 10,
            )
        )
    return risks, actions


_S = RiskStatus

# The risks that tell the portfolio's story: escalated to the steering committee, proposed
# for it (at or above the default threshold of 15, not escalated), occurred and become
# issues, closed; on projects, programmes and portfolios.
STORY_RISKS = (
    RiskSpec(
        "DSI-001",
        "Bascule en pleine clôture annuelle des comptes",
        _C.SCHEDULE,
        4,
        5,
        _R.AVOID,
        description="La date de bascule prévue tombe pendant la clôture annuelle : la "
        "comptabilité ne peut pas absorber les deux.",
        mitigation="Deux scénarios chiffrés pour le Copil : bascule au 1er avril, ou renfort "
        "de trois comptables pendant la clôture.",
        residual=(2, 4),
        status=_S.MITIGATING,
        review_in=-6,
        escalation="Arbitrage de la date de bascule attendu au prochain Copil ERP One.",
        age=75,
    ),
    RiskSpec(
        "DSI-002",
        "Interfaces transporteurs pas prêtes pour la mise en service",
        _C.SUPPLIER,
        3,
        5,
        _R.REDUCE,
        mitigation="Recette des interfaces avec les deux principaux transporteurs avancée "
        "d'un mois.",
        residual=(2, 4),
        review_in=10,
        age=40,
    ),
    RiskSpec(
        "DSI-005",
        "Certification PCI DSS du paiement en ligne obtenue trop tard",
        _C.SECURITY,
        4,
        4,
        _R.REDUCE,
        mitigation="Auditeur réservé, pré-audit sur l'environnement de recette.",
        residual=(2, 4),
        status=_S.MITIGATING,
        review_in=3,
        age=50,
    ),
    RiskSpec(
        "DSI-006",
        "App store review holds up every release",
        _C.SCHEDULE,
        5,
        3,
        _R.ACCEPT,
        mitigation="A week's margin before each release date; impact accepted.",
        residual=(5, 3),
        review_in=25,
        age=90,
    ),
    RiskSpec(
        "DSI-010",
        "ERP extract jobs overrun the nightly batch window",
        _C.TECHNICAL,
        4,
        4,
        _R.REDUCE,
        description="Volumes doubled since the ERP Finance cut-over; the extracts still run "
        "one after the other.",
        mitigation="Run the extracts in parallel; study change data capture.",
        status=_S.MITIGATING,
        occurrence="Extracts ran past 6:00 three nights in a row: finance reports were late.",
        age=70,
    ),
    RiskSpec(
        "DSI-015",
        "Ransomware attack before EDR covers every endpoint",
        _C.SECURITY,
        3,
        5,
        _R.REDUCE,
        mitigation="Servers and admin workstations first; offline backups tested monthly.",
        residual=(2, 5),
        status=_S.MITIGATING,
        review_in=-9,
        age=100,
    ),
    RiskSpec(
        "DSI-020",
        "Datacenter lease ends before the last migration wave",
        _C.SCHEDULE,
        5,
        5,
        _R.REDUCE,
        description="The Saint-Denis lease ends on a fixed date; wave 4 is forecast three "
        "months later.",
        mitigation="Negotiate a short extension with the landlord; interim hosting as a fallback.",
        residual=(2, 5),
        status=_S.MITIGATING,
        review_in=14,
        escalation="For the steering committee: extend the lease by three months or move "
        "wave 4 to interim hosting.",
        age=80,
    ),
    RiskSpec(
        "DSI-007",
        "Incompatibilité de la téléphonie avec Service Cloud",
        _C.TECHNICAL,
        4,
        5,
        _R.AVOID,
        mitigation="Connecteur certifié demandé à l'éditeur de téléphonie.",
        residual=(1, 5),
        closure="Connecteur certifié livré par l'éditeur et testé en production.",
        age=200,
    ),
    RiskSpec(
        "OPS-001",
        "Arrêt prolongé de la ligne 3 pendant la pose des capteurs",
        _C.SCHEDULE,
        4,
        4,
        _R.REDUCE,
        mitigation="Pose préparée hors ligne, installation pendant l'arrêt technique d'août.",
        residual=(2, 3),
        status=_S.MITIGATING,
        review_in=20,
        age=60,
    ),
    RiskSpec(
        "OPS-002",
        "Plant network cannot carry the MES traffic",
        _C.TECHNICAL,
        4,
        4,
        _R.REDUCE,
        description="Network audit: the Lyon plant's office network saturates at peak with "
        "the MES terminals.",
        mitigation="A dedicated industrial network (change request submitted).",
        residual=(1, 4),
        review_in=7,
        escalation="Needs money outside the project's budget: see the change request for a "
        "dedicated industrial network.",
        age=45,
    ),
    RiskSpec(
        "OPS-003",
        "Retard de livraison des capteurs vibratoires",
        _C.SUPPLIER,
        3,
        3,
        _R.TRANSFER,
        mitigation="Pénalités de retard au contrat.",
        occurrence="Le fournisseur annonce six semaines de retard sur 40 capteurs.",
        age=55,
    ),
    RiskSpec(
        "OPS-006",
        "Pic d'activité de fin d'année pendant le démarrage du WMS",
        _C.SCHEDULE,
        5,
        4,
        _R.REDUCE,
        mitigation="Démarrage par vagues, renfort intérimaire à l'étude.",
        residual=(3, 3),
        review_in=-3,
        age=35,
    ),
    RiskSpec(
        "PRG-ERP",
        "Capacité de l'intégrateur partagée entre les trois projets ERP",
        _C.RESOURCES,
        5,
        4,
        _R.REDUCE,
        owner="cmartin",
        mitigation="Plan de charge commun de l'intégrateur revu chaque mois en Copil ERP One.",
        residual=(3, 3),
        status=_S.MITIGATING,
        review_in=12,
        escalation="Le Copil ERP One doit fixer l'ordre de priorité des projets pour "
        "l'intégrateur.",
        age=120,
    ),
    RiskSpec(
        "PRG-DATA",
        "Data owners not named in time for the platform",
        _C.ORGANISATIONAL,
        4,
        3,
        _R.REDUCE,
        owner="tgirard",
        mitigation="Each executive committee member names the owners of their domain's data.",
        residual=(2, 3),
        review_in=-8,
        age=90,
    ),
    RiskSpec(
        "PRG-USINE",
        "Compétences OT/IT insuffisantes dans les usines",
        _C.RESOURCES,
        3,
        3,
        _R.REDUCE,
        owner="nbenali",
        mitigation="Parcours de formation OT/IT pour deux techniciens par site.",
        residual=(2, 2),
        status=_S.MITIGATING,
        review_in=30,
        age=110,
    ),
    RiskSpec(
        "PRG-SUPPLY",
        "Carrier rates rise after the tender",
        _C.FINANCIAL,
        3,
        2,
        _R.TRANSFER,
        owner="rhughes",
        mitigation="A two-year price commitment asked of every carrier.",
        residual=(3, 1),
        closure="Tender closed at 2% below last year's rates.",
        age=150,
    ),
    RiskSpec(
        "DSI",
        "Pénurie de compétences SAP sur le marché",
        _C.RESOURCES,
        4,
        4,
        _R.REDUCE,
        owner="pmo",
        mitigation="Deux architectes SAP à internaliser ; accord-cadre avec un second intégrateur.",
        residual=(3, 3),
        review_in=18,
        age=130,
    ),
    RiskSpec(
        "OPS",
        "Energy prices squeeze the investment budget",
        _C.FINANCIAL,
        3,
        4,
        _R.ACCEPT,
        owner="rhughes",
        mitigation="Business cases re-run with next year's energy prices; no other action.",
        residual=(3, 4),
        review_in=45,
        age=100,
    ),
)

_V = Severity

ISSUES = (
    IssueSpec(
        "DSI-001",
        "Écarts de rapprochement sur les immobilisations migrées",
        _V.HIGH,
        description="214 immobilisations dont la valeur nette diffère entre l'ancien et le "
        "nouvel ERP après la migration à blanc n° 2.",
        target_in=10,
        age=12,
    ),
    IssueSpec(
        "DSI-004",
        "Salles de formation indisponibles en juin",
        _V.LOW,
        target_in=-40,
        resolution="Sessions déplacées au centre de formation de Lille, aux mêmes dates.",
        age=60,
    ),
    IssueSpec(
        "DSI-006",
        "Push notifications not delivered on Android 14",
        _V.MEDIUM,
        target_in=-15,
        resolution="Fixed in build 3.0.4 by upgrading the messaging SDK.",
        age=45,
    ),
    IssueSpec(
        "DSI-015",
        "SOC provider's onboarding two weeks late",
        _V.MEDIUM,
        description="Log sources not connected yet: the 24/7 watch cannot start on the "
        "planned date.",
        target_in=-4,
        age=25,
    ),
    IssueSpec(
        "DSI-020",
        "Wave 2 rolled back after storage latency",
        _V.HIGH,
        target_in=-30,
        resolution="Storage tier upgraded; wave 2 migrated again the following weekend.",
        age=70,
    ),
    IssueSpec(
        "DSI-023",
        "Rupture de stock des PC portables chez le distributeur",
        _V.HIGH,
        description="La livraison de 300 postes est repoussée de trois semaines.",
        target_in=-2,
        age=20,
    ),
    IssueSpec(
        "OPS-002",
        "Label printers drop jobs at peak times",
        _V.HIGH,
        target_in=-10,
        resolution="Print spooler moved to the plant's local server.",
        age=30,
    ),
    IssueSpec(
        "OPS-008",
        "Sales forecasts arrive after the S&OP cut-off",
        _V.LOW,
        description="Two regions send their forecast after the day-5 cut-off, so the demand "
        "review works on last month's figures.",
        target_in=21,
        age=15,
    ),
    IssueSpec(
        "OPS-010",
        "Fuite sur l'échangeur de récupération de chaleur",
        _V.CRITICAL,
        description="Fuite constatée aux essais à chaud : le four 2 ne peut pas être raccordé.",
        target_in=4,
        age=6,
    ),
    IssueSpec(
        "PRG-CLIENT",
        "Charte graphique commune au portail et à l'application non validée",
        _V.MEDIUM,
        owner="pm2",
        target_in=-20,
        resolution="Charte validée par la direction marketing ; composants partagés publiés.",
        age=80,
    ),
)

DECISIONS = (
    DecisionSpec(
        "DSI-001",
        "Date de bascule de la comptabilité générale",
        context="La bascule prévue tombe pendant la clôture annuelle (voir le risque escaladé).",
        options="A : bascule au 1er janvier avec trois comptables en renfort (120 k€).\n"
        "B : bascule au 1er avril, sans surcoût, avec trois mois de double saisie.",
        needed_in=-5,
        risk="Bascule en pleine clôture annuelle des comptes",
        age=30,
    ),
    DecisionSpec(
        "DSI-005",
        "Choix du prestataire de paiement en ligne",
        context="Le portail doit encaisser en ligne dès la mise en service.",
        options="Prestataire A : le moins cher, sans paiement fractionné.\n"
        "Prestataire B : paiement fractionné natif, déjà utilisé par le groupe.",
        needed_in=-50,
        outcome="Prestataire B retenu : paiement fractionné natif et intégration déjà "
        "éprouvée par le groupe.",
        decided_by="exec",
        decided_ago=48,
        committee="Copil Expérience client",
        age=70,
    ),
    DecisionSpec(
        "DSI-010",
        "Replace the nightly ERP extracts with change data capture",
        context="The extracts no longer fit in the batch window (see the issue).",
        options="Change data capture on the ERP tables: a licence and six weeks.\n"
        "Real-time streaming of every table: three months.",
        needed_in=-20,
        outcome="Change data capture, with a change request for the licence and the delay; "
        "streaming is dropped.",
        decided_by="cmartin",
        decided_ago=22,
        committee="Copil Data & AI",
        issue="ERP extract jobs overrun the nightly batch window",
        age=40,
    ),
    DecisionSpec(
        "DSI-015",
        "Extend EDR to the plants' OT networks",
        context="The EDR rollout covers office endpoints only; the plants ask for the same.",
        options="Extend now (about 90 k€, OT vendors' approval needed), or after the plants' "
        "network segmentation next year.",
        needed_in=20,
        age=8,
    ),
    DecisionSpec(
        "DSI-020",
        "Extend the datacenter lease or move wave 4 to interim hosting",
        context="The lease ends before the last wave can move (see the escalated risk).",
        options="A three-month lease extension (210 k€).\n"
        "Interim hosting for wave 4 (180 k€ and a second migration).",
        needed_in=-25,
        outcome="Extend the lease by three months: one migration instead of two.",
        decided_by="exec",
        decided_ago=27,
        risk="Datacenter lease ends before the last migration wave",
        age=50,
    ),
    DecisionSpec(
        "OPS-001",
        "Poser les capteurs pendant l'arrêt technique d'août",
        context="La pose des capteurs arrête la ligne 3 (voir le risque).",
        options="Pose pendant l'arrêt d'août : mise en service décalée de cinq semaines.\n"
        "Pose le week-end : douze week-ends et un surcoût de maintenance.",
        needed_in=-12,
        outcome="Pose pendant l'arrêt technique d'août ; aucune intervention le week-end.",
        decided_by="pmo",
        decided_ago=10,
        committee="Copil Usine 4.0",
        risk="Arrêt prolongé de la ligne 3 pendant la pose des capteurs",
        age=35,
    ),
    DecisionSpec(
        "OPS-002",
        "Go live on one shift or all three",
        context="The MES team can support one shift for the first two weeks.",
        options="Day shift only for two weeks, then all shifts.\n"
        "All three shifts at once, with the integrator on site at night.",
        needed_in=-2,
        age=20,
    ),
    DecisionSpec(
        "OPS-006",
        "Renfort intérimaire pendant le démarrage du WMS",
        context="Le démarrage coïncide avec le pic d'activité de fin d'année.",
        options="Huit intérimaires pendant six semaines (45 k€), ou démarrage après le pic.",
        needed_in=12,
        risk="Pic d'activité de fin d'année pendant le démarrage du WMS",
        age=10,
    ),
    DecisionSpec(
        "PRG-ERP",
        "Priorité de l'intégrateur : Finance avant Achats & Logistique",
        context="L'intégrateur ne peut pas staffer les deux projets au même niveau ce trimestre.",
        options="Finance d'abord : Achats & Logistique décalé d'un mois.\n"
        "Répartition égale : les deux projets glissent de deux semaines.",
        needed_in=-35,
        outcome="Finance d'abord ; Achats & Logistique recale son planning d'un mois.",
        decided_by="cmartin",
        decided_ago=34,
        committee="Copil ERP One",
        risk="Capacité de l'intégrateur partagée entre les trois projets ERP",
        age=60,
    ),
    DecisionSpec(
        "DSI",
        "Internaliser deux architectes SAP",
        context="Le marché ne fournit plus assez de compétences SAP (voir le risque du "
        "portefeuille).",
        options="Deux recrutements en CDI, ou un accord-cadre avec un second intégrateur.",
        needed_in=-10,
        risk="Pénurie de compétences SAP sur le marché",
        age=25,
    ),
    DecisionSpec(
        "OPS",
        "Defer line 4 to next year's budget",
        context="Energy prices squeeze this year's investment envelope.",
        options="Defer line 4 by a year, or cut the scope of the Douai decarbonisation.",
        needed_in=-15,
        withdrawn=True,
        age=45,
    ),
)

_A, _O = ActionStatus, ActionOrigin

ACTIONS = (
    ActionSpec(
        "DSI-001",
        "Chiffrer la double saisie du scénario B",
        -3,
        _A.IN_PROGRESS,
        _O.DECISION,
        source="Date de bascule de la comptabilité générale",
    ),
    ActionSpec(
        "DSI-001",
        "Analyser les 214 écarts avec le contrôle de gestion",
        5,
        _A.IN_PROGRESS,
        _O.ISSUE,
        source="Écarts de rapprochement sur les immobilisations migrées",
    ),
    ActionSpec(
        "DSI-005",
        "Signer le contrat avec le prestataire de paiement",
        -40,
        _A.DONE,
        _O.DECISION,
        source="Choix du prestataire de paiement en ligne",
    ),
    ActionSpec(
        "DSI-010",
        "Move the finance extracts to 4:00 until change data capture is live",
        -25,
        _A.DONE,
        _O.ISSUE,
        source="ERP extract jobs overrun the nightly batch window",
    ),
    ActionSpec(
        "DSI-010",
        "Order the change data capture licence",
        -6,
        _A.OPEN,
        _O.DECISION,
        source="Replace the nightly ERP extracts with change data capture",
    ),
    ActionSpec(
        "DSI-015",
        "Connect the firewall and directory logs to the SOC",
        -1,
        _A.IN_PROGRESS,
        _O.ISSUE,
        source="SOC provider's onboarding two weeks late",
    ),
    ActionSpec(
        "DSI-020",
        "Sign the lease extension with the landlord",
        -20,
        _A.DONE,
        _O.DECISION,
        source="Extend the datacenter lease or move wave 4 to interim hosting",
    ),
    ActionSpec(
        "DSI-023",
        "Relancer le distributeur pour les 300 postes",
        -5,
        _A.DONE,
        _O.ISSUE,
        source="Rupture de stock des PC portables chez le distributeur",
    ),
    ActionSpec(
        "OPS-001",
        "Commander les supports de capteurs pour l'arrêt d'août",
        9,
        _A.OPEN,
        _O.DECISION,
        source="Poser les capteurs pendant l'arrêt technique d'août",
    ),
    ActionSpec(
        "OPS-003",
        "Obtenir une date ferme de livraison des capteurs",
        -8,
        _A.OPEN,
        _O.ISSUE,
        source="Retard de livraison des capteurs vibratoires",
    ),
    ActionSpec(
        "OPS-006",
        "Chiffrer le renfort intérimaire avec l'agence",
        4,
        _A.IN_PROGRESS,
        _O.DECISION,
        source="Renfort intérimaire pendant le démarrage du WMS",
    ),
    ActionSpec(
        "OPS-010",
        "Faire intervenir le constructeur sous garantie",
        -1,
        _A.OPEN,
        _O.ISSUE,
        source="Fuite sur l'échangeur de récupération de chaleur",
    ),
    ActionSpec(
        "PRG-ERP",
        "Présenter le plan de charge de l'intégrateur",
        6,
        _A.OPEN,
        _O.MEETING,
        meeting="Copil ERP One",
        meeting_ago=34,
        owner="pmo",
    ),
    ActionSpec(
        "DSI",
        "Publier le plan de charge SAP du portefeuille",
        15,
        _A.IN_PROGRESS,
        _O.MEETING,
        meeting="Revue de portefeuille DSI",
        meeting_ago=12,
        owner="pmo",
    ),
    ActionSpec(
        "OPS",
        "Update the energy price assumptions of every business case",
        -6,
        _A.OPEN,
        _O.MEETING,
        meeting="Operations portfolio review",
        meeting_ago=20,
        owner="pmo",
    ),
)

_G = ChangeState

# At most one change request of a project moves its baseline (approved or implemented): the
# project is baselined before it (see project_baseline).
CHANGES = (
    ChangeSpec(
        "DSI-002",
        "Reprise des stocks en transit dans la bascule",
        _G.APPROVED,
        "Sans reprise, 2 M€ de stock en transit entre entrepôts seraient invisibles au démarrage.",
        capex=Decimal("140000"),
        days=21,
        scope_impact="Les stocks en transit sont repris ; la bascule gère trois jours de transit.",
        decided_by="cmartin",
        reason="Indispensable au démarrage ; financé sur la réserve du programme.",
        age=56,
    ),
    ChangeSpec(
        "DSI-005",
        "Paiement fractionné en ligne",
        _G.IMPLEMENTED,
        "Demandé par les ventes après le choix du prestataire de paiement : paiement en trois "
        "fois sur le portail.",
        capex=Decimal("95000"),
        days=21,
        scope_impact="Nouveau parcours de paiement en trois fois.",
        decided_by="pmo",
        age=60,
    ),
    ChangeSpec(
        "DSI-006",
        "Tablet-specific layouts",
        _G.REJECTED,
        "Dedicated tablet layouts for every screen of the app.",
        capex=Decimal("140000"),
        days=45,
        scope_impact="Every screen redesigned for tablets.",
        reason="Tablets are 3% of sessions: not worth six more weeks. Bring it back for v3.1 "
        "with usage figures.",
        age=40,
    ),
    ChangeSpec(
        "DSI-010",
        "Real-time streaming of every ERP table",
        _G.WITHDRAWN,
        "Stream every ERP table to the lakehouse instead of the nightly extracts.",
        capex=Decimal("150000"),
        opex=Decimal("60000"),
        days=84,
        age=45,
    ),
    ChangeSpec(
        "DSI-010",
        "Change data capture for the ERP extracts",
        _G.SUBMITTED,
        "A licence and six weeks of work to replace the nightly extracts, as the steering "
        "committee decided.",
        capex=Decimal("85000"),
        opex=Decimal("18000"),
        days=42,
        quality_impact="Finance reports ready by 7:00 every day.",
        age=18,
    ),
    ChangeSpec(
        "DSI-017",
        "Dix sites supplémentaires dans le périmètre SD-WAN",
        _G.IMPLEMENTED,
        "Les dix agences ouvertes cette année, absentes du périmètre initial.",
        capex=Decimal("260000"),
        opex=Decimal("48000"),
        days=45,
        scope_impact="48 sites au lieu de 38.",
        reason="Mêmes conditions tarifaires que le marché initial.",
        age=70,
    ),
    ChangeSpec(
        "DSI-020",
        "Extend the Saint-Denis hosting contract by three months",
        _G.APPROVED,
        "Keeps the datacenter open for the last migration wave, as decided.",
        opex=Decimal("210000"),
        days=60,
        reason="Cheaper than interim hosting and a second migration.",
        age=26,
    ),
    ChangeSpec(
        "DSI-023",
        "Report du déploiement des postes des usines",
        _G.DRAFT,
        "Les 400 postes des usines passent après la fermeture estivale, faute de créneaux "
        "d'intervention.",
        days=45,
        scope_impact="Aucun : seul l'ordre des vagues change.",
        age=4,
    ),
    ChangeSpec(
        "OPS-002",
        "Dedicated industrial network for the MES",
        _G.SUBMITTED,
        "The Lyon plant's office network saturates with the MES terminals (see the escalated "
        "risk).",
        capex=Decimal("320000"),
        days=30,
        quality_impact="Terminal response under one second at peak.",
        age=12,
    ),
    ChangeSpec(
        "OPS-006",
        "Terminaux radio supplémentaires pour les quais",
        _G.DRAFT,
        "Douze terminaux de plus pour les quais de réception, oubliés dans le chiffrage initial.",
        capex=Decimal("38000"),
        days=14,
        age=3,
    ),
    ChangeSpec(
        "OPS-008",
        "Drop the second planning tool licence",
        _G.APPROVED,
        "Demand planners now work in one tool; the second licence is no longer used.",
        opex=Decimal("-60000"),
        quality_impact="None: every report moved to the remaining tool.",
        decided_by="pmo",
        reason="Saving confirmed with purchasing.",
        age=34,
    ),
)


def project_baseline(spec: ProjectSpec, schedule: Schedule, *, before=()) -> dict:
    """The baseline end and budget of a project as the demo shows it today or, given the
    change requests ``before`` that moved it since, as it stood before them."""
    capex, opex = BUDGETS[spec.code]
    end = schedule.baseline_end
    for change in before:
        capex -= change.capex
        opex -= change.opex
        if change.days and end is not None:
            end -= _days(change.days)
    return {"baseline_end": end, "budget_capex": capex, "budget_opex": opex}


def baseline_changes(code: str) -> list[ChangeSpec]:
    """The demo's change requests of project ``code`` that moved its baseline."""
    return [change for change in CHANGES if change.project == code and change.moved_the_baseline]


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
        "risks",
        "issues",
        "decisions",
        "actions",
        "change_requests",
        "resources",
        "capacities",
        "allocations",
        "budget_lines",
        "envelopes",
        "cost_entries",
        "overrun_alerts",
        "alerts",
        "scoring_criteria",
        "scores",
        "scenarios",
        "lessons",
        "lesson_feedback",
        "requests",
        "closure_reports",
        "gate_reviews",
        "report_looks",
        "report_schedules",
        "copil_packs",
        "api_tokens",
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
        self.projects: dict[str, Project] = {}
        self.project_specs: dict[str, ProjectSpec] = {}
        self.schedules: dict[str, Schedule] = {}
        self.histories: list[tuple[Project, StatusHistory]] = []
        self._password_hash: str | None = None
        self._hash_matches: dict[str, bool] = {}

    def _at(self, day: datetime.date, *, hour: int = 16) -> datetime.datetime:
        """``day`` at ``hour`` o'clock, or now if that is later than now."""
        moment = datetime.datetime.combine(
            day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
        )
        return min(moment, self.now)

    def _ago(self, days: int) -> datetime.datetime:
        return self.now - _days(days)

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
            self.projects[spec.code] = project
            self.project_specs[spec.code] = spec
            self.schedules[spec.code] = schedule
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
            # A new project is baselined as it was before its approved change requests moved
            # it (they are approved later in this load); an existing one as it is today.
            **project_baseline(
                spec, schedule, before=baseline_changes(spec.code) if existing is None else ()
            ),
        }
        if existing is None:
            data["code"] = spec.code
        else:
            # A phase moves only through a gate review: the demo does not rewind one a user
            # passed since it was loaded.
            del data["phase"]
        project = self._sync("projects", existing, data, project_create, project_update)
        if existing is None:
            # Baselined a month before its start (or before today, not started yet), not at
            # the moment of loading the service stamped.
            start = min(schedule.baseline_start or self.today, self.today)
            project.baseline_revisions.filter(number=1).update(
                recorded_at=self._at(start - _days(30), hour=10)
            )
        return project

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

    # -- RAID log and change control -----------------------------------------

    def _scope(self, code: str) -> dict | None:
        """The scope of an entry held on ``code`` (a project, programme or portfolio) as
        service arguments, or None when that one is not part of this load."""
        for name, rows in (
            ("project", self.projects),
            ("programme", self.programmes),
            ("portfolio", self.portfolios),
        ):
            if code in rows:
                return {name: rows[code]}
        return None

    def _keeper(self, code: str) -> User:
        """Who keeps the RAID log of ``code``: the project's manager, else the PMO."""
        spec = self.project_specs.get(code)
        return self.users[spec.manager] if spec is not None else self.users["pmo"]

    def _language(self, code: str) -> str:
        spec = self.project_specs.get(code)
        return spec.language if spec is not None else SCOPE_LANGUAGES[code]

    def _person(self, username: str | None, code: str) -> User:
        return self.users[username] if username else self._keeper(code)

    def load_raid(self) -> None:
        """Create the demo's risks, issues, decisions and actions that are missing, each walked
        through its steps when it is created, and bring those still open back to their demo
        values, their dates counted from today."""
        risk_specs, action_specs = list(STORY_RISKS), list(ACTIONS)
        for index, spec in enumerate(PROJECTS):
            risks, actions = everyday_raid(spec, index)
            risk_specs += risks
            action_specs += actions
        risks = _by_scope_and_title(Risk.objects.all())
        for spec in risk_specs:
            self._load_risk(spec, risks)
        # Read after the risks: those that occurred opened issues.
        issues = _by_scope_and_title(Issue.objects.all())
        for spec in ISSUES:
            self._load_issue(spec, issues)
        decisions = _by_scope_and_title(Decision.objects.all())
        for spec in DECISIONS:
            self._load_decision(spec, decisions, risks=risks, issues=issues)
        actions = _by_scope_and_title(Action.objects.all())
        sources = {
            ActionOrigin.RISK: risks,
            ActionOrigin.ISSUE: issues,
            ActionOrigin.DECISION: decisions,
        }
        for spec in action_specs:
            self._load_action(spec, actions, sources)

    def _load_risk(self, spec: RiskSpec, found: dict) -> None:
        scope = self._scope(spec.scope)
        if scope is None:
            return
        key = _scope_key(scope, spec.title)
        data = {
            "description": spec.description,
            "category": spec.category,
            "probability": spec.probability,
            "impact": spec.impact,
            "owner": self._person(spec.owner, spec.scope),
            "response": spec.response,
            "mitigation": spec.mitigation,
            "residual_probability": spec.residual[0] if spec.residual else None,
            "residual_impact": spec.residual[1] if spec.residual else None,
            "status": spec.status,
            "next_review_date": self.today + _days(spec.review_in),
        }
        risk = found.get(key)
        if risk is None:
            found[key] = self._create_risk(spec, scope, data)
        elif risk.is_live and spec.stays_live:
            changed = _changes(risk, data)
            if changed:
                found[key] = risk_update(risk, **changed)
                self.report.updated["risks"] += 1

    def _create_risk(self, spec: RiskSpec, scope: dict, data: dict) -> Risk:
        """Log a risk as the keeper of its scope, then escalate it, close it or mark it
        occurred, each step dated over its life rather than at the moment of loading."""
        actor = self._keeper(spec.scope)
        risk = risk_create(actor=actor, **scope, title=spec.title, **data)
        self.report.created["risks"] += 1
        stamps = {"created_at": self._ago(spec.age)}
        if spec.escalation:
            risk = risk_escalate(risk, actor=actor, note=spec.escalation)
            stamps["escalated_at"] = self._ago(spec.age // 2)
        if spec.closure:
            risk = risk_close(risk, actor=actor, note=spec.closure)
            stamps["closed_at"] = self._ago(spec.age // 4)
        elif spec.occurrence:
            risk, issue = risk_mark_occurred(risk, actor=actor, note=spec.occurrence)
            stamps["closed_at"] = self._ago(spec.age // 4)
            Issue.objects.filter(pk=issue.pk).update(
                created_at=stamps["closed_at"], updated_at=stamps["closed_at"]
            )
            self.report.created["issues"] += 1
        Risk.objects.filter(pk=risk.pk).update(**stamps, updated_at=max(stamps.values()))
        return risk

    def _load_issue(self, spec: IssueSpec, found: dict) -> None:
        scope = self._scope(spec.scope)
        if scope is None:
            return
        key = _scope_key(scope, spec.title)
        data = {
            "description": spec.description,
            "severity": spec.severity,
            "owner": self._person(spec.owner, spec.scope),
            "target_date": self.today + _days(spec.target_in)
            if spec.target_in is not None
            else None,
        }
        issue = found.get(key)
        if issue is None:
            actor = self._keeper(spec.scope)
            issue = issue_create(actor=actor, **scope, title=spec.title, **data)
            self.report.created["issues"] += 1
            stamps = {"created_at": self._ago(spec.age)}
            if spec.resolution:
                issue = issue_resolve(issue, actor=actor, resolution=spec.resolution)
                stamps["resolved_at"] = self._ago(spec.age // 3)
            Issue.objects.filter(pk=issue.pk).update(**stamps, updated_at=max(stamps.values()))
            found[key] = issue
        elif issue.is_open and not spec.resolution:
            changed = _changes(issue, data)
            if changed:
                found[key] = issue_update(issue, **changed)
                self.report.updated["issues"] += 1

    def _load_decision(self, spec: DecisionSpec, found: dict, *, risks: dict, issues: dict) -> None:
        scope = self._scope(spec.scope)
        if scope is None:
            return
        key = _scope_key(scope, spec.title)
        data = {
            "context": spec.context,
            "options": spec.options,
            "needed_by": self.today + _days(spec.needed_in) if spec.needed_in is not None else None,
            "risk": risks[_scope_key(scope, spec.risk)] if spec.risk else None,
            "issue": issues[_scope_key(scope, spec.issue)] if spec.issue else None,
        }
        decision = found.get(key)
        if decision is None:
            found[key] = self._create_decision(spec, scope, data)
        elif decision.is_pending and not (spec.outcome or spec.withdrawn):
            changed = _changes(decision, data)
            if changed:
                found[key] = decision_update(decision, **changed)
                self.report.updated["decisions"] += 1

    def _create_decision(self, spec: DecisionSpec, scope: dict, data: dict) -> Decision:
        """Request a decision as the keeper of its scope, then record it taken (by an
        executive or the PMO, maybe in a steering committee) or withdrawn."""
        requester = self._keeper(spec.scope)
        decision = decision_create(actor=requester, **scope, title=spec.title, **data)
        self.report.created["decisions"] += 1
        stamps = {"created_at": self._ago(spec.age)}
        if spec.outcome:
            decided_on = self.today - _days(spec.decided_ago)
            committee = ""
            if spec.committee:
                committee = meeting_label(spec.committee, decided_on, self._language(spec.scope))
            decider = self.users[spec.decided_by]
            decision = decision_take(
                decision,
                actor=decider,
                outcome=spec.outcome,
                decided_by=decider,
                decided_on=decided_on,
                committee=committee,
            )
            stamps["recorded_at"] = self._at(decided_on, hour=18)
        elif spec.withdrawn:
            decision = decision_withdraw(decision, actor=requester)
            stamps["recorded_at"] = self._ago(spec.age // 3)
        Decision.objects.filter(pk=decision.pk).update(**stamps, updated_at=max(stamps.values()))
        return decision

    def _load_action(self, spec: ActionSpec, found: dict, sources: dict) -> None:
        scope = self._scope(spec.scope)
        if scope is None:
            return
        key = _scope_key(scope, spec.title)
        source = None
        if spec.origin in sources:
            source = sources[spec.origin][_scope_key(scope, spec.source)]
        meeting = ""
        if spec.origin == ActionOrigin.MEETING:
            held = self.today - _days(spec.meeting_ago)
            meeting = meeting_label(spec.meeting, held, self._language(spec.scope))
        data = {
            "description": spec.description,
            "owner": self._person(spec.owner, spec.scope),
            "due_date": self.today + _days(spec.due_in),
            "status": spec.status,
            "origin": spec.origin,
            "risk": source if spec.origin == ActionOrigin.RISK else None,
            "issue": source if spec.origin == ActionOrigin.ISSUE else None,
            "decision": source if spec.origin == ActionOrigin.DECISION else None,
            "meeting": meeting,
        }
        action = found.get(key)
        if action is not None:
            changed = _changes(action, data)
            if changed:
                found[key] = action_update(action, **changed)
                self.report.updated["actions"] += 1
            return
        action = action_create(actor=self._keeper(spec.scope), **scope, title=spec.title, **data)
        self.report.created["actions"] += 1
        logged = spec.meeting_ago if meeting else max(7, 21 - spec.due_in)
        stamps = {"created_at": self._ago(logged)}
        if not action.is_pending:
            # Finished the day before it was due.
            stamps["completed_at"] = self._at(data["due_date"] - _days(1))
        Action.objects.filter(pk=action.pk).update(**stamps, updated_at=max(stamps.values()))
        found[key] = action

    def load_changes(self) -> None:
        """Create the demo's change requests that are missing, each walked through its
        workflow when it is created and never again: a change approved on an earlier load is
        not approved twice, and its project's baseline moves once."""
        found = set(ChangeRequest.objects.values_list("project_id", "title"))
        for spec in CHANGES:
            project = self.projects.get(spec.project)
            if project is None or (project.pk, spec.title) in found:
                continue
            self._create_change(spec, project)

    def _create_change(self, spec: ChangeSpec, project: Project) -> None:
        author = self._keeper(spec.project)
        change = change_request_create(
            actor=author,
            project=project,
            title=spec.title,
            description=spec.description,
            cost_delta_capex=spec.capex,
            cost_delta_opex=spec.opex,
            schedule_delta_days=spec.days,
            scope_impact=spec.scope_impact,
            quality_impact=spec.quality_impact,
        )
        self.report.created["change_requests"] += 1
        stamps = {"created_at": self._ago(spec.age)}
        if spec.state != ChangeState.DRAFT:
            change = change_request_submit(change, actor=author)
            stamps["submitted_at"] = self._ago(spec.age * 3 // 4)
        decided_at = self._ago(spec.age // 2)
        decider = self.users[spec.decided_by]
        if spec.state == ChangeState.WITHDRAWN:
            change = change_request_withdraw(change, actor=author)
            stamps["withdrawn_at"] = decided_at
        elif spec.state == ChangeState.REJECTED:
            change = change_request_reject(change, actor=decider, reason=spec.reason)
            stamps["decided_at"] = decided_at
        elif spec.moved_the_baseline:
            self._baseline_before(spec, project)
            change = change_request_approve(change, actor=decider, reason=spec.reason)
            stamps["decided_at"] = decided_at
            BaselineRevision.objects.filter(pk=change.baseline_after_id).update(
                recorded_at=decided_at
            )
            if spec.state == ChangeState.IMPLEMENTED:
                change = change_request_implement(change, actor=author)
                stamps["implemented_at"] = self._ago(spec.age // 5)
        ChangeRequest.objects.filter(pk=change.pk).update(**stamps, updated_at=max(stamps.values()))

    def _baseline_before(self, change: ChangeSpec, project: Project) -> None:
        """Put the project's baseline where the demo says it stood before ``change``, so that
        approving it lands on today's baseline. A project created by this load is there
        already; one loaded before the demo had change requests is moved back first."""
        moved = baseline_changes(change.project)
        before = project_baseline(
            self.project_specs[change.project],
            self.schedules[change.project],
            before=moved[moved.index(change) :],
        )
        current = Project.objects.get(pk=project.pk)
        changed = _changes(current, before)
        if changed:
            project_update(current, **changed)
            self.report.updated["projects"] += 1


def _scope_key(scope: dict, title: str) -> tuple:
    """The natural key of a RAID entry: where it is held and its title."""
    return (*(getattr(scope.get(name), "pk", None) for name in SCOPE_FIELDS), title)


def _by_scope_and_title(queryset) -> dict:
    return {
        (row.project_id, row.programme_id, row.portfolio_id, row.title): row for row in queryset
    }


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
    # The history of what the demo writes names who did it: the service's actor where it
    # names one (a project manager filing a status), the demo's PMO manager otherwise.
    with acting_as(loader.users[PEOPLE[0].username]):
        loader.load_objectives()
        loader.load_portfolios()
        loader.load_projects()
        loader.load_statuses()
        loader.load_changes()
        loader.load_raid()
        load_finance(loader)
        load_intake(loader)
        load_scoring(loader)
        load_lessons(loader)
        load_gates(loader)
        load_packs(loader)
        load_tokens(loader)
    return loader.report
