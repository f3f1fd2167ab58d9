"""Project-wide test fixtures: a shared cast (an organisation, a colleague, an outsider)."""

import pytest
from django_scopes import scopes_disabled


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Test users' passwords need no key stretching; PBKDF2 made every factory user slow."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


# --- Browser tests (marked `browser`): Playwright driving Debian's /usr/bin/chromium ---------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(live_server, settings):
    """A Playwright page in headless Debian chromium, pointed at the live test server.

    Skipped when chromium is not installed, unless SHOUHOU_REQUIRE_BROWSER=1 (CI), where a
    missing browser is a failure rather than a silent skip.
    """
    import os
    import shutil

    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("SHOUHOU_REQUIRE_BROWSER") == "1":
            pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15000)
        pg = context.new_page()
        pg.base_url = live_server.url
        try:
            yield pg
        finally:
            context.close()
            browser.close()


@pytest.fixture
def phone_page(page):
    """The same browser page at a phone's size (375×740)."""
    page.set_viewport_size({"width": 375, "height": 740})
    return page


@pytest.fixture
def browser_login():
    """`browser_login(page, user)`: log in through the real login form."""

    def login(page, user, password="pw-123456"):
        page.goto(page.base_url + "/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        page.wait_for_url(page.base_url + "/")

    return login
