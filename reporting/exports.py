"""Exports of the PMO dashboard: the grid's rows as CSV (for French Excel: semicolons, a
byte-order mark, a decimal point) or XLSX (numbers as numeric cells), with translated
headers and ratings as words."""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from projects.choices import Axis, EacBasis, Phase, Rating, Trend, Weather
from reporting.selectors import HealthRow

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def dashboard_table(rows: list[HealthRow]) -> tuple[list[str], list[list]]:
    """The header (in the active language) and one list of values per row: words for the
    ratings, Decimal or int for money and counts, "" where unknown."""
    ratings = {value: str(label) for value, label in Rating.choices}
    weathers = {value: str(label) for value, label in Weather.choices}
    phases = {value: str(label) for value, label in Phase.choices}
    trends = {value: str(label) for value, label in Trend.choices}
    bases = {value: str(label) for value, label in EacBasis.choices}
    axes = dict(Axis.choices)
    yes, no = _("yes"), _("no")
    header = [
        _("Code"),
        _("Name"),
        _("Portfolio"),
        _("Programme"),
        _("Project manager"),
        _("Phase"),
        _("Weather"),
        *(_("%(axis)s declared") % {"axis": axes[axis]} for axis in Axis.values),
        *(_("%(axis)s computed") % {"axis": axes[axis]} for axis in Axis.values[1:]),
        *(_("%(axis)s trend") % {"axis": axes[axis]} for axis in Axis.values),
        _("Report age (days)"),
        _("Budget"),
        _("Estimate at completion"),
        _("EAC basis"),
        _("Consumed (%)"),
        _("EAC / budget (%)"),
        _("Slip (days)"),
        _("Overdue milestones"),
        _("Top risk score"),
        _("Open alerts"),
        _("Needs attention"),
    ]
    table = []
    for row in rows:
        project = row.project
        table.append(
            [
                project.code,
                project.name,
                project.portfolio.name,
                project.programme.name if project.programme is not None else "",
                project.project_manager.display_name if project.project_manager else "",
                phases.get(project.phase, project.phase),
                weathers.get(row.weather, ""),
                *(ratings.get(row.declared[axis], "") for axis in Axis.values),
                *(ratings.get(row.computed[axis], "") for axis in Axis.values[1:]),
                *(trends.get(row.trends[axis], "") for axis in Axis.values),
                row.report_age_days,
                row.budget,
                row.eac,
                bases.get(row.eac_basis, ""),
                row.consumption_percent,
                row.eac_percent,
                row.slip_days,
                row.overdue_milestones,
                row.top_risk_score,
                row.open_alerts,
                yes if row.needs_attention else no,
            ]
        )
    return header, table


def _csv_value(value) -> str:
    if value is None:
        return ""
    # A decimal point whatever the language: Decimal's own text, never localised.
    return str(value)


def to_csv(header: list[str], table: list[list]) -> bytes:
    """Semicolon-separated UTF-8 with a byte-order mark, so that French Excel opens it in
    columns and with its accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for values in table:
        writer.writerow([_csv_value(value) for value in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], table: list[list], *, title: str) -> bytes:
    """One sheet, the header row bold and frozen, numbers as numeric cells (money with two
    decimals)."""
    from openpyxl import Workbook  # imported here: only exports need it
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for values in table:
        sheet.append(values)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            # Money and percentages: Decimal, written as numbers; shown with two places.
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_dashboard(rows: list[HealthRow], fmt: str) -> tuple[bytes, str]:
    """The dashboard's ``rows`` in ``fmt`` ("csv" or "xlsx"): the content and its type."""
    header, table = dashboard_table(rows)
    if fmt == "csv":
        return to_csv(header, table), CSV_TYPE
    return to_xlsx(header, table, title=_("Dashboard")), XLSX_TYPE
