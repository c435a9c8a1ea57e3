"""Tables of the lessons library and of the feedback on suggested lessons."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from pmo.tables import BaseTable
from projects.models import Lesson, LessonFeedback
from projects.tables.finance import ProjectCodeColumn

# The words of a recommendation the library shows; the lesson's page shows it whole.
EXCERPT_WORDS = 25


def polarity_badge(lesson: Lesson) -> str:
    return format_html(
        '<span class="badge lesson-{}">{}</span>', lesson.polarity, lesson.get_polarity_display()
    )


def tag_links(lesson: Lesson) -> str:
    """The lesson's tags, each a link to the library filtered on it (prefetched tags)."""
    url = reverse("projects:lesson_list")
    return format_html_join(
        " ",
        '<a class="badge tag" href="{}?tag={}">{}</a>',
        ((url, tag.name, tag.name) for tag in lesson.tags.all()),
    )


class LessonTable(BaseTable):
    # The recommendation, what a reader comes for, under its title: a column of its own
    # would be too narrow to read.
    title = tables.Column()
    project = ProjectCodeColumn()
    knowledge_area = tables.Column()
    polarity = tables.Column()
    tags = tables.Column(verbose_name=_("Tags"), accessor="pk", orderable=False)
    created_at = tables.DateColumn(verbose_name=_("Date"), short=True)

    class Meta(BaseTable.Meta):
        model = Lesson
        fields = [
            "title",
            "project",
            "knowledge_area",
            "polarity",
            "tags",
            "created_at",
        ]

    def render_polarity(self, record):
        return polarity_badge(record)

    def render_tags(self, record):
        return tag_links(record)

    def render_title(self, record):
        return format_html(
            '<a href="{}">{}</a><div class="help">{}</div>',
            reverse("projects:lesson_detail", args=[record.pk]),
            record.title,
            Truncator(record.recommendation).words(EXCERPT_WORDS),
        )


class LessonFeedbackTable(BaseTable):
    project = ProjectCodeColumn()
    lesson = tables.Column(
        order_by=("lesson__title",),
        linkify=lambda record: reverse("projects:lesson_detail", args=[record.lesson_id]),
    )
    lesson_project = tables.Column(
        verbose_name=_("Learned on"), accessor="lesson__project__code", orderable=True
    )
    state = tables.Column()
    note = tables.Column(orderable=False)
    decided_by = tables.Column()
    updated_at = tables.DateColumn(verbose_name=_("Date"), short=True)

    class Meta(BaseTable.Meta):
        model = LessonFeedback
        fields = [
            "project",
            "lesson",
            "lesson_project",
            "state",
            "note",
            "decided_by",
            "updated_at",
        ]

    def render_state(self, record):
        return format_html(
            '<span class="badge feedback-{}">{}</span>', record.state, record.get_state_display()
        )
