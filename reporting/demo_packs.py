"""The demo's Copil packs: each portfolio's look (a logo, an accent colour, its title and
marking), the schedules the PMO set, and the packs they made at their latest occurrence, so
that the executives' page has packs to download on the first ``make run``.

Loaded after the rest of the demo (the packs show its data). Running it again changes
nothing; a week later it makes that week's packs, as beat would have.
"""

from typing import NamedTuple

from django.core.files.base import ContentFile
from django.db import transaction

from reporting import cron
from reporting.choices import Confidentiality, ReportKind, ReportSection, RunState
from reporting.models import ReportLook, ReportRun, ReportSchedule
from reporting.services import reports


class LookSpec(NamedTuple):
    portfolio: str
    title: str
    accent: str
    confidentiality: str
    footer: str
    sections: tuple[str, ...]
    initials: str


class ScheduleSpec(NamedTuple):
    name: str
    kind: str
    scope: str  # the portfolio, programme or project code
    cron: str
    language: str
    recipients: tuple[str, ...]
    extra: str
    attach: bool
    make_now: bool  # the demo shows the pack of its latest occurrence


ALL_SECTIONS = tuple(ReportSection.values)
LOOKS = (
    LookSpec(
        "DSI",
        "Comité de pilotage DSI",
        "#1f4e79",
        Confidentiality.CONFIDENTIAL,
        "Direction des systèmes d'information — PMO",
        ALL_SECTIONS,
        "DSI",
    ),
    LookSpec(
        "OPS",
        "Operations Steering Committee",
        "#0f766e",
        Confidentiality.INTERNAL,
        "Operations division — Transformation office",
        tuple(s for s in ALL_SECTIONS if s != ReportSection.DECISION_LOG),
        "OPS",
    ),
)
SCHEDULES = (
    ScheduleSpec(
        "Copil DSI hebdomadaire",
        ReportKind.PORTFOLIO_PACK,
        "DSI",
        "0 7 * * 1",
        "fr",
        ("exec", "cmartin", "pmo"),
        "comite.direction@example.com",
        True,
        True,
    ),
    ScheduleSpec(
        "Programme ERP One — comité mensuel",
        ReportKind.PROGRAMME_PACK,
        "PRG-ERP",
        "30 7 1 * *",
        "fr",
        ("cmartin", "pmo"),
        "",
        False,
        True,
    ),
    ScheduleSpec(
        "Operations steering committee",
        ReportKind.PORTFOLIO_PACK,
        "OPS",
        "0 8 * * 1",
        "en",
        ("rhughes", "exec"),
        "",
        False,
        True,
    ),
    ScheduleSpec(
        "Flash DSI-001 (ERP Finance)",
        ReportKind.PROJECT_FLASH,
        "DSI-001",
        "0 9 * * 5",
        "fr",
        ("cmartin",),
        "",
        False,
        False,
    ),
)


def _logo_svg(initials: str, colour: str) -> bytes:
    """A plain logo drawn here: the portfolio's initials in its colour."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80" viewBox="0 0 240 80">'
        f'<rect x="0" y="0" width="80" height="80" rx="14" fill="{colour}"/>'
        '<text x="40" y="50" font-family="Inter, sans-serif" font-size="26" font-weight="700" '
        f'fill="#ffffff" text-anchor="middle">{initials}</text>'
        '<text x="94" y="36" font-family="Inter, sans-serif" font-size="20" font-weight="600" '
        f'fill="{colour}">Groupe</text>'
        '<text x="94" y="60" font-family="Inter, sans-serif" font-size="20" fill="#1d2433">'
        "Exemplar</text></svg>"
    ).encode()


def _scope(loader, spec: ScheduleSpec) -> dict:
    if spec.kind == ReportKind.PROJECT_FLASH:
        from projects.models import Project

        project = Project.objects.get(code__iexact=spec.scope)
        return {"portfolio": project.portfolio, "project": project}
    if spec.kind == ReportKind.PROGRAMME_PACK:
        programme = loader.programmes[spec.scope]
        return {"portfolio": programme.portfolio, "programme": programme}
    return {"portfolio": loader.portfolios[spec.scope]}


def load_packs(loader) -> None:
    """Looks, schedules and the packs of their latest occurrence (made here and now, with
    the demo's data; marked as already sent, so that loading the demo emails no one)."""
    pmo = loader.users["pmo"]
    report = loader.report
    for spec in LOOKS:
        portfolio = loader.portfolios[spec.portfolio]
        if ReportLook.objects.filter(portfolio=portfolio).exists():
            continue
        with transaction.atomic():
            look = reports.report_look_update(
                actor=pmo,
                portfolio=portfolio,
                data={
                    "title": spec.title,
                    "accent_colour": spec.accent,
                    "confidentiality": spec.confidentiality,
                    "footer": spec.footer,
                    "sections": list(spec.sections),
                },
            )
            look.logo.save(
                f"{spec.portfolio.lower()}.svg",
                ContentFile(_logo_svg(spec.initials, spec.accent)),
                save=True,
            )
        report.created["report_looks"] += 1
    for spec in SCHEDULES:
        schedule = ReportSchedule.objects.filter(name=spec.name).first()
        if schedule is None:
            schedule = reports.report_schedule_create(
                actor=pmo,
                data={
                    "name": spec.name,
                    "kind": spec.kind,
                    **_scope(loader, spec),
                    "cron": spec.cron,
                    "time_zone": "Europe/Paris",
                    "language": spec.language,
                    "extra_recipients": spec.extra,
                    "attach_pdf": spec.attach,
                },
                recipients=[loader.users[name] for name in spec.recipients],
            )
            report.created["report_schedules"] += 1
        if not spec.make_now:
            continue
        planned = cron.latest_occurrence(schedule.cron, schedule.time_zone, loader.now)
        if (
            planned is None
            or ReportRun.objects.filter(schedule=schedule, planned_for=planned).exists()
        ):
            continue
        run = ReportRun.objects.create(
            schedule=schedule,
            planned_for=planned,
            kind=schedule.kind,
            portfolio_id=schedule.portfolio_id,
            programme_id=schedule.programme_id,
            project_id=schedule.project_id,
            language=schedule.language,
            as_of=planned.date(),
            emailed_at=planned,
        )
        run = reports.report_run_generate(run_id=run.pk, task_id=f"demo-{run.pk}")
        if run.state == RunState.SUCCEEDED:
            report.created["copil_packs"] += 1
