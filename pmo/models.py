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


class TokenScope(models.TextChoices):
    """What an API token may do, within the rights of the account it acts as."""

    READ = "read", _("Read the portfolio")
    ACTUALS = "write:actuals", _("Write actuals (cost entries)")
    ALLOCATIONS = "write:allocations", _("Write allocations (FTE plan)")
    CAPACITY = "write:capacity", _("Write resource capacity")
    STATUS = "write:status", _("Write weekly statuses")
    RAID = "write:raid", _("Write risks, issues, actions and decisions")
    REPORTS = "write:reports", _("Request Copil packs")


class ApiToken(models.Model):
    """A key for the REST API: named, scoped, expiring, revocable, stored as a hash only.

    An integration token is created by a PMO manager for a service account (Integration role);
    a personal token is what a person obtains with their password. Either acts as ``user``,
    never beyond that account's rights, and only within ``scopes`` (a personal token has every
    scope). The key is shown once, at creation: only its prefix (to recognise it) and the
    SHA-256 of the whole key are kept.
    """

    class Kind(models.TextChoices):
        INTEGRATION = "integration", _("Integration")
        PERSONAL = "personal", _("Personal")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.INTEGRATION)
    user = models.ForeignKey(
        "pmo.User",
        verbose_name=_("acts as"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    created_by = models.ForeignKey(
        "pmo.User",
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        "pmo.User",
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(
        _("last used from"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
