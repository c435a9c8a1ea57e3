"""Base models shared by every app, and the user."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base recording when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class SettingsModel(TimeStampedModel):
    """Abstract base of a PMO setting kept in one row: the defaults apply until it is saved."""

    class Meta:
        abstract = True

    @classmethod
    def get(cls):
        """The settings in force (an unsaved row of defaults until the PMO saves one)."""
        return cls.objects.order_by("pk").first() or cls()


code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, dots, dashes and underscores, starting with a letter or digit."),
)


class CodedModel(TimeStampedModel):
    """Abstract base of the rows known by a ``code``, unique whatever its case.

    The database refuses a code that differs from another only by case (a constraint on
    ``Upper("code")``); validation refuses it first, on the ``code`` field, with the message of
    a plain duplicate instead of the constraint's message about the whole row.
    """

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        super().validate_unique(exclude=exclude)
        if "code" in (exclude or ()) or not self.code:
            return
        model = type(self)
        duplicates = model._default_manager.filter(code__iexact=self.code).exclude(pk=self.pk)
        if duplicates.exists():
            raise ValidationError({"code": self.unique_error_message(model, ("code",))})

    def validate_constraints(self, exclude=None):
        # validate_unique() above says it on the field; the constraint would say it again as
        # a row-wide error naming itself (a ModelForm asks both, whatever the first answered).
        super().validate_constraints(exclude={*(exclude or ()), "code"})


class User(AbstractUser):
    """A person (or an integration's service account) using Pilotage; roles are groups."""

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """Full name when known, the username otherwise."""
        return self.get_full_name() or self.username
