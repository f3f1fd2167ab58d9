import pytest
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from shouhou.core.middleware import scope_for_user
from shouhou.org.models import Store
from shouhou.org.tests.factories import StoreFactory


@pytest.mark.django_db
def test_a_query_outside_any_scope_fails_loudly(store):
    with scope(organisation=None, _enabled=True):
        pass
    from django_scopes.state import state

    token = state.set({})
    try:
        with pytest.raises(ScopeError):
            list(Store.objects.all())
    finally:
        state.reset(token)


@pytest.mark.django_db
def test_a_user_sees_only_their_own_organisations_rows(clerk, store, other_org):
    StoreFactory(organisation=other_org, name="别家店")
    with scope_for_user(clerk):
        assert list(Store.objects.values_list("name", flat=True)) == ["一号店"]


@pytest.mark.django_db
def test_an_anonymous_request_sees_no_scoped_rows(store):
    from django.contrib.auth.models import AnonymousUser

    with scope_for_user(AnonymousUser()):
        assert Store.objects.count() == 0


@pytest.mark.django_db
def test_api_without_login_answers_in_the_error_shape(client):
    resp = client.get("/api/v1/me/")
    assert resp.status_code in (401, 403)
    assert set(resp.json()["error"]) >= {"code", "message", "fields"}


@pytest.mark.django_db
def test_token_login_with_a_wrong_password_is_a_clear_400(client, clerk):
    resp = client.post(
        "/api/v1/auth/token/",
        {"username": clerk.username, "password": "nope"},
        content_type="application/json",
    )
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "bad_credentials"


@pytest.mark.django_db
def test_a_token_gives_access_to_the_api_in_the_users_organisation(client, clerk):
    resp = client.post(
        "/api/v1/auth/token/",
        {"username": clerk.username, "password": "pw-123456"},
        content_type="application/json",
    )
    token = resp.json()["token"]
    me = client.get("/api/v1/me/", headers={"Authorization": f"Token {token}"})
    assert me.status_code == 200
    assert me.json()["organisation"] == clerk.organisation_id
    assert me.json()["roles"] == ["clerk"]


@pytest.mark.django_db
def test_missing_fields_are_named_in_the_error(client):
    resp = client.post("/api/v1/auth/token/", {}, content_type="application/json")
    assert resp.status_code == 400
    assert set(resp.json()["error"]["fields"]) == {"username", "password"}


@pytest.mark.django_db
def test_the_openapi_schema_and_offline_swagger_ui_are_served(api, clerk):
    api.as_(clerk)
    assert api.get("/api/schema/").status_code == 200
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"drf_spectacular_sidecar" in docs.content  # assets served locally, no CDN


@pytest.mark.django_db
def test_an_account_without_organisation_is_sent_to_the_admin_not_to_half_working_pages(client):
    from shouhou.org.tests.factories import UserFactory

    operator = UserFactory(organisation=None, is_superuser=True, is_staff=True)
    client.force_login(operator)
    page = client.get("/")
    assert page.status_code == 403 and "/admin/" in page.content.decode()
    api = client.get("/api/v1/me/")
    assert api.status_code == 200
    assert client.get("/api/v1/customers/").json()["error"]["code"] == "no_organisation"
    assert client.get("/admin/").status_code == 200
