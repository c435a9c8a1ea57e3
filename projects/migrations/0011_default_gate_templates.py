"""Create the default stage gates: one per phase a gate ends, named and listed in the site's
language (the PMO renames them and edits their checklists in the settings)."""

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# phase: (name, checklist)
DEFAULT_GATES = {
    "idea": (
        _("G0 — Opportunity"),
        [_("Launch note approved"), _("Sponsor named"), _("Strategic fit assessed")],
    ),
    "framing": (
        _("G1 — Launch"),
        [
            _("Objectives and scope agreed"),
            _("Budget approved"),
            _("Risks reviewed"),
            _("Team staffed"),
        ],
    ),
    "planning": (
        _("G2 — Baseline"),
        [
            _("Planning baselined"),
            _("Budget lines entered"),
            _("Risk register up to date"),
            _("Steering committee set"),
        ],
    ),
    "execution": (
        _("G3 — Delivery acceptance"),
        [_("Deliverables accepted"), _("Go-live done"), _("Support ready")],
    ),
    "closing": (
        _("G4 — Closure"),
        [
            _("Closure report written"),
            _("Lessons learned captured"),
            _("Budget closed"),
            _("Handover done"),
        ],
    ),
}


def create_gates(apps, schema_editor):
    GateTemplate = apps.get_model("projects", "GateTemplate")
    with translation.override(settings.LANGUAGE_CODE):
        for phase, (name, checklist) in DEFAULT_GATES.items():
            # A gate the PMO already set is kept as it is.
            GateTemplate.objects.get_or_create(
                phase=phase,
                defaults={"name": str(name), "checklist": [str(item) for item in checklist]},
            )


def remove_gates(apps, schema_editor):
    apps.get_model("projects", "GateTemplate").objects.filter(
        phase__in=list(DEFAULT_GATES)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0010_requests_gates_closure")]

    operations = [migrations.RunPython(create_gates, remove_gates)]
