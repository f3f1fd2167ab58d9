"""The probe of issue 17, kept in the suite: schemathesis generates requests from the live
OpenAPI schema (fetched as an authenticated user) and sends them to the WSGI application; no
answer may be a server error. `make test` sends 100 cases; SHOUHOU_FULL_MATRIX=1 (CI) 1,000."""

import os
import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from shouhou.core.authentication import token_issue
from shouhou.org import roles as r

FULL = os.environ.get("SHOUHOU_FULL_MATRIX") == "1"
CASES = 1000 if FULL else 100
# Rotating the probe's own token would log it out for every later case.
SKIP = {("POST", "/api/v1/auth/token/rotate/")}


@pytest.fixture
def keep_the_test_connection():
    """The WSGI application closes "old" connections at each request's start and end; inside the
    test's transaction (autocommit off) PostgreSQL's connection counts as old and would be
    closed under the test. Django's own test client disconnects the same two receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_generated_api_cases_never_get_a_server_error(make_user, store, keep_the_test_connection):
    office = [c for c in r.ROLES if c not in (r.MERCHANT_ADMIN, r.TECHNICIAN)]
    user = make_user(*office, store=store, username="probe")
    auth = {"Authorization": f"Token {token_issue(user=user).key}"}
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application(), headers=auth
    )
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())  # type: ignore[union-attr]
        if (op.method.upper(), op.path) not in SKIP
    ]
    assert len(operations) > 50
    strategy = st.sampled_from(operations).flatmap(lambda op: op.as_strategy())
    seen: list[int] = []
    errors: list[str] = []

    @settings(
        max_examples=CASES,
        deadline=None,
        database=None,
        derandomize=not FULL,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def probe(case):
        response = case.call(headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
        seen.append(response.status_code)
        if response.status_code >= 500:
            errors.append(
                f"{case.method} {case.formatted_path} {case.query} {case.body!r:.300}"
                f" -> {response.status_code} {response.text[:300]}"
            )

    probe()
    assert len(seen) >= CASES * 0.9
    assert not errors, "\n".join(errors[:20])
    # Most generated cases get past the validation of the schema's own constraints.
    assert sum(1 for s in seen if s < 400 or s in (403, 404, 409)) > 0


@pytest.mark.django_db
def test_every_write_with_an_empty_body_gets_a_client_error_not_a_server_error(
    make_user, store, client
):
    """The random probe found optional inputs without a default (a missing keyword reached the
    service as a TypeError). This sends `{}` to every write operation, deterministically, with
    the path's id set to a real row's and to a forged one."""
    from drf_spectacular.generators import SchemaGenerator

    office = [c for c in r.ROLES if c not in (r.MERCHANT_ADMIN, r.TECHNICIAN)]
    user = make_user(*office, store=store, username="probe")
    auth = {"HTTP_AUTHORIZATION": f"Token {token_issue(user=user).key}"}
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    errors: list[str] = []
    sent = 0
    for path, ops in paths.items():
        for method in ("post", "put", "patch"):
            if method not in ops or (method.upper(), path) in SKIP:
                continue
            for pk in ("1", "999999"):
                url = path
                for name in ("{id}", "{pk}", "{work_order_pk}", "{order_pk}"):
                    url = url.replace(name, pk)
                if "{" in url:
                    continue
                response = getattr(client, method)(
                    url, {}, content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex, **auth,
                )  # fmt: skip
                sent += 1
                if response.status_code >= 500:
                    errors.append(f"{method.upper()} {url} -> {response.status_code}")
    assert sent > 50
    assert not errors, "\n".join(errors)


@pytest.mark.django_db
def test_an_id_beyond_what_the_database_stores_is_a_client_error(make_user, store, client):
    """The probe's finding: ?task=10**32 reached SQLite as an OverflowError (a 500)."""
    office = [c for c in r.ROLES if c not in (r.MERCHANT_ADMIN, r.TECHNICIAN)]
    user = make_user(*office, store=store, username="probe")
    auth = {"HTTP_AUTHORIZATION": f"Token {token_issue(user=user).key}"}
    response = client.get(
        "/api/v1/callback-records/", {"task": 10**32, "technician": -(10**30)}, **auth
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"task", "technician"}
    client.force_login(user)
    page = client.get("/workorders/old-parts/", {"technician": 10**32})
    assert page.status_code in (200, 400)  # PostgreSQL compares it as numeric: no match
