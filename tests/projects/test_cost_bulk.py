"""Batches of cost entries: the service and ``POST /api/v1/cost-entries/bulk/``.

A batch is validated whole (one bad row and nothing is written, every error named by its
row and field), idempotent on the external reference, and its amounts are Decimal from the
JSON text to the database.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from projects.choices import CostKind, EntrySource
from projects.models import CostEntry
from projects.services import finance as services
from tests import factories

BULK = "/api/v1/cost-entries/bulk/"
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def row(of, n: int, /, **overrides) -> dict:
    """One entry of a batch on project ``of`` as an integration sends it, its reference
    from ``n``."""
    return {
        "project": of.pk,
        "date": "2026-03-15",
        "kind": "actual",
        "nature": "capex",
        "category": "external_services",
        "amount": "100.00",
        "label": f"Invoice {n}",
        "supplier": "ACME",
        "external_reference": f"INV-{n:05d}",
        **overrides,
    }


def batch(project, count: int, start: int = 0) -> list[dict]:
    return [row(project, n) for n in range(start, start + count)]


def refused(call) -> dict:
    """The errors by row of a batch the service refused."""
    with pytest.raises(services.BatchValidationError) as error:
        call()
    return error.value.rows


# --- the service ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_batch_is_recorded_as_coming_from_the_integration_that_sent_it(integration_user, project):
    result = services.cost_entries_bulk_create(actor=integration_user, entries=batch(project, 3))

    assert (result.created, result.unchanged) == (3, 0)
    assert sorted(result.created_references) == ["INV-00000", "INV-00001", "INV-00002"]
    assert len(result.created_ids) == 3
    entries = CostEntry.objects.order_by("external_reference")
    assert {e.source for e in entries} == {EntrySource.INTEGRATION}
    assert {e.recorded_by for e in entries} == {integration_user}
    assert [e.amount for e in entries] == [Decimal("100.00")] * 3
    assert entries[0].date == datetime.date(2026, 3, 15)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_user", "exec_user", "no_role_user"])
def test_only_the_pmo_and_integrations_send_batches(request, project, role):
    with pytest.raises(PermissionDenied):
        services.cost_entries_bulk_create(
            actor=request.getfixturevalue(role), entries=batch(project, 1)
        )

    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_a_pmo_manager_may_send_a_batch(pmo_user, project):
    result = services.cost_entries_bulk_create(actor=pmo_user, entries=batch(project, 2))

    assert result.created == 2


@pytest.mark.django_db
def test_more_than_10000_entries_are_refused_before_any_row_is_read(integration_user, project):
    too_many = [{}] * (services.MAX_BATCH_SIZE + 1)

    with pytest.raises(ValidationError) as error:
        services.cost_entries_bulk_create(actor=integration_user, entries=too_many)

    assert list(error.value.message_dict) == ["entries"]
    assert "10,000" in error.value.message_dict["entries"][0]
    assert "10,001" in error.value.message_dict["entries"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("entries", [[], {"a": 1}, "rows", None])
def test_a_batch_that_is_not_a_list_of_entries_is_refused(integration_user, entries):
    with pytest.raises(ValidationError) as error:
        services.cost_entries_bulk_create(actor=integration_user, entries=entries)

    assert list(error.value.message_dict) == ["entries"]


@pytest.mark.django_db
def test_one_bad_row_refuses_the_whole_batch_naming_each_error_by_row_and_field(
    integration_user, project
):
    entries = batch(project, 5)
    entries[1]["amount"] = "0"
    entries[3]["date"] = "15/03/2026"
    entries[3]["nature"] = "capital"
    entries[4] = "not an entry"

    errors = refused(
        lambda: services.cost_entries_bulk_create(actor=integration_user, entries=entries)
    )

    assert errors == {
        1: {"amount": ["An entry of zero records nothing."]},
        3: {
            "date": ["Enter a valid date (YYYY-MM-DD)."],
            "nature": ["“capital” is not one of the choices: capex, opex."],
        },
        4: {"non_field_errors": ["Each entry is an object of fields."]},
    }
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_a_batch_sent_again_records_nothing_and_counts_it_unchanged(integration_user, project):
    entries = batch(project, 4)
    services.cost_entries_bulk_create(actor=integration_user, entries=entries)

    again = services.cost_entries_bulk_create(actor=integration_user, entries=entries)

    assert (again.created, again.unchanged) == (0, 4)
    assert CostEntry.objects.count() == 4


@pytest.mark.django_db
def test_a_batch_overlapping_a_previous_one_records_only_the_new_entries(integration_user, project):
    services.cost_entries_bulk_create(actor=integration_user, entries=batch(project, 3))

    result = services.cost_entries_bulk_create(
        actor=integration_user, entries=batch(project, 5, start=1)
    )

    assert (result.created, result.unchanged) == (3, 2)
    assert sorted(result.created_references) == ["INV-00003", "INV-00004", "INV-00005"]
    assert CostEntry.objects.count() == 6


@pytest.mark.django_db
def test_a_reference_recorded_with_other_values_is_an_error_on_its_row(integration_user, project):
    services.cost_entries_bulk_create(actor=integration_user, entries=batch(project, 2))
    changed = batch(project, 3)
    changed[1]["amount"] = "101.00"

    errors = refused(
        lambda: services.cost_entries_bulk_create(actor=integration_user, entries=changed)
    )

    assert errors == {
        1: {
            "external_reference": [
                "Already recorded with other values; send a correcting entry with its own "
                "reference."
            ]
        }
    }
    assert CostEntry.objects.count() == 2


@pytest.mark.django_db
def test_a_reference_of_another_source_does_not_make_an_entry_unchanged(integration_user, project):
    factories.CostEntryFactory(project=project, external_reference="INV-00000")

    result = services.cost_entries_bulk_create(actor=integration_user, entries=batch(project, 1))

    assert (result.created, result.unchanged) == (1, 0)


@pytest.mark.django_db
def test_a_reference_twice_in_a_batch_is_an_error_on_the_later_row(integration_user, project):
    entries = batch(project, 4)
    entries[3]["external_reference"] = entries[1]["external_reference"]

    errors = refused(
        lambda: services.cost_entries_bulk_create(actor=integration_user, entries=entries)
    )

    assert errors == {
        3: {"external_reference": ["The same reference is already on entry 1 of this batch."]}
    }
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_a_project_is_named_by_its_id_or_by_its_code_in_any_case(integration_user, project):
    other = factories.ProjectFactory(code="ERP-2")
    entries = [
        row(project, 1),
        {**row(other, 2, project=None), "project_code": "erp-2"},
        {**row(project, 3), "project_code": project.code},
        {**row(other, 4), "project": str(other.pk)},
    ]

    services.cost_entries_bulk_create(actor=integration_user, entries=entries)

    projects = dict(CostEntry.objects.values_list("external_reference", "project__code"))
    assert projects == {
        "INV-00001": project.code,
        "INV-00002": "ERP-2",
        "INV-00003": project.code,
        "INV-00004": "ERP-2",
    }


@pytest.mark.django_db
def test_an_unknown_or_missing_project_is_an_error_on_its_row(integration_user, project):
    other = factories.ProjectFactory(code="ERP-2")
    entries = [
        row(project, 0, project=999999),
        {**row(project, 1, project=None), "project_code": "NOPE"},
        row(project, 2, project=None),
        {**row(project, 3), "project_code": "ERP-2"},
        row(project, 4, project="twelve"),
        row(other, 5),
    ]

    errors = refused(
        lambda: services.cost_entries_bulk_create(actor=integration_user, entries=entries)
    )

    assert errors == {
        0: {"project": ["No project has the id 999999."]},
        1: {"project_code": ["No project has the code NOPE."]},
        2: {"project": ["This field is required."]},
        3: {"project": ["The project id and the project code name different projects."]},
        4: {"project": ["Enter a project id (a whole number)."]},
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "stored"),
    [
        ("0.1", Decimal("0.10")),
        (0.1, Decimal("0.10")),
        (Decimal("0.1"), Decimal("0.10")),
        (1234, Decimal("1234.00")),
        ("-99.5", Decimal("-99.50")),
        (" 1234.56 ", Decimal("1234.56")),
        ("999999999999.99", Decimal("999999999999.99")),
    ],
)
def test_an_amount_is_recorded_as_an_exact_decimal(integration_user, project, amount, stored):
    services.cost_entries_bulk_create(
        actor=integration_user, entries=[row(project, 1, amount=amount)]
    )

    recorded = CostEntry.objects.get().amount
    assert recorded == stored
    assert str(recorded) == str(stored)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.00", "An entry of zero records nothing."),
        (0, "An entry of zero records nothing."),
        ("12.345", "Use at most 2 decimal places."),
        ("1000000000000", "The amount must be below 1,000,000,000,000, positive or negative."),
        ("-1e12", "The amount must be below 1,000,000,000,000, positive or negative."),
        ("12,50", "Enter an amount such as 1234.56."),
        ("NaN", "Enter an amount such as 1234.56."),
        (True, "Enter an amount such as 1234.56."),
        ([], "Enter an amount such as 1234.56."),
        (None, "This field is required."),
    ],
)
def test_a_bad_amount_is_an_error_on_its_row(integration_user, project, amount, message):
    errors = refused(
        lambda: services.cost_entries_bulk_create(
            actor=integration_user, entries=[row(project, 1, amount=amount)]
        )
    )

    assert errors == {0: {"amount": [message]}}


@pytest.mark.django_db
def test_an_actual_in_the_future_is_an_error_but_a_commitment_is_not(integration_user, project):
    tomorrow = (TODAY + DAY).isoformat()
    entries = [
        row(project, 1, date=tomorrow),
        row(project, 2, date=tomorrow, kind="commitment"),
    ]

    errors = refused(
        lambda: services.cost_entries_bulk_create(actor=integration_user, entries=entries)
    )

    assert errors == {0: {"date": ["Money cannot have been spent in the future."]}}
    services.cost_entries_bulk_create(actor=integration_user, entries=entries[1:])
    assert CostEntry.objects.get().kind == CostKind.COMMITMENT


@pytest.mark.django_db
def test_the_kind_is_actual_unless_said(integration_user, project):
    entry = row(project, 1)
    del entry["kind"]

    services.cost_entries_bulk_create(actor=integration_user, entries=[entry])

    assert CostEntry.objects.get().kind == CostKind.ACTUAL


@pytest.mark.django_db
def test_each_bulk_row_needs_its_reference_and_texts_within_their_length(integration_user, project):
    entries = [
        row(project, 1, external_reference=""),
        row(project, 2, label="x" * 301),
        row(project, 3, supplier="s" * 201),
        row(project, 4, external_reference="r" * 101),
        row(project, 5, category=None),
    ]

    errors = refused(
        lambda: services.cost_entries_bulk_create(actor=integration_user, entries=entries)
    )

    assert set(errors) == {0, 1, 2, 3, 4}
    assert errors[0] == {
        "external_reference": [
            "Give the entry's reference in your system: it makes sending it again harmless."
        ]
    }
    assert errors[1] == {"label": ["Use at most 300 characters (it has 301)."]}
    assert errors[2] == {"supplier": ["Use at most 200 characters (it has 201)."]}
    assert errors[3] == {"external_reference": ["Use at most 100 characters (it has 101)."]}
    assert errors[4] == {"category": ["This field is required."]}


# --- the endpoint -----------------------------------------------------------------------


def post_json(client, body):
    """POST ``body`` (a JSON text, so that its numbers are exactly as written)."""
    return client.post(BULK, data=body, content_type="application/json")


@pytest.mark.django_db
def test_the_endpoint_answers_201_with_what_it_created(api_as, integration_user, project):
    response = api_as(integration_user).post(BULK, {"entries": batch(project, 3)}, format="json")

    assert response.status_code == 201, response.content
    assert response.json() == {"created": 3, "unchanged": 0}


@pytest.mark.django_db
def test_the_endpoint_answers_200_saying_nothing_new_was_recorded_when_sent_again(
    api_as, integration_user, project
):
    client = api_as(integration_user)
    client.post(BULK, {"entries": batch(project, 3)}, format="json")

    response = client.post(BULK, {"entries": batch(project, 3)}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["unchanged"]) == (0, 3)
    assert "Nothing new was recorded" in body["detail"]
    assert CostEntry.objects.count() == 3


@pytest.mark.django_db
def test_the_endpoint_accepts_a_bare_list_of_entries(api_as, integration_user, project):
    response = api_as(integration_user).post(BULK, batch(project, 2), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["created"] == 2


@pytest.mark.django_db
def test_the_endpoint_answers_400_by_index_and_field_and_records_nothing(
    api_as, integration_user, project
):
    entries = batch(project, 3)
    entries[2]["amount"] = "0"
    entries[0]["project"] = 999999

    response = api_as(integration_user).post(BULK, {"entries": entries}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "entries": {
            "0": {"project": ["No project has the id 999999."]},
            "2": {"amount": ["An entry of zero records nothing."]},
        }
    }
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_the_endpoint_reads_json_numbers_as_exact_decimals(api_as, integration_user, project):
    entries = [
        row(project, 1, amount="0.1"),
        row(project, 2, amount="__FLOAT__"),
        row(project, 3, amount="__EXPONENT__"),
    ]
    body = (
        json.dumps({"entries": entries})
        .replace('"__FLOAT__"', "0.1")
        .replace('"__EXPONENT__"', "1.5e3")
    )

    response = post_json(api_as(integration_user), body)

    assert response.status_code == 201, response.content
    amounts = dict(CostEntry.objects.values_list("external_reference", "amount"))
    assert amounts == {
        "INV-00001": Decimal("0.10"),
        "INV-00002": Decimal("0.10"),
        "INV-00003": Decimal("1500.00"),
    }
    # Read back through the API as strings, never floats.
    listed = api_as(integration_user).get("/api/v1/cost-entries/", {"ordering": "amount"}).json()
    assert [e["amount"] for e in listed["results"]] == ["0.10", "0.10", "1500.00"]


@pytest.mark.django_db
def test_a_json_number_with_three_decimals_is_refused_not_rounded(
    api_as, integration_user, project
):
    body = json.dumps({"entries": [row(project, 1, amount="__X__")]}).replace('"__X__"', "0.105")

    response = post_json(api_as(integration_user), body)

    assert response.status_code == 400
    assert response.json()["entries"]["0"] == {"amount": ["Use at most 2 decimal places."]}


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["{not json", '{"entries": [{"amount": NaN}]}'])
def test_a_body_that_is_not_json_answers_400(api_as, integration_user, body):
    response = post_json(api_as(integration_user), body)

    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.django_db
def test_a_body_without_entries_answers_400_on_entries(api_as, integration_user):
    response = api_as(integration_user).post(BULK, {"rows": []}, format="json")

    assert response.status_code == 400
    assert response.json() == {"entries": ["This field is required."]}


@pytest.mark.django_db
def test_more_than_10000_entries_answer_400_on_entries(api_as, integration_user, project):
    entries = [row(project, 0)] * (services.MAX_BATCH_SIZE + 1)

    response = api_as(integration_user).post(BULK, {"entries": entries}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["entries"]
    assert isinstance(response.json()["entries"], list)
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_10000_entries_are_accepted_in_one_call(api_as, integration_user, project):
    entries = batch(project, services.MAX_BATCH_SIZE)

    response = api_as(integration_user).post(BULK, {"entries": entries}, format="json")

    assert response.status_code == 201, response.content[:500]
    assert response.json() == {"created": 10_000, "unchanged": 0}
    assert CostEntry.objects.count() == 10_000


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("no_role", 403),
        ("pm", 403),
        ("other_pm", 403),
        ("executive", 403),
        ("pmo", 201),
        ("integration", 201),
    ],
)
def test_the_endpoint_answers_each_role_as_the_rules_say(api_for_role, project, role, expected):
    response = api_for_role(role).post(BULK, {"entries": batch(project, 1)}, format="json")

    assert response.status_code == expected
    assert CostEntry.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.django_db
def test_the_endpoint_refuses_a_get(api_as, integration_user):
    response = api_as(integration_user).get(BULK)

    assert response.status_code == 405
