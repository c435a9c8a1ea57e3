"""Choices of the portfolio app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Contribution(models.IntegerChoices):
    """How strongly a project serves a strategic objective (1 low to 3 high)."""

    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
