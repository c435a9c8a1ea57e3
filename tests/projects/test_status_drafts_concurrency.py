"""Two people saving the same weekly draft: the first save wins, the second is told who saved
it and when, keeps what they typed, and nothing of either save is silently lost."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from pmo.exceptions import StaleWriteError
from projects import services, weeks
from projects.models import StatusReport

from .test_status_views import content, form_data


def this_week(project):
    return weeks.current_week(project.tz)


def edit_url(project):
    return reverse("projects:status_edit", args=[project.pk, this_week(project).isoformat()])


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def opened_form(client, project) -> dict:
    """What the status form carries of the draft it was opened on (hidden fields)."""
    html = client.get(edit_url(project)).content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("report", "version")
    }


def draft_of(project, **overrides):
    return services.status_report_create(
        actor=project.project_manager,
        project=project,
        week=this_week(project),
        **content(**overrides),
    )


# --- the service ------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_save_that_changes_the_draft_moves_its_version_on(project):
    draft = draft_of(project, progress=10)
    assert draft.version == 1

    services.status_report_update(draft, actor=project.project_manager, version=1, progress=20)
    draft.refresh_from_db()
    assert draft.version == 2

    services.status_report_update(draft, actor=project.project_manager, version=2, progress=20)
    draft.refresh_from_db()
    assert draft.version == 2, "a save changing nothing is no new version"


@pytest.mark.django_db
def test_a_save_from_an_older_version_is_refused_naming_who_saved_since(
    project, pmo_user, client_as
):
    draft = draft_of(project, progress=10)
    # The PMO's save goes through a page, as people save: the history records who.
    client_as(pmo_user).post(
        edit_url(project), {**form_data(progress=30), "report": draft.pk, "version": 1}
    )

    with pytest.raises(StaleWriteError) as refused:
        services.status_report_update(draft, actor=project.project_manager, version=1, progress=15)

    assert pmo_user.display_name in refused.value.message
    assert refused.value.extra == {"version": 2}
    draft.refresh_from_db()
    assert (draft.progress, draft.version) == (30, 2)


# --- the status form --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_second_of_two_saves_of_one_draft_is_told_and_loses_nothing(project, pm_user, pmo_user):
    draft_of(project, progress=10)
    manager, pmo = signed_in(pm_user), signed_in(pmo_user)
    managers_form, pmos_form = opened_form(manager, project), opened_form(pmo, project)

    first = pmo.post(edit_url(project), {**form_data(progress=60), **pmos_form})
    second = manager.post(
        edit_url(project),
        {**form_data(progress=45, achievements="Pilot site live."), **managers_form},
    )

    assert first.status_code == 302
    assert second.status_code == 409
    html = second.content.decode()
    assert pmo_user.display_name in html
    assert "after you opened it" in html
    # What the manager typed is still in the form...
    assert "Pilot site live." in html
    # ...beside what was saved meanwhile, field by field.
    table = re.search(r'class="notice warning saved-meanwhile".*?</table>', html, re.DOTALL)
    assert table
    assert re.search(r"<td>60</td><td>45</td>", table.group(0))
    saved = StatusReport.objects.get(project=project)
    assert (saved.progress, saved.achievements, saved.version) == (60, "", 2)


@pytest.mark.django_db
def test_saving_again_after_being_told_replaces_the_draft_knowingly(project, pm_user, pmo_user):
    draft_of(project, progress=10)
    manager, pmo = signed_in(pm_user), signed_in(pmo_user)
    managers_form = opened_form(manager, project)
    pmo.post(edit_url(project), {**form_data(progress=60), **opened_form(pmo, project)})
    refused = manager.post(edit_url(project), {**form_data(progress=45), **managers_form})
    retry_form = {
        name: re.search(rf'name="{name}" value="([^"]*)"', refused.content.decode()).group(1)
        for name in ("report", "version")
    }

    response = manager.post(edit_url(project), {**form_data(progress=45), **retry_form})

    assert retry_form["version"] == "2"
    assert response.status_code == 302
    saved = StatusReport.objects.get(project=project)
    assert (saved.progress, saved.version) == (45, 3)


@pytest.mark.django_db
def test_a_form_opened_before_the_draft_existed_does_not_overwrite_it(project, pm_user, pmo_user):
    manager, pmo = signed_in(pm_user), signed_in(pmo_user)
    managers_form, pmos_form = opened_form(manager, project), opened_form(pmo, project)
    assert managers_form == {"report": "", "version": ""}

    pmo.post(edit_url(project), {**form_data(progress=70), **pmos_form})
    response = manager.post(edit_url(project), {**form_data(progress=20), **managers_form})

    assert response.status_code == 409
    assert StatusReport.objects.get(project=project).progress == 70


@pytest.mark.django_db
def test_a_refused_form_keeps_the_version_it_started_from(project, pm_user, pmo_user):
    """A save refused for a bad field, then someone saves, then the fixed save: still told."""
    draft_of(project, progress=10)
    manager, pmo = signed_in(pm_user), signed_in(pmo_user)
    managers_form = opened_form(manager, project)
    invalid = manager.post(edit_url(project), {**form_data(progress=150), **managers_form})
    assert invalid.status_code == 200
    kept = {
        name: re.search(rf'name="{name}" value="([^"]*)"', invalid.content.decode()).group(1)
        for name in ("report", "version")
    }
    pmo.post(edit_url(project), {**form_data(progress=60), **opened_form(pmo, project)})

    response = manager.post(edit_url(project), {**form_data(progress=50), **kept})

    assert kept == managers_form
    assert response.status_code == 409
    assert StatusReport.objects.get(project=project).progress == 60


# --- the API ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_shows_the_version_and_refuses_a_stale_change_with_409(
    project, pm_user, pmo_user, api_as
):
    draft = draft_of(project, progress=10)
    url = f"/api/v1/status-reports/{draft.pk}/"
    assert api_as(pm_user).get(url).json()["version"] == 1
    assert (
        api_as(pmo_user).patch(url, {"progress": 30, "version": 1}, format="json").status_code
        == 200
    )

    response = api_as(pm_user).patch(url, {"progress": 15, "version": 1}, format="json")

    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert "after you opened it" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.progress == 30


@pytest.mark.django_db
def test_the_api_without_a_version_changes_the_draft_as_before(project, pm_user, api_as):
    draft = draft_of(project, progress=10)

    response = api_as(pm_user).patch(
        f"/api/v1/status-reports/{draft.pk}/", {"progress": 25}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["version"] == 2


# --- a real race on PostgreSQL ------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_saves_racing_from_the_same_version_apply_exactly_one(project, pm_user, pmo_user):
    draft = draft_of(project, progress=10)
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(who, actor, progress):
        try:
            barrier.wait(timeout=10)
            services.status_report_update(
                StatusReport.objects.get(pk=draft.pk), actor=actor, version=1, progress=progress
            )
            outcomes[who] = "saved"
        except StaleWriteError:
            outcomes[who] = "told"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=("pm", pm_user, 45)),
        threading.Thread(target=save, args=("pmo", pmo_user, 60)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["saved", "told"]
    winner = next(who for who, outcome in outcomes.items() if outcome == "saved")
    saved = StatusReport.objects.get(pk=draft.pk)
    assert saved.version == 2
    assert saved.progress == {"pm": 45, "pmo": 60}[winner]
