"""gzip for the API's JSON answers only (shouhou.core.compression): not the HTML pages, which
carry the CSRF token (BREACH), and not the token endpoints, whose answer is the secret."""

import gzip
import json

import pytest
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from shouhou.core.compression import ApiGZipMiddleware

pytestmark = pytest.mark.django_db

ROWS = {"results": [{"number": f"WO{i:06d}", "status": "new"} for i in range(50)]}


def _through_middleware(path, response, **headers):
    request = RequestFactory().get(path, headers=headers)
    return ApiGZipMiddleware(lambda r: response)(request)


def test_an_api_json_answer_is_gzipped_for_a_client_that_accepts_it():
    resp = _through_middleware(
        "/api/v1/workorders/", JsonResponse(ROWS), accept_encoding="gzip, br"
    )
    assert resp["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in resp["Vary"]
    assert json.loads(gzip.decompress(resp.content)) == ROWS
    assert len(resp.content) < len(json.dumps(ROWS)) / 3


def test_an_api_answer_is_plain_for_a_client_that_does_not_accept_gzip():
    resp = _through_middleware("/api/v1/workorders/", JsonResponse(ROWS))
    assert not resp.has_header("Content-Encoding")
    assert json.loads(resp.content) == ROWS


def test_a_page_outside_the_api_is_not_gzipped_even_if_it_is_json():
    page = HttpResponse("<p>" + "x" * 1000 + "</p>")
    assert not _through_middleware("/workorders/", page, accept_encoding="gzip").has_header(
        "Content-Encoding"
    )
    data = _through_middleware(
        "/workorders/export.json", JsonResponse(ROWS), accept_encoding="gzip"
    )
    assert not data.has_header("Content-Encoding")


def test_html_pages_with_the_csrf_token_are_never_gzipped(client, clerk):
    client.force_login(clerk)
    resp = client.get("/workorders/new/", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200
    assert b"csrfmiddlewaretoken" in resp.content
    assert not resp.has_header("Content-Encoding")


def test_the_token_endpoint_answer_is_never_gzipped(client, clerk):
    clerk.set_password("pw-for-the-token-test")
    clerk.save()
    resp = client.post(
        "/api/v1/auth/token/",
        {"username": clerk.username, "password": "pw-for-the-token-test"},
        headers={"Accept-Encoding": "gzip"},
    )
    assert resp.status_code == 200
    assert not resp.has_header("Content-Encoding")
    assert "token" in resp.json()


def test_api_gzip_false_turns_compression_off(settings):
    settings.API_GZIP = False
    resp = _through_middleware("/api/v1/workorders/", JsonResponse(ROWS), accept_encoding="gzip")
    assert not resp.has_header("Content-Encoding")
