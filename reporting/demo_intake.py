"""The demo's project requests (launch notes) and closure reports.

Requests: drafts, requests in review, rejected ones with the PMO's note, and the accepted
requests a few idea and framing projects of the demo came from (written directly, linked to
their project, since those projects already exist). Each in the language of its portfolio
or project (French for most of DSI, English for most of OPS). Requests are found again by
portfolio and title, so a second load creates nothing.

Closure reports: an approved one for each closed project (its figures frozen from its data,
approved after its end, in the past), a draft for each closing project; found again by
project.
"""

import datetime
from decimal import Decimal
from typing import NamedTuple

from projects.choices import ObjectivesMet, Phase, RequestState
from projects.models import ClosureReport, ProjectRequest
from projects.selectors.intake import actual_cost, live_dates
from projects.services.intake import request_create, request_reject, request_submit


class RequestSpec(NamedTuple):
    """A demo request: ``project`` is the code of the project an accepted one became."""

    portfolio: str
    programme: str | None
    title: str
    author: str
    sponsor: str | None
    state: str
    objectives: str
    scope: str
    stakes: str
    benefits: str
    capex: int
    opex: int
    fte: str
    strategic_objectives: tuple[str, ...]
    days_ago: int
    note: str = ""
    project: str | None = None


D, S, R, A = (
    RequestState.DRAFT,
    RequestState.SUBMITTED,
    RequestState.REJECTED,
    RequestState.ACCEPTED,
)

REQUESTS = (
    RequestSpec(
        "DSI",
        "PRG-CLIENT",
        "Espace fidélité client",
        "pm2",
        "exec",
        D,
        "Lancer un programme de fidélité en ligne relié au CRM.",
        "Inscription, cumul de points, catalogue de récompenses ; pas de carte physique.",
        "Les concurrents ont tous un programme ; le taux de réachat baisse depuis deux ans.",
        "+5 % de réachat à 18 mois.",
        180000,
        40000,
        "2.0",
        ("OBJ-1", "OBJ-3"),
        6,
    ),
    RequestSpec(
        "OPS",
        None,
        "Forklift fleet electrification",
        "nbenali",
        "rhughes",
        D,
        "Replace the diesel forklifts of the two plants with electric ones.",
        "42 forklifts, charging stations; not the yard tractors.",
        "Diesel fleet leases end next year.",
        "-180 t CO2 a year; lower maintenance.",
        650000,
        20000,
        "0.8",
        ("OBJ-6",),
        3,
    ),
    RequestSpec(
        "DSI",
        "PRG-DATA",
        "Catalogue de données d'entreprise",
        "tgirard",
        "cmartin",
        S,
        "Donner à chaque métier un catalogue des données disponibles, avec leurs "
        "propriétaires et leur qualité.",
        "Données de la plateforme lakehouse et de l'ERP ; pas les fichiers bureautiques.",
        "Les équipes data passent un tiers de leur temps à chercher la bonne donnée.",
        "Mise à disposition d'un jeu de données en 2 jours au lieu de 3 semaines.",
        220000,
        60000,
        "2.5",
        ("OBJ-2",),
        12,
    ),
    RequestSpec(
        "DSI",
        None,
        "Privileged access management (PAM)",
        "jwhitaker",
        "cmartin",
        S,
        "Vault and record every administrator access to critical systems.",
        "Servers, databases, network devices; not end-user workstations.",
        "NIS2 audit finding due for closure within the year.",
        "Close the audit finding; cut admin-account incidents.",
        310000,
        90000,
        "1.5",
        ("OBJ-4",),
        9,
    ),
    RequestSpec(
        "OPS",
        "PRG-SUPPLY",
        "Supplier collaboration portal",
        "rhughes",
        "rhughes",
        S,
        "Share forecasts and purchase orders with the top 50 suppliers online.",
        "Forecasts, orders, confirmations, ASNs; not invoicing.",
        "Stock-outs from late confirmations cost two line stoppages last quarter.",
        "On-time delivery above 97 %; 2 FTE of buyers' time freed.",
        260000,
        70000,
        "2.0",
        ("OBJ-2", "OBJ-5"),
        15,
    ),
    RequestSpec(
        "DSI",
        None,
        "Refonte du site carrières",
        "eroux",
        "exec",
        R,
        "Moderniser le site carrières et le relier au logiciel de recrutement.",
        "Site, offres, candidature en ligne ; pas le logiciel de recrutement lui-même.",
        "Le site actuel n'est pas adapté au mobile.",
        "Plus de candidatures spontanées.",
        90000,
        15000,
        "1.0",
        ("OBJ-3",),
        60,
        "Bénéfices non chiffrés et hors des objectifs stratégiques de l'année ; à représenter "
        "avec la DRH l'an prochain.",
    ),
    RequestSpec(
        "OPS",
        "PRG-USINE",
        "Second paint shop robot",
        "nbenali",
        "rhughes",
        R,
        "Add a second painting robot on line 2.",
        "Robot, safety cell, programming; not the conveyor.",
        "Paint shop is the bottleneck at peak season.",
        "+8 % line 2 output at peak.",
        480000,
        30000,
        "1.0",
        ("OBJ-5",),
        45,
        "Capacity study shows the bottleneck moves to assembly; rework the case with the line "
        "4 results first.",
    ),
    # The requests the demo's new projects came from.
    RequestSpec(
        "DSI",
        "PRG-CLIENT",
        "Chatbot service client",
        "exec",
        "exec",
        A,
        "Répondre 24 h/24 aux questions simples des clients.",
        "Site web et application mobile ; pas le téléphone.",
        "Le centre de contact sature en période de soldes.",
        "30 % des demandes simples traitées sans conseiller.",
        150000,
        50000,
        "1.5",
        ("OBJ-3",),
        75,
        "Accepté en idée ; cadrage après la refonte du portail.",
        "DSI-008",
    ),
    RequestSpec(
        "DSI",
        "PRG-CLIENT",
        "B2B e-commerce platform",
        "jwhitaker",
        "exec",
        A,
        "Let professional customers order online with their negotiated prices.",
        "Catalogue, prices, orders, order tracking; not quotes.",
        "Two large accounts asked for it in their tender.",
        "10 % of B2B orders online within two years.",
        700000,
        150000,
        "4.0",
        ("OBJ-1",),
        150,
        "Accepted; framing to start next quarter.",
        "DSI-009",
    ),
    RequestSpec(
        "OPS",
        None,
        "Solar panels on warehouse roofs",
        "exec",
        "exec",
        A,
        "Produce part of the warehouses' electricity on their roofs.",
        "Three warehouses; not the plants.",
        "Energy prices and the decarbonisation target.",
        "-15 % electricity bought for the warehouses.",
        900000,
        10000,
        "0.5",
        ("OBJ-6",),
        40,
        "Accepted as an idea; the roof survey comes first.",
        "OPS-015",
    ),
)

CLOSURE_TEXT = {
    "fr": {
        "comment": "Les objectifs principaux sont atteints ; les évolutions non prioritaires "
        "ont été reportées.",
        "scope": "Le périmètre prévu a été livré, hors fonctionnalités reportées en lot 2.",
        "handover": "Exploitation transférée à l'équipe de run ; documentation et "
        "formation faites.",
        "draft_scope": "Livraison en cours de finalisation ; recette de la dernière vague.",
    },
    "en": {
        "comment": "The main objectives are met; lower-priority changes were deferred.",
        "scope": "The planned scope was delivered, except the features moved to a phase 2.",
        "handover": "Run handed over to the operations team, with documentation and training.",
        "draft_scope": "Delivery being finalised; acceptance of the last wave under way.",
    },
}


def _load_requests(loader) -> None:
    pmo = loader.users["pmo"]
    for spec in REQUESTS:
        portfolio = loader.portfolios.get(spec.portfolio)
        if portfolio is None:
            continue
        project = loader.projects.get(spec.project) if spec.project else None
        if spec.project and project is None:
            continue
        if ProjectRequest.objects.filter(portfolio=portfolio, title=spec.title).exists():
            continue
        author = loader.users[spec.author]
        data = {
            "title": spec.title,
            "portfolio": portfolio,
            "programme": loader.programmes.get(spec.programme) if spec.programme else None,
            "sponsor": loader.users[spec.sponsor] if spec.sponsor else None,
            "objectives": spec.objectives,
            "scope": spec.scope,
            "stakes": spec.stakes,
            "expected_benefits": spec.benefits,
            "capex_estimate": Decimal(spec.capex),
            "opex_estimate": Decimal(spec.opex),
            "fte_estimate": Decimal(spec.fte),
        }
        objectives = [loader.objectives[code] for code in spec.strategic_objectives]
        filed = loader.now - datetime.timedelta(days=spec.days_ago)
        submitted = filed + datetime.timedelta(days=1)
        reviewed = filed + datetime.timedelta(days=8)
        if spec.state == A:
            # The project exists already: the request is written as it was, linked to it.
            request = ProjectRequest.objects.create(
                **data,
                requested_by=author,
                state=A,
                submitted_at=submitted,
                reviewed_by=pmo,
                reviewed_at=reviewed,
                review_note=spec.note,
                project=project,
            )
            request.strategic_objectives.set(objectives)
        else:
            request = request_create(actor=author, strategic_objectives=objectives, **data)
            stamps = {}
            if spec.state in (S, R):
                request_submit(request, actor=author)
                stamps["submitted_at"] = submitted
            if spec.state == R:
                request_reject(request, actor=pmo, review_note=spec.note)
                stamps["reviewed_at"] = reviewed
            ProjectRequest.objects.filter(pk=request.pk).update(**stamps)
        last = reviewed if spec.state in (A, R) else submitted if spec.state == S else filed
        ProjectRequest.objects.filter(pk=request.pk).update(created_at=filed, updated_at=last)
        loader.report.created["requests"] += 1


def _load_closures(loader) -> None:
    pmo = loader.users["pmo"]
    for code, project in loader.projects.items():
        if project.phase not in (Phase.CLOSING, Phase.CLOSED):
            continue
        if ClosureReport.objects.filter(project=project).exists():
            continue
        spec = loader.project_specs.get(code)
        text = CLOSURE_TEXT["fr" if spec is None or spec.language == "fr" else "en"]
        writer = project.project_manager or pmo
        data = {
            "project": project,
            "objectives_met": ObjectivesMet.MET,
            "objectives_comment": text["comment"],
            "scope_delivered": text["scope"],
            "handover": text["handover"],
            "written_by": writer,
        }
        if project.phase == Phase.CLOSING:
            data.update(
                objectives_met=ObjectivesMet.PARTLY,
                scope_delivered=text["draft_scope"],
                handover="",
            )
        else:
            # Approved at the last gate, two weeks after the end, never later than today.
            cost = actual_cost(project)
            ended = project.forecast_end or loader.today - datetime.timedelta(days=30)
            approved_on = min(ended + datetime.timedelta(days=14), loader.today)
            start, end = live_dates(project, cost.first_date, approved_on)
            data.update(
                final_capex=cost.amounts.capex,
                final_opex=cost.amounts.opex,
                actual_start=start,
                actual_end=end,
                approved_by=pmo,
                approved_on=approved_on,
            )
        ClosureReport.objects.create(**data)
        loader.report.created["closure_reports"] += 1


def load_intake(loader) -> None:
    """Project requests in every state and the closure reports of closing and closed
    projects. Call after the projects and their finance are loaded."""
    _load_requests(loader)
    _load_closures(loader)
