"""Pages of staffing: who sees and does what, the capacity heat map and its filters, the
allocation list and form, a project's staffing grid, their cost and the French page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pmo import months as month_math
from projects.models import Allocation
from tests import factories
from tests.conftest import ROLES
from tests.pages import assert_field_error, table_records

MARCH = datetime.date(2026, 3, 1)
THIS_MONTH = month_math.month_start(timezone.localdate())
D = Decimal

READERS = {
    "anonymous": 302,
    "no_role": 403,
    "pm_own": 200,
    "pm_other": 200,
    "pmo": 200,
    "exec": 200,
    "integration": 200,
}
# Adding an allocation somewhere: any project manager (to their projects), the PMO,
# integrations.
ADDERS = {**READERS, "exec": 403}
# About the ``project`` fixture's project, managed by "pm_own".
ITS_STAFFERS = {**ADDERS, "pm_other": 403}
EXPECTED = {
    "capacity": READERS,
    "allocation_list": READERS,
    "allocation_create": ADDERS,
    "allocation_create_for_project": ITS_STAFFERS,
    "allocation_edit": ITS_STAFFERS,
    "project_staffing": READERS,
}


@pytest.fixture
def alice(db):
    return factories.ResourceFactory(name="Alice", team="Apps", skill="Developer")


@pytest.fixture
def allocation(project, alice):
    return factories.AllocationFactory(resource=alice, project=project, month=MARCH, fte=D("0.5"))


def page_url(page, project, allocation):
    if page == "allocation_create_for_project":
        return f"{reverse('projects:allocation_create')}?project={project.pk}"
    if page == "allocation_edit":
        return reverse("projects:allocation_edit", args=[allocation.pk])
    if page == "project_staffing":
        return reverse("projects:project_staffing", args=[project.pk])
    return reverse(f"projects:{page}")


# --- permission matrix ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_page_answers_each_role_as_the_rules_say(
    client_in_role, project, allocation, other_pm_user, page, role
):
    factories.ProjectFactory(project_manager=other_pm_user)

    response = client_in_role(role).get(page_url(page, project, allocation))

    assert response.status_code == EXPECTED[page][role]
    if role == "anonymous":
        assert response["Location"].startswith(f"{reverse('login')}?next=")


def grid_post(project, rows, first_month=MARCH, extra_rows=()):
    """The staffing form's POST: ``rows`` as (resource, {month index: value}); the blank
    rows in ``extra_rows`` likewise."""
    data = {"from": first_month.strftime("%Y-%m")}
    forms = [*rows, *extra_rows]
    data["staffing-TOTAL_FORMS"] = str(len(forms))
    data["staffing-INITIAL_FORMS"] = str(len(rows))
    data["staffing-MIN_NUM_FORMS"] = "0"
    data["staffing-MAX_NUM_FORMS"] = "500"
    for i, (resource, cells) in enumerate(forms):
        data[f"staffing-{i}-resource"] = str(resource.pk) if resource else ""
        for k in range(12):
            data[f"staffing-{i}-m{k}"] = str(cells.get(k, ""))
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_only_its_staffers_save_a_projects_staffing(
    client_in_role, project, allocation, alice, role
):
    url = reverse("projects:project_staffing", args=[project.pk])

    response = client_in_role(role).post(url, grid_post(project, [(alice, {0: "0.8"})]))

    allowed = role in {"pm_own", "pmo", "integration"}
    assert response.status_code == (302 if allowed else 403)
    assert Allocation.objects.get().fte == (D("0.8") if allowed else D("0.5"))


@pytest.mark.django_db
def test_the_staffing_page_offers_the_form_only_to_who_may_change(
    client_as, project, allocation, pm_user, other_pm_user
):
    url = reverse("projects:project_staffing", args=[project.pk]) + "?from=2026-03"

    own = client_as(pm_user).get(url)
    assert own.context["formset"] is not None
    assert 'name="staffing-0-m0"' in own.content.decode()
    other = client_as(other_pm_user).get(url)
    assert other.context["formset"] is None
    assert 'name="staffing-0-m0"' not in other.content.decode()
    assert "Alice" in other.content.decode()


# --- the staffing grid ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_staffing_grid_saves_every_changed_cell_in_one_go(
    client_as, pm_user, project, allocation, alice
):
    bob = factories.ResourceFactory(name="Bob")
    factories.AllocationFactory(
        resource=alice, project=project, month=datetime.date(2026, 4, 1), fte=D("1")
    )
    url = reverse("projects:project_staffing", args=[project.pk])

    response = client_as(pm_user).post(
        url,
        # March set to 0.75, April emptied (kept at 0), May planned; Bob added in June.
        grid_post(project, [(alice, {0: "0.75", 2: "0.25"})], extra_rows=[(bob, {3: "1"})]),
    )

    assert response.status_code == 302
    assert response["Location"] == f"{url}?from=2026-03"
    plan = {(a.resource.name, a.month.month): a.fte for a in Allocation.objects.all()}
    assert plan == {
        ("Alice", 3): D("0.75"),
        ("Alice", 4): D("0"),
        ("Alice", 5): D("0.25"),
        ("Bob", 6): D("1"),
    }


@pytest.mark.django_db
def test_a_bad_cell_is_shown_next_to_it_and_nothing_is_saved(
    client_as, pm_user, project, allocation, alice
):
    bob = factories.ResourceFactory(name="Bob")
    url = reverse("projects:project_staffing", args=[project.pk])

    response = client_as(pm_user).post(
        url, grid_post(project, [(alice, {0: "0.9", 1: "-1"})], extra_rows=[(bob, {0: "1"})])
    )

    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    assert "m1" in form.errors
    assert "has-error" in response.content.decode()
    assert Allocation.objects.get().fte == D("0.5")


@pytest.mark.django_db
def test_a_new_row_without_a_resource_or_a_resource_twice_is_refused(
    client_as, pm_user, project, allocation, alice
):
    url = reverse("projects:project_staffing", args=[project.pk])

    response = client_as(pm_user).post(
        url,
        grid_post(project, [(alice, {})], extra_rows=[(None, {0: "1"}), (alice, {1: "1"})]),
    )

    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert "resource" in forms[1].errors
    assert "resource" in forms[2].errors
    assert Allocation.objects.count() == 1


@pytest.mark.django_db
def test_a_service_refusal_lands_on_its_cell(client_as, pm_user, project, allocation, alice):
    gone = factories.ResourceFactory(name="Gone")
    url = reverse("projects:project_staffing", args=[project.pk])
    data = grid_post(project, [(alice, {0: "1"})], extra_rows=[(gone, {2: "1"})])
    gone.is_active = False
    gone.save()

    response = client_as(pm_user).post(url, data)

    assert response.status_code == 200
    assert "resource" in response.context["formset"].forms[1].errors
    assert Allocation.objects.get().fte == D("0.5")


@pytest.mark.django_db
def test_saving_an_unchanged_grid_says_nothing_changed(
    client_as, pm_user, project, allocation, alice
):
    url = reverse("projects:project_staffing", args=[project.pk])

    response = client_as(pm_user).post(url, grid_post(project, [(alice, {0: "0.50"})]), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Nothing changed."]


@pytest.mark.django_db
def test_the_staffing_page_flags_a_resource_overloaded_elsewhere(
    client_as, exec_user, project, allocation, alice
):
    factories.AllocationFactory(resource=alice, month=MARCH, fte=D("0.75"))

    response = client_as(exec_user).get(
        reverse("projects:project_staffing", args=[project.pk]) + "?from=2026-03"
    )

    html = response.content.decode()
    assert re.search(r'class="num fte-cell load-over" title="2026-03: 1.25 / 1.00 FTE', html)


# --- allocation form ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_allocation_form_offers_only_the_projects_the_user_may_staff(
    client_as, pm_user, other_pm_user, project
):
    factories.ProjectFactory(project_manager=other_pm_user)

    response = client_as(pm_user).get(reverse("projects:allocation_create"))

    assert list(response.context["form"].fields["project"].queryset) == [project]
    assert 'type="month"' in response.content.decode()


@pytest.mark.django_db
def test_an_allocation_is_created_from_a_month_typed_yyyy_mm(client_as, pm_user, project, alice):
    response = client_as(pm_user).post(
        reverse("projects:allocation_create"),
        {"project": project.pk, "resource": alice.pk, "month": "2026-05", "fte": "0.4"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("projects:project_staffing", args=[project.pk])
    allocation = Allocation.objects.get()
    assert (allocation.month, allocation.fte) == (datetime.date(2026, 5, 1), D("0.4"))


FORM_ERRORS = {
    "another day": ({"month": "2026-05-15"}, "month", "A month is identified by its first day."),
    "no month": ({"month": "May"}, "month", "Enter a month as YYYY-MM"),
    "fte above 999": ({"fte": "1000"}, "fte", "999"),
    "already planned": (
        {"month": "2026-03"},
        "month",
        "This resource already has an allocation on this project in this month.",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field", "message"), FORM_ERRORS.values(), ids=FORM_ERRORS)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(
    client_as, pm_user, project, allocation, alice, change, field, message
):
    data = {"project": project.pk, "resource": alice.pk, "month": "2026-05", "fte": "0.4"}

    response = client_as(pm_user).post(reverse("projects:allocation_create"), data | change)

    assert response.status_code == 200
    block = response.content.decode()
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert "has-error" in block
    assert Allocation.objects.count() == 1


@pytest.mark.django_db
def test_the_edit_page_shows_the_month_as_yyyy_mm_and_saves_a_change(
    client_as, pm_user, allocation
):
    url = reverse("projects:allocation_edit", args=[allocation.pk])
    client = client_as(pm_user)

    page = client.get(url)
    assert 'value="2026-03"' in page.content.decode()
    response = client.post(
        url,
        {
            "project": allocation.project_id,
            "resource": allocation.resource_id,
            "month": "2026-03",
            "fte": "0.9",
            "note": "More",
        },
    )

    assert response.status_code == 302
    allocation.refresh_from_db()
    assert (allocation.fte, allocation.note) == (D("0.9"), "More")


@pytest.mark.django_db
def test_a_project_manager_cannot_post_an_allocation_on_another_managers_project(
    client_as, pm_user, other_pm_user, alice
):
    elsewhere = factories.ProjectFactory(project_manager=other_pm_user)

    response = client_as(pm_user).post(
        reverse("projects:allocation_create"),
        {"project": elsewhere.pk, "resource": alice.pk, "month": "2026-05", "fte": "0.4"},
    )

    assert response.status_code == 200
    assert_field_error(
        response,
        "project",
        "Select a valid choice. That choice is not one of the available choices.",
    )
    assert not Allocation.objects.exists()


# --- the allocation list ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_allocation_list_filters_by_team_and_month(client_as, exec_user, allocation):
    bob = factories.ResourceFactory(team="Build")
    later = factories.AllocationFactory(resource=bob, month=datetime.date(2026, 6, 1))
    client = client_as(exec_user)

    assert table_records(client.get(reverse("projects:allocation_list") + "?team=Build")) == [later]
    assert table_records(
        client.get(reverse("projects:allocation_list") + "?month_before=2026-04")
    ) == [allocation]


@pytest.mark.django_db
def test_the_allocation_list_links_to_the_edit_page_only_where_the_user_may_change(
    client_as, pm_user, other_pm_user, allocation
):
    theirs = factories.AllocationFactory(
        project=factories.ProjectFactory(project_manager=other_pm_user)
    )

    html = client_as(pm_user).get(reverse("projects:allocation_list")).content.decode()

    assert reverse("projects:allocation_edit", args=[allocation.pk]) in html
    assert reverse("projects:allocation_edit", args=[theirs.pk]) not in html


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_allocation_list_costs_the_same_queries_for_5_rows_as_for_50(client_as, pm_user):
    client = client_as(pm_user)
    url = reverse("projects:allocation_list") + "?per_page=100"
    factories.AllocationFactory.create_batch(5)
    count_queries(client, url)  # warm-up: per-process caches (content types, …)

    with_5 = count_queries(client, url)
    factories.AllocationFactory.create_batch(45)
    with_50 = count_queries(client, url)

    assert with_50 == with_5


# --- the heat map -------------------------------------------------------------------------


def heat_map(client, query=""):
    response = client.get(reverse("projects:capacity") + query)
    assert response.status_code == 200
    return response


def cells_of(response, label):
    """The (class, title, text) of each cell of the row labelled ``label``."""
    html = response.content.decode()
    row = re.search(rf">{re.escape(label)}</a>.*?</tr>", html, re.DOTALL)
    assert row, f"no row {label!r}"
    return re.findall(r'<td class="load load-(\w+)" title="([^"]*)">([^<]*)</td>', row.group(0))


@pytest.mark.django_db
def test_the_heat_map_colours_each_month_by_load_and_titles_it_with_the_fte(
    client_as, exec_user, project, alice
):
    factories.ResourceCapacityFactory(resource=alice, month=MARCH, fte=D("0.4"))
    factories.AllocationFactory(resource=alice, project=project, month=MARCH, fte=D("0.5"))
    factories.AllocationFactory(
        resource=alice, project=project, month=datetime.date(2026, 4, 1), fte=D("0.9")
    )
    nobody = factories.ResourceFactory(name="Nobody", capacity_fte=D("0"))
    factories.AllocationFactory(resource=nobody, project=project, month=MARCH, fte=D("0.2"))

    response = heat_map(client_as(exec_user), "?first_month=2026-03")

    alice_cells = cells_of(response, "Alice")
    assert alice_cells[0] == ("over", "2026-03: 0.50 / 0.40 FTE", "125%")
    assert alice_cells[1] == ("normal", "2026-04: 0.90 / 1.00 FTE", "90%")
    assert alice_cells[2] == ("light", "2026-05: 0.00 / 1.00 FTE", "0%")
    assert cells_of(response, "Nobody")[:2] == [
        ("over", "2026-03: 0.20 FTE, no capacity", "∞"),
        ("none", "2026-04: 0.00 FTE, no capacity", ""),
    ]
    html = response.content.decode()
    assert f'href="{alice.get_absolute_url()}"' in html
    assert "Over-allocations" in html
    assert [a.resource for a in response.context["alerts"]] == [alice, nobody]


@pytest.mark.django_db
def test_the_heat_map_starts_this_month_by_default(client_as, exec_user, alice):
    response = heat_map(client_as(exec_user))

    assert response.context["grid"]["months"][0] == THIS_MONTH
    assert len(response.context["grid"]["months"]) == 12
    assert f'value="{THIS_MONTH:%Y-%m}"' in response.content.decode()


@pytest.mark.django_db
def test_the_heat_map_filters_by_portfolio_team_skill_and_over_allocation(
    client_as, exec_user, project, alice
):
    bob = factories.ResourceFactory(name="Bob", team="Build", skill="Tester")
    carol = factories.ResourceFactory(name="Carol", team="Build", skill="Developer")
    factories.AllocationFactory(resource=carol, project=project, month=MARCH, fte=D("2"))
    client = client_as(exec_user)

    def names(query):
        rows = heat_map(client, f"?first_month=2026-03&{query}").context["grid"]["rows"]
        return [row.label for row in rows]

    assert names("") == ["Alice", "Bob", "Carol"]
    assert names("team=Build") == ["Bob", "Carol"]
    assert names("skill=Developer") == ["Alice", "Carol"]
    assert names(f"portfolio={project.portfolio_id}") == ["Carol"]
    assert names("over_only=on") == ["Carol"]
    assert names("group_by=team") == ["Apps", "Build"]
    assert bob.name in heat_map(client, "?team=Build").content.decode()


@pytest.mark.django_db
def test_a_team_row_links_to_its_members(client_as, exec_user, alice):
    response = heat_map(client_as(exec_user), "?group_by=team&skill=Developer")

    row = response.context["grid"]["rows"][0]
    assert row.url.startswith(reverse("projects:capacity") + "?")
    assert "team=Apps" in row.url
    assert "group_by=resource" in row.url
    assert "skill=Developer" in row.url


@pytest.mark.django_db
def test_a_bad_filter_is_shown_next_to_it_and_the_default_applies(client_as, exec_user, alice):
    response = heat_map(client_as(exec_user), "?first_month=2026-03-15&team=Nope")

    form = response.context["form"]
    assert set(form.errors) == {"first_month", "team"}
    assert response.context["grid"]["months"][0] == THIS_MONTH
    assert "Alice" in response.content.decode()


@pytest.mark.django_db
def test_an_htmx_request_gets_the_results_only(client_as, exec_user, alice):
    response = client_as(exec_user).get(reverse("projects:capacity"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "capacity-map" in html
    assert "<html" not in html


def pool(count, project):
    for resource in factories.ResourceFactory.create_batch(count, team="Apps"):
        factories.ResourceCapacityFactory(resource=resource, month=THIS_MONTH)
        factories.AllocationFactory(resource=resource, project=project, month=THIS_MONTH, fte=2)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?group_by=team", "?portfolio={portfolio}&over_only=on"])
def test_the_heat_map_costs_the_same_queries_for_5_resources_as_for_50(
    client_as, pmo_user, project, query
):
    client = client_as(pmo_user)
    url = reverse("projects:capacity") + query.format(portfolio=project.portfolio_id)
    pool(5, project)
    count_queries(client, url)  # warm-up

    with_5 = count_queries(client, url)
    pool(45, project)
    with_50 = count_queries(client, url)

    assert with_50 == with_5


@pytest.mark.django_db
def test_the_heat_map_in_french_shows_decimal_commas(client, exec_user, project, alice):
    factories.AllocationFactory(resource=alice, project=project, month=THIS_MONTH, fte=D("0.5"))
    client.force_login(exec_user)
    client.post(reverse("set_language"), {"language": "fr"})

    response = client.get(reverse("projects:capacity"))

    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "0,50 / 1,00" in html
    assert "50%" in html


@pytest.mark.django_db
def test_the_over_allocation_list_shows_the_first_50_and_links_to_the_rest(
    client_as, exec_user, project
):
    months = month_math.months(THIS_MONTH, 12)
    for resource in factories.ResourceFactory.create_batch(5, capacity_fte=D("0")):
        for month in months:
            factories.AllocationFactory(resource=resource, project=project, month=month)

    response = heat_map(client_as(exec_user))

    assert len(response.context["alerts"]) == 50
    assert response.context["alert_count"] == 60
    html = response.content.decode()
    assert "The first 50 of 60 months over capacity." in html
    assert "over_only=on" in html
