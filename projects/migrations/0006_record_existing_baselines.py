"""Record the baseline of every project already baselined as its first revision."""

from django.db import migrations

BASELINE_FIELDS = ("baseline_start", "baseline_end", "budget_capex", "budget_opex")


def record(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    BaselineRevision = apps.get_model("projects", "BaselineRevision")
    for project in Project.objects.filter(baseline_revisions__isnull=True):
        values = {field: getattr(project, field) for field in BASELINE_FIELDS}
        if any(values.values()):
            BaselineRevision.objects.create(
                project=project, number=1, reason="Initial baseline", **values
            )


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_baseline_budget_and_revisions")]

    # Going back keeps the revisions: they are history, and 0005 drops them with its table.
    operations = [migrations.RunPython(record, migrations.RunPython.noop)]
