from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from shouhou.core import views as core_views

# Apps with pages; each has urls.py with an app_name equal to its label.
PAGE_APPS = [
    "org",
    "customers",
    "catalog",
    "sales",
    "workdays",
    "staff",
    "workorders",
    "callbacks",
    "promises",
    "complaints",
    "delivery",
    "performance",
    "notify",
    "portal",
    "frontdesk",
    "dealers",
    "parts",
    "roster",
    "lostfound",
    "maintenance",
]

_docs_view = SpectacularSwaggerSplitView.as_view(url_name="schema")
if not settings.API_DOCS_PUBLIC:
    _docs_view = login_required(_docs_view)

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password change and reset: Django's own views; the reset mail goes through EMAIL_BACKEND.
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(template_name="core/password_change.html"),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="core/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="core/password_reset.html",
            email_template_name="core/password_reset_email.txt",
            subject_template_name="core/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", core_views.healthz, name="healthz"),
    path("jobs/runs/", core_views.job_runs, name="job-runs"),
    path("nav/badges/", core_views.nav_badges, name="nav-badges"),
    path("search/", core_views.search, name="search"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("shouhou.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start script is a static-like file, not an inline block (Content-Security-
    # Policy); both are behind login unless API_DOCS_PUBLIC (SPECTACULAR_SETTINGS).
    path("api/docs/", _docs_view, name="api-docs"),
    *[path(f"{app}/", include(f"shouhou.{app}.urls")) for app in PAGE_APPS],
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
