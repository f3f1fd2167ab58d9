"""Safe defaults, brute-force lockout, expiring tokens, customer-link keys, CSP, API docs."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail, signing
from django.utils import timezone
from rest_framework.authtoken.models import Token

ROOT = Path(settings.BASE_DIR)
PASSWORD = "pw-123456"  # the factories' password


def _run(code: str, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    base.pop("SECRET_KEY", None)
    base.pop("CUSTOMER_LINK_SECRET", None)
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW = (
    "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shouhou.settings');"
    "from django.conf import settings as s;"
    "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
    " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, s.API_DOCS_PUBLIC)"
)


def test_without_the_development_flag_there_is_no_usable_secret_key():
    res = _run(SHOW)
    assert res.returncode != 0 and "SECRET_KEY must be set" in res.stderr


def test_production_needs_its_own_customer_link_key():
    res = _run(SHOW, SECRET_KEY="x" * 60)
    assert res.returncode != 0 and "CUSTOMER_LINK_SECRET" in res.stderr


def test_production_defaults_are_the_safe_ones():
    res = _run(SHOW, SECRET_KEY="x" * 60, CUSTOMER_LINK_SECRET="y" * 60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == [
        "False",
        "True",
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "False",
    ]


def test_each_https_setting_can_be_turned_off_by_env():
    res = _run(
        SHOW,
        SECRET_KEY="x" * 60,
        CUSTOMER_LINK_SECRET="y" * 60,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_PROXY_SSL_HEADER="",
        API_DOCS_PUBLIC="true",
    )
    assert res.stdout.split() == ["False", "False", "0", "False", "False", "None", "True"]


def test_the_deployment_checklist_passes_in_production_mode():
    res = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={
            # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment has not
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE")
            },
            "DJANGO_ENV": "production",
            "DEBUG": "false",
            "SECRET_KEY": "k" * 20 + "Zq8#pLm2@vR5!xT9&wB3^nH6*cJ1(eF4)gK7",
            "CUSTOMER_LINK_SECRET": "another-long-random-value-for-links-123456",
            "ALLOWED_HOSTS": "shouhou.example.com",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr + res.stdout
    out = res.stderr + res.stdout
    assert "E001" not in out and "security." not in out


# --- customer links ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_link_signed_with_the_public_secret_key_is_refused(client, org, make_user):
    from shouhou.customers.tests.factories import CustomerFactory
    from shouhou.workorders import services
    from shouhou.workorders.views import PROGRESS_SALT, progress_token

    desk = make_user("service_desk")
    order = services.workorder_intake(
        by=desk,
        source="hotline",
        kind="repair",
        customer=CustomerFactory(organisation=org),
    ).order
    assert client.get(f"/workorders/p/{progress_token(order)}/").status_code == 200
    forged = signing.dumps({"o": order.pk, "g": org.pk}, salt=PROGRESS_SALT)  # SECRET_KEY
    assert client.get(f"/workorders/p/{forged}/").status_code == 404


# --- brute force ------------------------------------------------------------------------------
@pytest.fixture
def clerk_user(make_user):
    return make_user("clerk")


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_the_login_page_locks_out_after_the_failure_limit(client, clerk_user):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, clerk_user.username, "wrong").status_code == 200
    locked = _login(client, clerk_user.username, "wrong")
    assert locked.status_code == 429
    assert "core/locked_out.html" in [t.name for t in locked.templates]
    # the right password does not get through while locked
    again = _login(client, clerk_user.username, PASSWORD)
    assert again.status_code == 429 and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(client, clerk_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, clerk_user.username, "wrong")
    assert _login(client, clerk_user.username, PASSWORD).status_code == 302
    client.logout()
    assert _login(client, clerk_user.username, "wrong").status_code == 200


@pytest.mark.django_db
def test_the_token_endpoint_locks_out_with_the_json_error_shape(client, clerk_user):
    def token(password):
        return client.post(
            "/api/v1/auth/token/",
            {"username": clerk_user.username, "password": password},
            content_type="application/json",
        )

    codes = [token("wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert codes[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1) and codes[-1] == 429
    resp = token(PASSWORD)
    assert resp.status_code == 429
    body = resp.json()["error"]
    assert body["code"] == "locked_out" and body["fields"] == {} and body["message"]
    assert int(resp["Retry-After"]) > 0


@pytest.mark.django_db
def test_the_lockout_is_per_username_and_address(client, clerk_user, make_user):
    other = make_user("clerk")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, clerk_user.username, "wrong")
    assert _login(client, other.username, PASSWORD).status_code == 302


# --- tokens -----------------------------------------------------------------------------------
def _obtain(client, user):
    return client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )


@pytest.mark.django_db
def test_an_expired_token_is_refused_and_a_new_one_is_issued(client, clerk_user):
    first = _obtain(client, clerk_user).json()
    assert first["expires_at"]
    Token.objects.filter(key=first["token"]).update(
        created=timezone.now() - dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS, seconds=1)
    )
    resp = client.get("/api/v1/me/", headers={"Authorization": f"Token {first['token']}"})
    assert resp.status_code in (401, 403)
    assert resp.json()["error"]["code"] == "token_expired"
    second = _obtain(client, clerk_user).json()["token"]
    assert second != first["token"]
    assert (
        client.get("/api/v1/me/", headers={"Authorization": f"Token {second}"}).status_code == 200
    )


@pytest.mark.django_db
def test_a_valid_token_is_returned_again_and_rotation_replaces_it(client, clerk_user):
    key = _obtain(client, clerk_user).json()["token"]
    assert _obtain(client, clerk_user).json()["token"] == key
    rotated = client.post("/api/v1/auth/token/rotate/", headers={"Authorization": f"Token {key}"})
    assert rotated.status_code == 200
    new = rotated.json()["token"]
    assert new != key
    assert client.get("/api/v1/me/", headers={"Authorization": f"Token {key}"}).status_code in (
        401,
        403,
    )
    assert client.get("/api/v1/me/", headers={"Authorization": f"Token {new}"}).status_code == 200


# --- password change and reset ----------------------------------------------------------------
@pytest.mark.django_db
def test_a_user_changes_their_password(client, clerk_user):
    client.force_login(clerk_user)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    resp = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Kx9-quiet-river",
            "new_password2": "Kx9-quiet-river",
        },
    )
    assert resp.status_code == 302
    clerk_user.refresh_from_db()
    assert clerk_user.check_password("Kx9-quiet-river")


@pytest.mark.django_db
def test_a_password_reset_mails_a_link_that_sets_a_new_password(client, clerk_user):
    clerk_user.email = "clerk@example.com"
    clerk_user.save()
    assert "忘记密码" in client.get("/accounts/login/").content.decode()
    assert (
        client.post("/accounts/password/reset/", {"email": "clerk@example.com"}).status_code == 302
    )
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    url = form.redirect_chain[-1][0]
    done = client.post(
        url, {"new_password1": "Kx9-quiet-river", "new_password2": "Kx9-quiet-river"}
    )
    assert done.status_code == 302
    clerk_user.refresh_from_db()
    assert clerk_user.check_password("Kx9-quiet-river")


# --- API docs and CSP -------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_schema_and_swagger_ui_need_a_login(client, clerk_user):
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code == 302
    client.force_login(clerk_user)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"<script>" not in docs.content


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_unsafe_inline_scripts(client, clerk_user):
    client.force_login(clerk_user)
    resp = client.get("/")
    policy = resp["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy
    html = resp.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", policy)
    for tag in re.findall(r"<script[^>]*>", html):
        # a `json_script` data block is not run by the browser
        data = 'type="application/json"' in tag
        assert "src=" in tag or data or (nonce and nonce.group(1) in tag), tag


TEMPLATES = sorted(ROOT.glob("shouhou/*/templates/**/*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_handlers_or_styles_without_nonce(path):
    text = path.read_text()
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "javascript:" not in text
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or "csp_nonce" in tag or 'type="application/json"' in tag, tag
    for tag in re.findall(r"<style\b[^>]*>", text):
        assert "csp_nonce" in tag, tag
