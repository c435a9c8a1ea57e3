"""The models of the projects app, one module per concern."""

from projects.models.finance import BudgetLine, CostEntry, OverrunAlert
from projects.models.governance import ClosureReport, GateReview, GateTemplate, ProjectRequest
from projects.models.lessons import Lesson, LessonFeedback, LessonTag
from projects.models.project import (
    BASELINE_FIELDS,
    BaselineRevision,
    Milestone,
    Project,
    ProjectObjective,
    time_zone_choices,
)
from projects.models.scoring import ProjectScore, Scenario, ScenarioChoiceRow
from projects.models.staffing import Allocation
from projects.models.status import (
    STATUS_CONTENT_FIELDS,
    ReportingCalendar,
    StatusNotification,
    StatusReport,
    rating_field,
)

__all__ = [
    "BASELINE_FIELDS",
    "STATUS_CONTENT_FIELDS",
    "Allocation",
    "BaselineRevision",
    "BudgetLine",
    "ClosureReport",
    "CostEntry",
    "GateReview",
    "GateTemplate",
    "Lesson",
    "LessonFeedback",
    "LessonTag",
    "Milestone",
    "OverrunAlert",
    "Project",
    "ProjectObjective",
    "ProjectRequest",
    "ProjectScore",
    "ReportingCalendar",
    "Scenario",
    "ScenarioChoiceRow",
    "StatusNotification",
    "StatusReport",
    "rating_field",
    "time_zone_choices",
]
