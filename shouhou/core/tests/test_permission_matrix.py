"""Every role against every API list endpoint and every menu page, on the full demo data.

Each answer is 200, a redirect or 403 (never a 500), and what a 200 lists belongs to the caller's own
organisation — three organisations' data sit side by side in the demo.
"""

import pytest
from django.core.management import call_command
from django.test import Client

from shouhou.api_urls import router
from shouhou.core.navigation import menu_entries
from shouhou.org.models import User

pytestmark = pytest.mark.django_db


def _model_of(viewset):
    qs = getattr(viewset, "queryset", None)
    if qs is not None:
        return qs.model
    serializer = getattr(viewset, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


def _rows(body):
    if isinstance(body, dict) and "results" in body:
        return body["results"]
    return body if isinstance(body, list) else []


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return {u.username: u for u in User.objects.filter(organisation__isnull=False)}


def test_every_role_gets_an_answer_from_every_endpoint_and_page_and_sees_only_its_organisation(
    demo,
):
    # One test for both matrices: seeding the demo is the expensive part.
    _check_api(demo)
    _check_pages(demo)


def _check_api(demo):
    problems = []
    for username, user in demo.items():
        client = Client()
        client.force_login(user)
        for prefix, viewset, _basename in router.registry:
            if "{" in prefix or "(?P" in prefix:
                continue
            resp = client.get(f"/api/v1/{prefix}/")
            if resp.status_code not in (200, 403):
                problems.append((username, prefix, resp.status_code))
                continue
            if resp.status_code != 200:
                continue
            assert "error" not in resp.json()
            model = _model_of(viewset)
            ids = [row["id"] for row in _rows(resp.json()) if isinstance(row, dict) and "id" in row]
            if model is None or not ids or not hasattr(model, "organisation_id"):
                continue
            foreign = model.all_objects.filter(pk__in=ids).exclude(
                organisation_id=user.organisation_id
            )
            if foreign.exists():
                problems.append((username, prefix, "leaks another organisation's rows"))
    assert problems == [], problems


def _check_pages(demo):
    from django.urls import NoReverseMatch, reverse

    urls = []
    for entry in menu_entries():
        try:
            urls.append(reverse(entry.url_name))
        except NoReverseMatch:
            continue
    problems = []
    for username, user in demo.items():
        client = Client()
        client.force_login(user)
        for url in urls:
            status = client.get(url).status_code
            if status not in (200, 302, 403):
                problems.append((username, url, status))
    assert problems == [], problems


def test_anonymous_callers_get_nothing_from_any_list_endpoint(db):
    client = Client()
    for prefix, _viewset, _basename in router.registry:
        resp = client.get(f"/api/v1/{prefix}/")
        assert resp.status_code in (401, 403), prefix
