"""API of lessons learned: permissions, bad input, search, suggestions, feedback upsert and
what the lists cost."""

import pytest

from projects.choices import Phase
from projects.models import Lesson, LessonFeedback
from tests import factories
from tests.projects.test_lessons import make_lesson

API = "/api/v1"
BODY = {
    "knowledge_area": "procurement",
    "polarity": "negative",
    "source": "ongoing",
    "title": "Vendor penalties",
    "what_happened": "The vendor was late.",
    "recommendation": "Put penalties in the contract.",
    "tags": [" Fournisseur", "contrat"],
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("no_role", 403),
        ("pm", 200),
        ("other_pm", 200),
        ("pmo", 200),
        ("executive", 200),
        ("integration", 200),
    ],
)
def test_who_reads_the_lessons(api_for_role, project, role, status):
    lesson = make_lesson(project)
    client = api_for_role(role)

    assert client.get(f"{API}/lessons/").status_code == status
    assert client.get(f"{API}/lessons/{lesson.pk}/").status_code == status
    assert client.get(f"{API}/lesson-feedback/").status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("no_role", 403),
        ("pm", 201),
        ("other_pm", 403),
        ("pmo", 201),
        ("executive", 403),
        ("integration", 403),
    ],
)
def test_who_adds_a_lesson_to_a_project(api_for_role, project, role, status):
    response = api_for_role(role).post(f"{API}/lessons/", {**BODY, "project": project.pk})

    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["tags"] == ["contrat", "fournisseur"]
        assert response.json()["project_code"] == project.code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "patch", "delete"),
    [("pm", 200, 403), ("other_pm", 403, 403), ("executive", 403, 403), ("pmo", 200, 204)],
)
def test_who_edits_and_deletes_a_lesson(api_for_role, project, pm_user, role, patch, delete):
    lesson = make_lesson(project, actor=pm_user)
    client = api_for_role(role)

    assert client.patch(f"{API}/lessons/{lesson.pk}/", {"tags": ["x"]}).status_code == patch
    assert client.delete(f"{API}/lessons/{lesson.pk}/").status_code == delete


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"source": "gate"}, "gate"),
        ({"knowledge_area": "luck"}, "knowledge_area"),
        ({"tags": "x" * 51}, "tags"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, pmo_user, project, change, field):
    response = api_as(pmo_user).post(f"{API}/lessons/", {**BODY, "project": project.pk, **change})

    assert response.status_code == 400
    assert field in response.json()
    assert not Lesson.objects.exists()


@pytest.mark.django_db
def test_the_gate_of_another_project_is_a_400_on_gate(api_as, pmo_user, project):
    gate = factories.MilestoneFactory(is_gate=True)

    response = api_as(pmo_user).post(
        f"{API}/lessons/", {**BODY, "project": project.pk, "source": "gate", "gate": gate.pk}
    )

    assert response.status_code == 400
    assert "gate" in response.json()


@pytest.mark.django_db
def test_search_and_filters(api_as, exec_user, project):
    hit = make_lesson(project, title="Vendor penalties", tags="fournisseur")
    make_lesson(project, title="Other", knowledge_area="cost")
    client = api_as(exec_user)

    assert [r["id"] for r in client.get(f"{API}/lessons/?q=vendor").json()["results"]] == [hit.pk]
    by_tag = client.get(f"{API}/lessons/?tag=fournisseur").json()["results"]
    assert [r["id"] for r in by_tag] == [hit.pk]
    assert client.get(f"{API}/lessons/?knowledge_area=nope").status_code == 400


# --- suggestions and feedback -------------------------------------------------------------


@pytest.fixture
def planning(pm_user):
    return factories.ProjectFactory(project_manager=pm_user, phase=Phase.PLANNING)


@pytest.mark.django_db
def test_suggestions_for_a_project(api_as, exec_user, planning):
    lesson = make_lesson(factories.ProjectFactory(portfolio=planning.portfolio))

    response = api_as(exec_user).get(f"{API}/lessons/suggested/?project={planning.pk}")

    assert response.status_code == 200
    assert response.json() == [
        {
            "lesson": response.json()[0]["lesson"],
            "score": 1,
            "reasons": ["Same portfolio"],
            "feedback": None,
        }
    ]
    assert response.json()[0]["lesson"]["id"] == lesson.pk


@pytest.mark.django_db
def test_suggestions_need_a_project_and_refuse_one_past_planning(api_as, exec_user, project):
    client = api_as(exec_user)

    assert "project" in client.get(f"{API}/lessons/suggested/").json()
    assert client.get(f"{API}/lessons/suggested/?project={project.pk}").status_code == 409
    assert client.get(f"{API}/lessons/suggested/?project=999999").status_code == 404


@pytest.mark.django_db
def test_suggestions_are_403_without_a_role(api_as, no_role_user, planning):
    response = api_as(no_role_user).get(f"{API}/lessons/suggested/?project={planning.pk}")

    assert response.status_code == 403


@pytest.mark.django_db
def test_feedback_is_upserted(api_as, pm_user, planning):
    lesson = make_lesson(factories.ProjectFactory())
    client = api_as(pm_user)
    body = {"project": planning.pk, "lesson": lesson.pk, "state": "applied"}

    first = client.post(f"{API}/lesson-feedback/", body)
    second = client.post(f"{API}/lesson-feedback/", {**body, "state": "not_relevant"})

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert LessonFeedback.objects.get().state == "not_relevant"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_pm", "executive", "integration", "no_role"])
def test_feedback_by_others_is_403(api_for_role, planning, role):
    lesson = make_lesson(factories.ProjectFactory())

    response = api_for_role(role).post(
        f"{API}/lesson-feedback/", {"project": planning.pk, "lesson": lesson.pk, "state": "applied"}
    )

    assert response.status_code == 403
    assert not LessonFeedback.objects.exists()


@pytest.mark.django_db
def test_feedback_errors(api_as, pm_user, planning, project):
    client = api_as(pm_user)
    own = make_lesson(planning)
    other = make_lesson(factories.ProjectFactory())

    same_project = client.post(
        f"{API}/lesson-feedback/", {"project": planning.pk, "lesson": own.pk, "state": "applied"}
    )
    past_planning = client.post(
        f"{API}/lesson-feedback/", {"project": project.pk, "lesson": other.pk, "state": "applied"}
    )
    bad_state = client.post(
        f"{API}/lesson-feedback/", {"project": planning.pk, "lesson": other.pk, "state": "maybe"}
    )

    assert (same_project.status_code, "lesson" in same_project.json()) == (400, True)
    assert past_planning.status_code == 409
    assert (bad_state.status_code, "state" in bad_state.json()) == (400, True)


# --- cost of the lists --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?q=vendor&tag=vendor"])
def test_the_lessons_list_costs_the_same_queries_for_5_as_for_50(api_list_queries, query):
    project = factories.ProjectFactory()

    def add(count, start):
        for index in range(start, start + count):
            make_lesson(project, title=f"Vendor lesson {index}", tags=f"t{index}, vendor")

    add(5, 0)
    api_list_queries(f"{API}/lessons/{query}")  # warm-up
    with_5, rows_5 = api_list_queries(f"{API}/lessons/{query}")
    add(45, 5)
    with_50, rows_50 = api_list_queries(f"{API}/lessons/{query}")

    assert (rows_5, rows_50) == (5, 50)
    assert with_50 == with_5


@pytest.mark.django_db
def test_the_feedback_list_costs_the_same_queries_for_5_as_for_50(api_list_queries):
    planning = factories.ProjectFactory(phase=Phase.PLANNING)

    def add(count):
        for _ in range(count):
            lesson = make_lesson(factories.ProjectFactory())
            LessonFeedback.objects.create(project=planning, lesson=lesson, state="applied")

    add(5)
    api_list_queries(f"{API}/lesson-feedback/")
    with_5, _rows = api_list_queries(f"{API}/lesson-feedback/")
    add(45)
    with_50, rows = api_list_queries(f"{API}/lesson-feedback/")

    assert rows == 50
    assert with_50 == with_5
