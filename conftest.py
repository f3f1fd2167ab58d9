"""Project-wide test fixtures: a shared cast (an organisation, a colleague, an outsider)."""

import pytest
from django_scopes import scopes_disabled


@pytest.fixture(autouse=True)
def _scopes_disabled_in_test_code():
    """Test code itself reads across organisations; requests still run in the user's scope
    because the middleware opens `scope(organisation=...)`, which re-enables the check."""
    with scopes_disabled():
        yield


@pytest.fixture
def org(db):
    from shouhou.org.tests.factories import OrganisationFactory

    return OrganisationFactory(name="测试建材城", code="test-market")


@pytest.fixture
def other_org(db):
    from shouhou.org.tests.factories import OrganisationFactory

    return OrganisationFactory(name="别家家具城", code="other-org")


@pytest.fixture
def store(org):
    from shouhou.org.tests.factories import StoreFactory

    return StoreFactory(organisation=org, name="一号店", code="s1")


@pytest.fixture
def merchant(org):
    from shouhou.org.tests.factories import MerchantFactory

    return MerchantFactory(organisation=org, name="好家居商行")


@pytest.fixture
def make_user(org):
    from shouhou.org.tests.factories import UserFactory

    def make(*roles, organisation=None, **kwargs):
        return UserFactory(roles=list(roles), organisation=organisation or org, **kwargs)

    return make


@pytest.fixture
def clerk(make_user, store):
    return make_user("clerk", store=store, display_name="王客服")


@pytest.fixture
def outsider(other_org):
    from shouhou.org.tests.factories import UserFactory

    return UserFactory(roles=["clerk"], organisation=other_org, display_name="外人")


@pytest.fixture
def api(client):
    """A Django test client that logs in a user: `api.as_(user)` then `api.post(url, data)`."""
    return ApiClient(client)


class ApiClient:
    def __init__(self, client):
        self.client = client

    def as_(self, user):
        self.client.force_login(user)
        return self

    def get(self, url, **params):
        return self.client.get(url, params)

    def post(self, url, data=None, **headers):
        return self.client.post(url, data or {}, content_type="application/json", headers=headers)

    def patch(self, url, data=None, **headers):
        return self.client.patch(url, data or {}, content_type="application/json", headers=headers)

    def put(self, url, data=None, **headers):
        return self.client.put(url, data or {}, content_type="application/json", headers=headers)

    def delete(self, url, **headers):
        return self.client.delete(url, headers=headers)
