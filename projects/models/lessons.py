"""Lessons learned (REX): captured on a project at a gate, at closure or along the way,
kept in a searchable library, and suggested to new projects that resemble theirs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmo.models import TimeStampedModel
from projects.choices import KnowledgeArea, LessonPolarity, LessonSource, SuggestionState
from projects.models.project import Milestone, Project


class LessonTag(models.Model):
    """A free word that groups lessons across projects ("data migration", "vendor")."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("lesson tag")
        verbose_name_plural = _("lesson tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Lesson(TimeStampedModel):
    """A lesson learned on a project: what happened, in which knowledge area, whether to
    repeat or avoid it, and what to do next time. Kept when its project closes."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="lessons"
    )
    source = models.CharField(
        _("captured"), max_length=10, choices=LessonSource, default=LessonSource.ONGOING
    )
    gate = models.ForeignKey(
        Milestone,
        verbose_name=_("gate"),
        on_delete=models.SET_NULL,
        related_name="lessons",
        null=True,
        blank=True,
        help_text=_("The stage gate it was captured at, if any."),
    )
    knowledge_area = models.CharField(_("knowledge area"), max_length=20, choices=KnowledgeArea)
    polarity = models.CharField(_("positive or negative"), max_length=10, choices=LessonPolarity)
    title = models.CharField(_("title"), max_length=200)
    what_happened = models.TextField(_("what happened"))
    recommendation = models.TextField(_("recommendation"))
    tags = models.ManyToManyField(
        LessonTag, verbose_name=_("tags"), related_name="lessons", blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["knowledge_area"], name="lesson_area")]

    def __str__(self):
        return self.title


class LessonFeedback(TimeStampedModel):
    """What a project manager made of a lesson suggested to their project: applied, or not
    relevant (with why), which the PMO sees."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="lesson_feedback",
    )
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="feedback"
    )
    state = models.CharField(_("state"), max_length=15, choices=SuggestionState)
    note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("lesson feedback")
        verbose_name_plural = _("lesson feedback")
        ordering = ["project", "-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "lesson"], name="lesson_feedback_unique"),
        ]

    def __str__(self):
        return f"{self.project.code} · {self.lesson}: {self.get_state_display()}"
