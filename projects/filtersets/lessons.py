"""Filters of the lessons library and of the feedback on suggested lessons, shared by the
pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pmo.filtersets import BaseFilterSet
from portfolio.models import Portfolio, Programme
from projects.choices import KnowledgeArea, LessonPolarity, LessonSource, SuggestionState
from projects.models import Lesson, LessonFeedback, LessonTag, Project
from projects.selectors.lessons import lesson_search


class LessonFilterSet(BaseFilterSet):
    """``q`` is the library's full-text search (see ``lesson_search``): best match first
    on PostgreSQL. ``tag`` is a tag's name."""

    knowledge_area = django_filters.ChoiceFilter(
        choices=KnowledgeArea.choices, label=_("Knowledge area")
    )
    polarity = django_filters.ChoiceFilter(choices=LessonPolarity.choices, label=_("Polarity"))
    source = django_filters.ChoiceFilter(choices=LessonSource.choices, label=_("Captured"))
    portfolio = django_filters.ModelChoiceFilter(
        field_name="project__portfolio", queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    programme = django_filters.ModelChoiceFilter(
        field_name="project__programme", queryset=Programme.objects.all(), label=_("Programme")
    )
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.order_by("code"), label=_("Project")
    )
    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        to_field_name="name",
        queryset=LessonTag.objects.all(),
        label=_("Tag"),
    )

    class Meta:
        model = Lesson
        fields = [
            "q",
            "knowledge_area",
            "polarity",
            "source",
            "portfolio",
            "programme",
            "project",
            "tag",
        ]

    def search(self, queryset, name, value):
        return lesson_search(queryset, value)


class LessonFeedbackFilterSet(BaseFilterSet):
    search_fields = ("project__code", "project__name", "lesson__title", "note")
    state = django_filters.ChoiceFilter(choices=SuggestionState.choices, label=_("State"))
    portfolio = django_filters.ModelChoiceFilter(
        field_name="project__portfolio", queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.order_by("code"), label=_("Project")
    )
    lesson = django_filters.ModelChoiceFilter(queryset=Lesson.objects.all(), label=_("Lesson"))

    class Meta:
        model = LessonFeedback
        fields = ["q", "state", "portfolio", "project", "lesson"]
