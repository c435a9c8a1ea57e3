"""``manage.py seed_demo``: load the demo portfolio that ``make run`` shows."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting.demo import SeedReport, load_demo


class Command(BaseCommand):
    help = (
        "Load a demo portfolio (users, objectives, portfolios, programmes, projects with "
        "their budgets, milestones, half a year of weekly status reports, the RAID log and "
        "change requests; a resource pool, a year of allocations, budget lines, envelopes, "
        "actuals and purchase orders) dated from today; running it again creates nothing new. "
        "For a local machine only: every demo user gets the password in DEMO_PASSWORD (default "
        "pilotage-demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even where settings do not allow demo data (DEMO_DATA_ALLOWED).",
        )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED and not options["force"]:
            raise CommandError(
                "Demo data is not allowed with these settings (it would give known passwords "
                "to demo users). Use --force if this really is a demo machine."
            )
        report = load_demo()
        self.stdout.write(summary(report))


def summary(report: SeedReport) -> str:
    """A few plain lines: what was created and updated, by kind of row."""
    if not report.changed_anything:
        return "Demo data already in place: nothing created, nothing updated."
    lines = ["Demo data loaded."]
    for kind in SeedReport.KINDS:
        created, updated = report.created[kind], report.updated[kind]
        lines.append(f"  {kind + ':':<16} {created:>3} created, {updated:>3} updated")
    return "\n".join(lines)
