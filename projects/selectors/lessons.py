"""Reads of lessons learned: the library (with its full-text search), the lessons suggested
to a new project, and the feedback given on suggestions."""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.models import Lesson, LessonFeedback, LessonTag, Project, ProjectObjective
from projects.services.lessons import SUGGESTION_PHASES

# PostgreSQL text search configurations the library is indexed with. The lessons are written
# in French (DSI) and English (OPS), and often mix both ("recette du data lake"): each field
# is indexed with both stemmers and a query is matched with both, so "migrations" finds
# "migration" and "fournisseurs" finds "fournisseur" whatever the lesson's language. 'simple'
# would not stem at all, and 'simple' with unaccent needs an extension we do not install.
SEARCH_CONFIGS = ("english", "french")
# Points of a suggestion (see suggested_lessons).
SAME_PROGRAMME, SAME_PORTFOLIO, SHARED_OBJECTIVE, SHARED_TAG, SIMILAR_WORD = 3, 1, 2, 1, 1
SIMILAR_WORDS_CAP = 3
# Words too common to say two texts are alike (both languages), and words this short.
STOP_WORDS = frozenset(
    {
        "avec",
        "dans",
        "pour",
        "sous",
        "sont",
        "that",
        "this",
        "their",
        "from",
        "into",
        "with",
        "over",
        "under",
        "project",
        "projet",
        "projets",
        "projects",
        "plus",
        "more",
        "mise",
        "place",
        "nouveau",
        "nouvelle",
    }
)
MIN_WORD_LENGTH = 4
WORD = re.compile(r"\w+")


def lesson_list() -> QuerySet[Lesson]:
    """Lessons newest first, with what every row of the library shows (project, gate,
    author) joined and their tags prefetched."""
    return (
        Lesson.objects.select_related("project", "gate", "author")
        .prefetch_related("tags")
        .order_by("-created_at", "-pk")
    )


def _tag_names_of_lesson():
    """The names of a lesson's tags, space-separated, as a subquery (PostgreSQL)."""
    from django.contrib.postgres.aggregates import StringAgg

    through = Lesson.tags.through
    return Coalesce(
        Subquery(
            through.objects.filter(lesson=OuterRef("pk"))
            .values("lesson")
            .annotate(names=StringAgg("lessontag__name", delimiter=" "))
            .values("names")[:1]
        ),
        Value(""),
        output_field=TextField(),
    )


def lesson_search(queryset: QuerySet[Lesson], text: str) -> QuerySet[Lesson]:
    """The lessons of ``queryset`` matching ``text``.

    On PostgreSQL, full-text search over the title (weight A), the recommendation and the
    tags (B) and what happened (C), in English and French (:data:`SEARCH_CONFIGS`), best
    rank first, then newest: a word in a title ranks above the same word in a story. On
    SQLite, a case-insensitive "contains" over the same fields, newest first.
    """
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        tags = _tag_names_of_lesson()
        vector = reduce(
            lambda left, right: left + right,
            [
                part
                for config in SEARCH_CONFIGS
                for part in (
                    SearchVector("title", weight="A", config=config),
                    SearchVector("recommendation", weight="B", config=config),
                    SearchVector(tags, weight="B", config=config),
                    SearchVector("what_happened", weight="C", config=config),
                )
            ],
        )
        query = reduce(
            or_,
            [SearchQuery(text, search_type="websearch", config=c) for c in SEARCH_CONFIGS],
        )
        return (
            queryset.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank", "-created_at", "-pk")
        )
    tagged = Lesson.objects.filter(tags__name__icontains=text).values("pk")
    return queryset.filter(
        Q(title__icontains=text)
        | Q(recommendation__icontains=text)
        | Q(what_happened__icontains=text)
        | Q(pk__in=tagged)
    )


def lesson_feedback_list() -> QuerySet[LessonFeedback]:
    """Feedback on suggested lessons by project, with the project, the lesson (and its
    project) and who gave it joined."""
    return LessonFeedback.objects.select_related(
        "project", "lesson", "lesson__project", "decided_by"
    ).order_by("project__code", "-updated_at", "-pk")


# --- suggestions --------------------------------------------------------------------------


def _fold(word: str) -> str:
    """``word`` lowercased without its accents: "Données" and "donnees" are one word."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def significant_words(text: str) -> set[str]:
    """The words of ``text`` that may say two texts are about the same thing: folded, at
    least four letters, not a common word."""
    return {
        word
        for word in (_fold(w) for w in WORD.findall(text or ""))
        if len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS and not word.isdigit()
    }


@dataclass
class Suggestion:
    """A lesson suggested to a project: its score, why (one line per reason), and the
    feedback already given on it, if any."""

    lesson: Lesson
    score: int
    reasons: list[str] = field(default_factory=list)
    feedback: LessonFeedback | None = None


def suggested_lessons(project: Project, limit: int = 10) -> list[Suggestion]:
    """The lessons of other projects most likely to help ``project``, best first.

    Only for a project in idea, framing or planning (an empty list otherwise). Each lesson of
    another project scores:

    - +3 if its project is in the same programme as ``project``;
    - +1 if its project is in the same portfolio;
    - +2 for each strategic objective both projects contribute to (ProjectObjective);
    - +1 for each of its tags also on a lesson of ``project`` itself;
    - +1 for each significant word (four letters or more, accents and case ignored, common
      words left out) of ``project``'s name and description found in the lesson's title or
      recommendation, at most +3.

    Lessons scoring 0 are left out. Ties go to the newest lesson. A lesson the project's
    manager already marked (applied, not relevant) stays in the list with its feedback, so
    the answer can be seen and changed. A fixed number of queries, whatever the library's
    size.
    """
    if project.phase not in SUGGESTION_PHASES:
        return []
    objectives = set(
        ProjectObjective.objects.filter(project=project).values_list("objective_id", flat=True)
    )
    own_tags = set(
        LessonTag.objects.filter(lessons__project=project).values_list("name", flat=True)
    )
    words = significant_words(f"{project.name} {project.description}")
    candidates = list(lesson_list().exclude(project=project).select_related("project__programme"))
    objectives_of: dict[int, set[int]] = {}
    if objectives:
        for project_id, objective_id in ProjectObjective.objects.filter(
            project_id__in={lesson.project_id for lesson in candidates},
            objective_id__in=objectives,
        ).values_list("project_id", "objective_id"):
            objectives_of.setdefault(project_id, set()).add(objective_id)
    suggestions = []
    for lesson in candidates:
        other = lesson.project
        score, reasons = 0, []
        if project.programme_id and other.programme_id == project.programme_id:
            score += SAME_PROGRAMME
            reasons.append(_("Same programme"))
        if other.portfolio_id == project.portfolio_id:
            score += SAME_PORTFOLIO
            reasons.append(_("Same portfolio"))
        shared_objectives = objectives_of.get(other.pk, set())
        if shared_objectives:
            score += SHARED_OBJECTIVE * len(shared_objectives)
            reasons.append(
                ngettext(
                    "%(count)s shared objective",
                    "%(count)s shared objectives",
                    len(shared_objectives),
                )
                % {"count": len(shared_objectives)}
            )
        shared_tags = sorted(own_tags & {tag.name for tag in lesson.tags.all()})
        if shared_tags:
            score += SHARED_TAG * len(shared_tags)
            reasons.append(_("Shared tags: %(tags)s") % {"tags": ", ".join(shared_tags)})
        similar = sorted(words & significant_words(f"{lesson.title} {lesson.recommendation}"))[
            :SIMILAR_WORDS_CAP
        ]
        if similar:
            score += SIMILAR_WORD * len(similar)
            reasons.append(_("Similar words: %(words)s") % {"words": ", ".join(similar)})
        if score:
            suggestions.append(Suggestion(lesson=lesson, score=score, reasons=reasons))
    suggestions.sort(key=lambda s: (-s.score, -s.lesson.created_at.timestamp(), -s.lesson.pk))
    suggestions = suggestions[:limit]
    feedback = {
        item.lesson_id: item
        for item in LessonFeedback.objects.filter(
            project=project, lesson__in=[s.lesson for s in suggestions]
        ).select_related("decided_by")
    }
    for suggestion in suggestions:
        suggestion.feedback = feedback.get(suggestion.lesson.pk)
    return suggestions
