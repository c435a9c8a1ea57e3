"""Choices of the portfolio app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Contribution(models.IntegerChoices):
    """How strongly a project serves a strategic objective (1 low to 3 high)."""

    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class ResourceKind(models.TextChoices):
    """A resource of the pool: one named person, or a team planned as a whole."""

    PERSON = "person", _("Person")
    TEAM = "team", _("Team")


# In the context "month": the labels of a choice, capitalised, leave Django its own month
# names, which dates print in the middle of a sentence ("21 novembre 2026").
MONTH_CHOICES = [
    (1, pgettext_lazy("month", "January")),
    (2, pgettext_lazy("month", "February")),
    (3, pgettext_lazy("month", "March")),
    (4, pgettext_lazy("month", "April")),
    (5, pgettext_lazy("month", "May")),
    (6, pgettext_lazy("month", "June")),
    (7, pgettext_lazy("month", "July")),
    (8, pgettext_lazy("month", "August")),
    (9, pgettext_lazy("month", "September")),
    (10, pgettext_lazy("month", "October")),
    (11, pgettext_lazy("month", "November")),
    (12, pgettext_lazy("month", "December")),
]
