"""Lessons learned: rules, the services' checks, the library's search and filters, the
suggestions' order and the feedback on them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from pmo.exceptions import WorkflowError
from pmo.rules import can
from projects.choices import KnowledgeArea, LessonPolarity, LessonSource, Phase
from projects.filtersets.lessons import LessonFilterSet
from projects.models import Lesson, LessonFeedback, LessonTag
from projects.selectors.lessons import lesson_list, suggested_lessons
from projects.services.lessons import (
    lesson_create,
    lesson_delete,
    lesson_feedback_set,
    lesson_update,
)
from tests import factories


def make_lesson(project, *, actor=None, days_ago=0, **data):
    """A lesson on ``project`` through the service, dated ``days_ago`` days back."""
    values = {
        "knowledge_area": KnowledgeArea.SCOPE,
        "polarity": LessonPolarity.NEGATIVE,
        "title": "A lesson",
        "what_happened": "Something happened.",
        "recommendation": "Do better.",
        **data,
    }
    lesson = lesson_create(actor=actor, project=project, **values)
    if days_ago:
        moment = timezone.now() - datetime.timedelta(days=days_ago)
        Lesson.objects.filter(pk=lesson.pk).update(created_at=moment)
        lesson.refresh_from_db()
    return lesson


# --- rules --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_manager_and_the_pmo_add_others_do_not(
    project, pm_user, other_pm_user, pmo_user, exec_user, integration_user, no_role_user
):
    assert can(pm_user, "add", Lesson, parent=project)
    assert can(pmo_user, "add", Lesson, parent=project)
    for user in (other_pm_user, exec_user, integration_user, no_role_user):
        assert not can(user, "add", Lesson, parent=project)


@pytest.mark.django_db
def test_only_the_pmo_adds_to_a_closed_project(pm_user, pmo_user):
    closed = factories.ProjectFactory(project_manager=pm_user, phase=Phase.CLOSED)

    assert not can(pm_user, "add", Lesson, parent=closed)
    assert make_lesson(closed, actor=pmo_user).author == pmo_user


@pytest.mark.django_db
def test_the_author_edits_while_managing_another_manager_does_not(project, pm_user, pmo_user):
    mine = make_lesson(project, actor=pm_user)
    by_pmo = make_lesson(project, actor=pmo_user)

    assert can(pm_user, "change", mine)
    assert not can(pm_user, "change", by_pmo)
    assert can(pmo_user, "change", mine)
    project.phase = Phase.CLOSED
    project.save()
    assert not can(pm_user, "change", mine)


@pytest.mark.django_db
def test_only_the_pmo_deletes(project, pm_user, pmo_user):
    lesson = make_lesson(project, actor=pm_user)

    with pytest.raises(PermissionDenied):
        lesson_delete(lesson, actor=pm_user)
    lesson_delete(lesson, actor=pmo_user)

    assert not Lesson.objects.exists()


@pytest.mark.django_db
def test_another_manager_may_not_capture_on_a_project(project, other_pm_user):
    with pytest.raises(PermissionDenied):
        make_lesson(project, actor=other_pm_user)


# --- services: input ----------------------------------------------------------------------


@pytest.mark.django_db
def test_tags_are_trimmed_lowercased_and_shared(project, pm_user):
    first = make_lesson(project, actor=pm_user, tags=" Fournisseur , data,, DATA ")
    second = make_lesson(project, actor=pm_user, tags=["fournisseur", "Recette"])

    assert [t.name for t in first.tags.all()] == ["data", "fournisseur"]
    assert sorted(t.name for t in second.tags.all()) == ["fournisseur", "recette"]
    assert LessonTag.objects.count() == 3


@pytest.mark.django_db
def test_a_gate_lesson_needs_a_gate(project, pm_user):
    with pytest.raises(ValidationError) as error:
        make_lesson(project, actor=pm_user, source=LessonSource.GATE)

    assert "gate" in error.value.message_dict
    assert not Lesson.objects.exists()


@pytest.mark.django_db
def test_the_gate_of_another_project_is_refused(project, pm_user):
    other_gate = factories.MilestoneFactory(is_gate=True)

    with pytest.raises(ValidationError) as error:
        make_lesson(project, actor=pm_user, source=LessonSource.GATE, gate=other_gate)

    assert "gate" in error.value.message_dict


@pytest.mark.django_db
def test_a_milestone_that_is_not_a_gate_is_refused(project, pm_user):
    milestone = factories.MilestoneFactory(project=project, is_gate=False)

    with pytest.raises(ValidationError) as error:
        make_lesson(project, actor=pm_user, source=LessonSource.GATE, gate=milestone)

    assert "gate" in error.value.message_dict


@pytest.mark.django_db
def test_a_gate_is_refused_on_a_lesson_not_captured_at_a_gate(project, pm_user):
    gate = factories.MilestoneFactory(project=project, is_gate=True)

    with pytest.raises(ValidationError) as error:
        make_lesson(project, actor=pm_user, source=LessonSource.CLOSURE, gate=gate)

    assert "gate" in error.value.message_dict


@pytest.mark.django_db
def test_a_lesson_at_a_gate_of_its_project_is_recorded(project, pm_user):
    gate = factories.MilestoneFactory(project=project, is_gate=True)

    lesson = make_lesson(project, actor=pm_user, source=LessonSource.GATE, gate=gate)

    assert lesson.gate == gate


@pytest.mark.django_db
def test_an_empty_title_is_refused_and_nothing_saved(project, pm_user):
    with pytest.raises(ValidationError) as error:
        make_lesson(project, actor=pm_user, title="", tags="orphan")

    assert "title" in error.value.message_dict
    assert not Lesson.objects.exists()
    assert not LessonTag.objects.exists()


@pytest.mark.django_db
def test_a_lesson_stays_on_its_project(project, pm_user, pmo_user):
    lesson = make_lesson(project, actor=pm_user)

    with pytest.raises(ValidationError) as error:
        lesson_update(lesson, actor=pmo_user, project=factories.ProjectFactory())

    assert "project" in error.value.message_dict


@pytest.mark.django_db
def test_update_replaces_the_tags_when_given(project, pm_user):
    lesson = make_lesson(project, actor=pm_user, tags="a1, b2")

    lesson_update(lesson, actor=pm_user, title="Renamed", tags=["c3"])

    lesson.refresh_from_db()
    assert lesson.title == "Renamed"
    assert [t.name for t in lesson.tags.all()] == ["c3"]


# --- search and filters -------------------------------------------------------------------


def filtered(params):
    return list(LessonFilterSet(params, queryset=lesson_list()).qs)


@pytest.mark.django_db
def test_search_finds_title_body_and_tag_words(project):
    in_title = make_lesson(project, title="Vendor contract without penalties")
    in_body = make_lesson(project, what_happened="The vendor was late.", days_ago=1)
    by_tag = make_lesson(project, tags="vendor", days_ago=2)
    make_lesson(project, title="Unrelated", days_ago=3)

    assert set(filtered({"q": "vendor"})) == {in_title, in_body, by_tag}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text ranking")
def test_full_text_ranks_a_title_hit_above_a_body_hit(project):
    # The body hit is newer: only the rank puts the title hit first.
    in_body = make_lesson(
        project, title="Supplier delays", what_happened="Data migration went wrong."
    )
    in_title = make_lesson(project, title="Data migration rehearsals", days_ago=5)

    assert filtered({"q": "migration"}) == [in_title, in_body]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming")
def test_full_text_matches_french_and_english_word_forms(project):
    french = make_lesson(project, title="Contrats fournisseurs sans pénalités")
    english = make_lesson(project, title="Testing the interfaces early", days_ago=1)

    assert filtered({"q": "fournisseur"}) == [french]
    assert filtered({"q": "tests"}) == [english]


@pytest.mark.django_db
def test_filters_by_tag_area_and_programme(project):
    programme = factories.ProgrammeFactory(portfolio=project.portfolio)
    in_programme = factories.ProjectFactory(portfolio=project.portfolio, programme=programme)
    tagged = make_lesson(project, tags="recette", knowledge_area=KnowledgeArea.QUALITY)
    other = make_lesson(in_programme, tags="data", knowledge_area=KnowledgeArea.COST)

    assert filtered({"tag": "recette"}) == [tagged]
    assert filtered({"knowledge_area": "cost"}) == [other]
    assert filtered({"programme": programme.pk}) == [other]


@pytest.mark.django_db
def test_the_library_lists_newest_first(project):
    old = make_lesson(project, days_ago=10)
    new = make_lesson(project)

    assert list(lesson_list()) == [new, old]


# --- suggestions --------------------------------------------------------------------------


@pytest.fixture
def suggestion_case(db):
    """A new project in planning (programme P, portfolio F, objective O1, its own lesson tagged
    "vendor", name "Warehouse scanners rollout"), and lessons of other projects:

    - same_programme: programme P (+3) and portfolio F (+1)          = 4
    - two_objectives: portfolio F (+1), shares O1 and O2 (+2 +2)     = 5
    - tag_and_words: other portfolio, tag "vendor" (+1), words
      "warehouse", "scanners", "rollout" in its title (+3, capped)   = 4, newer than same_programme
    - one_word: other portfolio, "warehouse" in its recommendation   = 1
    - unrelated: other portfolio, nothing shared                     = 0, left out
    """
    portfolio = factories.PortfolioFactory()
    programme = factories.ProgrammeFactory(portfolio=portfolio)
    o1, o2 = factories.StrategicObjectiveFactory(), factories.StrategicObjectiveFactory()
    new = factories.ProjectFactory(
        portfolio=portfolio,
        programme=programme,
        phase=Phase.PLANNING,
        name="Warehouse scanners rollout",
        description="Handheld devices for pickers.",
    )
    factories.ProjectObjectiveFactory(project=new, objective=o1)
    factories.ProjectObjectiveFactory(project=new, objective=o2)
    make_lesson(new, title="Own lesson", tags="vendor")
    elsewhere = factories.PortfolioFactory()
    same_programme_project = factories.ProjectFactory(portfolio=portfolio, programme=programme)
    objectives_project = factories.ProjectFactory(portfolio=portfolio)
    factories.ProjectObjectiveFactory(project=objectives_project, objective=o1)
    factories.ProjectObjectiveFactory(project=objectives_project, objective=o2)
    far = factories.ProjectFactory(portfolio=elsewhere)
    lessons = {
        "same_programme": make_lesson(same_programme_project, title="Alpha", days_ago=9),
        "two_objectives": make_lesson(objectives_project, title="Beta", days_ago=8),
        "tag_and_words": make_lesson(
            far,
            title="Warehouse scanners: rollout by wave, handheld pilot first",
            tags="vendor",
            days_ago=3,
        ),
        "one_word": make_lesson(far, title="Gamma", recommendation="Visit the warehouse."),
        "unrelated": make_lesson(far, title="Delta"),
    }
    return new, lessons


@pytest.mark.django_db
def test_suggestions_are_ranked_by_score_then_newest(suggestion_case):
    project, lessons = suggestion_case

    suggestions = suggested_lessons(project)

    assert [(s.lesson, s.score) for s in suggestions] == [
        (lessons["two_objectives"], 5),
        (lessons["tag_and_words"], 4),
        (lessons["same_programme"], 4),
        (lessons["one_word"], 1),
    ]


@pytest.mark.django_db
def test_suggestions_never_include_the_projects_own_lessons(suggestion_case):
    project, _lessons = suggestion_case

    assert all(s.lesson.project_id != project.pk for s in suggested_lessons(project))


@pytest.mark.django_db
def test_suggestions_are_limited(suggestion_case):
    project, lessons = suggestion_case

    assert [s.lesson for s in suggested_lessons(project, limit=1)] == [lessons["two_objectives"]]


@pytest.mark.django_db
def test_no_suggestion_past_planning(suggestion_case):
    project, _lessons = suggestion_case
    project.phase = Phase.EXECUTION
    project.save()

    assert suggested_lessons(project) == []


@pytest.mark.django_db
def test_a_marked_suggestion_stays_with_its_feedback(suggestion_case, pmo_user):
    project, lessons = suggestion_case
    lesson_feedback_set(
        actor=pmo_user, project=project, lesson=lessons["one_word"], state="not_relevant"
    )

    suggestion = suggested_lessons(project)[-1]

    assert suggestion.lesson == lessons["one_word"]
    assert suggestion.feedback.state == "not_relevant"


@pytest.mark.django_db
def test_suggestions_cost_the_same_queries_for_few_or_many_lessons(
    suggestion_case, django_assert_max_num_queries
):
    project, _lessons = suggestion_case
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        suggested_lessons(project)
    far = factories.ProjectFactory()
    for index in range(30):
        make_lesson(far, title=f"Warehouse {index}", tags=f"t{index}, vendor")
    with CaptureQueriesContext(connection) as many:
        suggested_lessons(project)

    assert len(many.captured_queries) == len(few.captured_queries)


# --- feedback -----------------------------------------------------------------------------


@pytest.fixture
def planning(pm_user):
    return factories.ProjectFactory(project_manager=pm_user, phase=Phase.PLANNING)


@pytest.mark.django_db
def test_feedback_is_an_upsert(planning, project, pm_user):
    lesson = make_lesson(project)

    first, created = lesson_feedback_set(
        actor=pm_user, project=planning, lesson=lesson, state="applied"
    )
    second, created_again = lesson_feedback_set(
        actor=pm_user, project=planning, lesson=lesson, state="not_relevant", note=" Not ours "
    )

    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    feedback = LessonFeedback.objects.get()
    assert (feedback.state, feedback.note, feedback.decided_by) == (
        "not_relevant",
        "Not ours",
        pm_user,
    )


@pytest.mark.django_db
def test_feedback_by_another_manager_is_refused(planning, project, other_pm_user):
    with pytest.raises(PermissionDenied):
        lesson_feedback_set(
            actor=other_pm_user, project=planning, lesson=make_lesson(project), state="applied"
        )


@pytest.mark.django_db
def test_feedback_on_the_projects_own_lesson_is_refused(planning, pm_user):
    with pytest.raises(ValidationError) as error:
        lesson_feedback_set(
            actor=pm_user, project=planning, lesson=make_lesson(planning), state="applied"
        )

    assert "lesson" in error.value.message_dict


@pytest.mark.django_db
def test_feedback_past_planning_is_a_workflow_error(project, pm_user):
    other = factories.ProjectFactory()
    with pytest.raises(WorkflowError):
        lesson_feedback_set(
            actor=pm_user, project=project, lesson=make_lesson(other), state="applied"
        )


@pytest.mark.django_db
def test_an_unknown_state_is_refused(planning, project, pm_user):
    with pytest.raises(ValidationError) as error:
        lesson_feedback_set(
            actor=pm_user, project=planning, lesson=make_lesson(project), state="maybe"
        )

    assert "state" in error.value.message_dict
