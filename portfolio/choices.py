"""Choices of the portfolio app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Contribution(models.IntegerChoices):
    """How strongly a project serves a strategic objective (1 low to 3 high)."""

    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class ResourceKind(models.TextChoices):
    """A resource of the pool: one named person, or a team planned as a whole."""

    PERSON = "person", _("Person")
    TEAM = "team", _("Team")


MONTH_CHOICES = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]
