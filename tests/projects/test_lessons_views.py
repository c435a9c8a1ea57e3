"""Pages of lessons learned: who sees and writes what, the capture form's errors, the
panels on the project page, feedback from the buttons, and what the lists cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.choices import KnowledgeArea, LessonPolarity, LessonSource, Phase
from projects.models import Lesson, LessonFeedback
from tests import factories
from tests.conftest import ROLES
from tests.pages import assert_field_error, table_records
from tests.projects.test_lessons import make_lesson

READERS = {
    "anonymous": 302,
    "no_role": 403,
    "pm_own": 200,
    "pm_other": 200,
    "pmo": 200,
    "exec": 200,
    "integration": 200,
}
WRITERS_OF_THE_PROJECT = {**READERS, "pm_other": 403, "exec": 403, "integration": 403}
ANY_WRITER = {**WRITERS_OF_THE_PROJECT, "pm_other": 200}
EXPECTED = {
    "lesson_list": READERS,
    "lessonfeedback_list": READERS,
    "lesson_detail": READERS,
    "lesson_create": ANY_WRITER,
    "lesson_create_for_project": WRITERS_OF_THE_PROJECT,
    "lesson_edit": WRITERS_OF_THE_PROJECT,
}


def page_url(page, project, lesson):
    if page in ("lesson_detail", "lesson_edit"):
        return reverse(f"projects:{page}", args=[lesson.pk])
    if page == "lesson_create_for_project":
        return f"{reverse('projects:lesson_create')}?project={project.pk}"
    return reverse(f"projects:{page}")


@pytest.mark.django_db
@pytest.mark.parametrize("page", EXPECTED)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_page(client_in_role, project, pm_user, page, role):
    lesson = make_lesson(project, actor=pm_user)

    response = client_in_role(role).get(page_url(page, project, lesson))

    assert response.status_code == EXPECTED[page][role]


FORM = {
    "source": LessonSource.ONGOING,
    "knowledge_area": KnowledgeArea.PROCUREMENT,
    "polarity": LessonPolarity.NEGATIVE,
    "title": "Vendor penalties",
    "what_happened": "The vendor was late.",
    "recommendation": "Put penalties in the contract.",
    "tags": "Fournisseur, contrat",
}


@pytest.mark.django_db
def test_the_manager_captures_a_lesson_with_its_tags(client_as, pm_user, project):
    response = client_as(pm_user).post(
        reverse("projects:lesson_create"), {**FORM, "project": project.pk}
    )

    lesson = Lesson.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projects:lesson_detail", args=[lesson.pk])
    assert lesson.author == pm_user
    assert sorted(t.name for t in lesson.tags.all()) == ["contrat", "fournisseur"]


@pytest.mark.django_db
def test_the_gate_of_another_project_is_refused_next_to_the_field(client_as, pmo_user, project):
    other_gate = factories.MilestoneFactory(is_gate=True)

    response = client_as(pmo_user).post(
        reverse("projects:lesson_create"),
        {**FORM, "project": project.pk, "source": LessonSource.GATE, "gate": other_gate.pk},
    )

    assert response.status_code == 200
    assert_field_error(response, "gate", "This gate is not one of the project's.")
    assert not Lesson.objects.exists()


@pytest.mark.django_db
def test_a_gate_source_without_a_gate_is_refused_next_to_the_field(client_as, pm_user, project):
    response = client_as(pm_user).post(
        reverse("projects:lesson_create"),
        {**FORM, "project": project.pk, "source": LessonSource.GATE},
    )

    assert_field_error(response, "gate", "Choose the gate the lesson was captured at.")
    assert not Lesson.objects.exists()


@pytest.mark.django_db
def test_an_empty_title_is_refused_next_to_the_field(client_as, pm_user, project):
    response = client_as(pm_user).post(
        reverse("projects:lesson_create"), {**FORM, "project": project.pk, "title": ""}
    )

    assert_field_error(response, "title", "This field is required.")


@pytest.mark.django_db
def test_the_author_edits_the_lesson_and_its_tags(client_as, pm_user, project):
    lesson = make_lesson(project, actor=pm_user, tags="old")

    response = client_as(pm_user).post(
        reverse("projects:lesson_edit", args=[lesson.pk]),
        {**FORM, "project": project.pk, "title": "Renamed", "tags": "new, other"},
    )

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.title == "Renamed"
    assert sorted(t.name for t in lesson.tags.all()) == ["new", "other"]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("pm_own", 403), ("exec", 403), ("pmo", 302)])
def test_only_the_pmo_deletes_a_lesson(client_in_role, project, pm_user, role, status):
    lesson = make_lesson(project, actor=pm_user)

    response = client_in_role(role).post(reverse("projects:lesson_delete", args=[lesson.pk]))

    assert response.status_code == status
    assert Lesson.objects.exists() == (status != 302)


@pytest.mark.django_db
def test_the_library_searches_and_filters(client_as, exec_user, project):
    hit = make_lesson(project, title="Vendor penalties", tags="fournisseur")
    make_lesson(project, title="Other")

    response = client_as(exec_user).get(reverse("projects:lesson_list"), {"q": "vendor"})
    assert table_records(response) == [hit]
    response = client_as(exec_user).get(reverse("projects:lesson_list"), {"tag": "fournisseur"})
    assert table_records(response) == [hit]


# --- panels and feedback ------------------------------------------------------------------


@pytest.fixture
def planning(pm_user):
    return factories.ProjectFactory(project_manager=pm_user, phase=Phase.PLANNING)


@pytest.mark.django_db
def test_the_project_page_shows_its_lessons_and_suggestions(client_as, pm_user, planning):
    other = factories.ProjectFactory(portfolio=planning.portfolio)
    own = make_lesson(planning, title="Our own lesson")
    suggested = make_lesson(other, title="A lesson of the neighbours")

    response = client_as(pm_user).get(planning.get_absolute_url())

    html = response.content.decode()
    assert own.title in html
    assert suggested.title in html
    assert 'id="suggested-lessons"' in html
    assert reverse("projects:lesson_feedback_set", args=[suggested.pk]) in html


@pytest.mark.django_db
def test_no_suggestion_panel_past_planning(client_as, pm_user, project):
    response = client_as(pm_user).get(project.get_absolute_url())

    assert 'id="suggested-lessons"' not in response.content.decode()


@pytest.mark.django_db
def test_the_manager_marks_a_suggestion_and_can_change_it(client_as, pm_user, planning):
    lesson = make_lesson(factories.ProjectFactory(portfolio=planning.portfolio))
    url = reverse("projects:lesson_feedback_set", args=[lesson.pk])
    client = client_as(pm_user)

    client.post(url, {"project": planning.pk, "state": "applied"})
    response = client.post(url, {"project": planning.pk, "state": "not_relevant", "note": "No"})

    assert response.status_code == 302
    feedback = LessonFeedback.objects.get()
    assert (feedback.state, feedback.note) == ("not_relevant", "No")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_other", "exec", "integration", "no_role"])
def test_others_may_not_mark_a_suggestion(client_in_role, planning, role):
    lesson = make_lesson(factories.ProjectFactory(portfolio=planning.portfolio))

    response = client_in_role(role).post(
        reverse("projects:lesson_feedback_set", args=[lesson.pk]),
        {"project": planning.pk, "state": "applied"},
    )

    assert response.status_code == 403
    assert not LessonFeedback.objects.exists()


@pytest.mark.django_db
def test_marking_the_projects_own_lesson_is_a_bad_request(client_as, pm_user, planning):
    lesson = make_lesson(planning)

    response = client_as(pm_user).post(
        reverse("projects:lesson_feedback_set", args=[lesson.pk]),
        {"project": planning.pk, "state": "applied"},
    )

    assert response.status_code == 400
    assert not LessonFeedback.objects.exists()


# --- cost of the lists --------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_lessons(count):
    project = factories.ProjectFactory()
    for index in range(count):
        make_lesson(project, title=f"Vendor lesson {index}", tags=f"tag{index}, vendor")


def add_feedback(count):
    planning = factories.ProjectFactory(phase=Phase.PLANNING)
    for index in range(count):
        lesson = make_lesson(factories.ProjectFactory(), title=f"Lesson {index}")
        LessonFeedback.objects.create(project=planning, lesson=lesson, state="applied")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "add", "query"),
    [
        ("projects:lesson_list", add_lessons, ""),
        ("projects:lesson_list", add_lessons, "?q=vendor&tag=vendor"),
        ("projects:lessonfeedback_list", add_feedback, ""),
    ],
)
def test_a_lessons_list_costs_the_same_queries_for_5_rows_as_for_50(
    client_in_role, url_name, add, query
):
    client = client_in_role("pmo")
    url = reverse(url_name) + query
    add(5)
    count_queries(client, url)  # warm-up: per-process caches

    with_5 = count_queries(client, url)
    add(45)
    with_50 = count_queries(client, url)

    assert with_50 == with_5
