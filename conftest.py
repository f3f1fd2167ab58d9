"""Project-wide test fixtures: a shared cast (an organisation, a colleague, an outsider)."""

import pytest
from django_scopes import scopes_disabled


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Test users' passwords need no key stretching; PBKDF2 made every factory user slow."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _scopes_disabled_in_test_code(request):
    """Test code itself (factories, assertions) reads across organisations; what it calls runs
    in a scope, as in production:

    - requests run in the user's scope because the middleware opens `scope(organisation=...)`;
    - a service or selector called from a test runs in its actor's scope (`by=`/`user=`, else
      `organisation=`), see `_run_layers_in_actor_scope` below; so a test that calls
      `customer_get(user=outsider, pk=mine)` gets the 404 a request would, and a service that
      reads another organisation's rows finds nothing here too, not only in production.

    A test that calls the layers across organisations on purpose says so with
    `@pytest.mark.cross_org` (or the `cross_org` fixture)."""
    _layer_scope.enabled = request.node.get_closest_marker("cross_org") is None
    try:
        with scopes_disabled():
            yield
    finally:
        _layer_scope.enabled = True


@pytest.fixture
def cross_org():
    """Service and selector calls of this test run with scopes disabled (reads across
    organisations on purpose)."""
    _layer_scope.enabled = False
    yield
    _layer_scope.enabled = True


# --- Service and selector calls from test code run in their actor's scope -------------------

# Modules holding the service and selector functions (besides `<app>.services`/`.selectors`).
_LAYER_MODULES_EXTRA = (
    "shouhou.callbacks.records",
    "shouhou.callbacks.feedback",
    "shouhou.callbacks.metrics",
    "shouhou.performance.figures",
    "shouhou.workorders.config",
    "shouhou.dealers.claims",
)
_ACTOR_PARAMS = ("by", "user", "organisation")


class _LayerScope:
    enabled = True


_layer_scope = _LayerScope()


def _actor_org_id(kwargs):
    for name in ("by", "user"):
        actor = kwargs.get(name)
        if actor is not None:
            org_id = getattr(actor, "organisation_id", None)
            if org_id is not None:
                return org_id
    org = kwargs.get("organisation")
    org_id = getattr(org, "pk", org)
    return org_id if isinstance(org_id, int) else None


def _in_actor_scope(fn):
    import functools

    from django_scopes import scope
    from django_scopes.state import get_scope

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        # Only calls made from test code (scopes disabled): a request, a job or another
        # service already runs in the scope it chose.
        if _layer_scope.enabled and get_scope().get("_enabled", True) is False:
            org_id = _actor_org_id(kwargs)
            if org_id is not None:
                with scope(organisation=org_id):
                    return fn(*args, **kwargs)
        return fn(*args, **kwargs)

    wrapper.__wrapped_in_actor_scope__ = True
    return wrapper


def _layer_modules():
    import importlib
    import pkgutil

    from django.apps import apps

    names = set(_LAYER_MODULES_EXTRA)
    for app in apps.get_app_configs():
        if not app.name.startswith("shouhou."):
            continue
        for layer in ("services", "selectors"):
            name = f"{app.name}.{layer}"
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            names.add(name)
            if hasattr(module, "__path__"):  # a package by use case
                names.update(f"{name}.{m.name}" for m in pkgutil.iter_modules(module.__path__))
    return [importlib.import_module(n) for n in sorted(names)]


def _run_layers_in_actor_scope():
    import inspect

    modules = _layer_modules()
    wrapped = {}
    for module in modules:
        for attr, fn in list(vars(module).items()):
            if (
                attr.startswith("_")
                or not inspect.isfunction(fn)
                or fn.__module__ != module.__name__
                or getattr(fn, "__wrapped_in_actor_scope__", False)
            ):
                continue
            params = inspect.signature(fn).parameters
            if any(p in params for p in _ACTOR_PARAMS):
                wrapped[fn] = _in_actor_scope(fn)
                setattr(module, attr, wrapped[fn])
    # A services package re-exports its use-case modules' functions: the package's names must
    # be the wrapped ones too (`services.customer_create(...)` in a test).
    for module in modules:
        for attr, fn in list(vars(module).items()):
            if inspect.isfunction(fn) and fn in wrapped:
                setattr(module, attr, wrapped[fn])


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "cross_org: the test calls services/selectors across organisations on purpose "
        "(they run with scopes disabled instead of in the actor's scope)",
    )
    # Before collection: test modules that `from <app>.services import fn` get the wrapper.
    _run_layers_in_actor_scope()


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


def pytest_collection_modifyitems(config, items):
    """`full_matrix` tests (slow: a seeded demo database, subprocesses, thousands of probe
    cases) run only with SHOUHOU_FULL_MATRIX=1, as CI sets it; `make test` skips them."""
    import os

    if os.environ.get("SHOUHOU_FULL_MATRIX") == "1":
        return
    skip = pytest.mark.skip(reason="full matrix only (SHOUHOU_FULL_MATRIX=1)")
    for item in items:
        if item.get_closest_marker("full_matrix"):
            item.add_marker(skip)


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
