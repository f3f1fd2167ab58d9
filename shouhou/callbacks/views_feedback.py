"""The customer's own feedback through the signed link (public, no login, phone-sized), its
thank-you page, and the agent's page with the SMS text to copy.

The public pages run in the scope of the organisation the signed token names (the token names the
task and its organisation), like the work-order progress link; submissions are rate-limited per address like
the public request form.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shouhou.core.errors import DomainError
from shouhou.core.forms import add_domain_error
from shouhou.workorders import config

from . import feedback as fb
from . import records
from .forms_records import FeedbackForm
from .models import CallbackRecord, CallbackTask


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _limit_reached(request, organisation) -> bool:
    """At most the organisation's public requests per hour from one address (the same number
    as the public work-order form)."""

    limit = config.settings_for(organisation).public_requests_per_hour
    key = f"cb-feedback:{organisation.pk}:{_client_ip(request)}"
    count = cache.get_or_set(key, 0, 3600)
    if count >= limit:
        return True
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)
    return False


def _error_page(request, exc: DomainError, *, status: int | None = None):
    return render(
        request, "callbacks/feedback_error.html", {"error": exc}, status=status or exc.status
    )


def feedback(request, token):
    """Five stars (1–5) and a comment; submitting closes the callback task."""
    with fb.feedback_scope(token):
        try:
            task = fb.feedback_task_for(token)
        except DomainError as exc:
            return _error_page(request, exc)
        form = FeedbackForm(request.POST or None)
        status = 200
        if request.method == "POST":
            if _limit_reached(request, task.organisation):
                form.is_valid()
                form.add_error(None, _("Too many submissions from here; please try again later."))
                return _page(request, task, form, token, status=429)
            if form.is_valid():
                if form.cleaned_data.get("website"):
                    raise Http404()
                try:
                    fb.feedback_submit(
                        token=token,
                        satisfaction=form.cleaned_data.get("satisfaction"),
                        comment=form.cleaned_data.get("comment", ""),
                    )
                except DomainError as exc:
                    if exc.fields:
                        add_domain_error(form, exc)
                        status = exc.status
                    else:
                        return _error_page(request, exc)
                else:
                    return redirect("callbacks:feedback_thanks")
            else:
                status = 400
        else:
            done = CallbackRecord.objects.filter(task_id=task.pk).first()
            if done is not None or task.status != CallbackTask.Status.OPEN:
                try:
                    records.check_recordable(
                        task, task.work_order, task.delivery, self_feedback=True
                    )
                except DomainError as exc:
                    return _error_page(request, exc, status=200)
        return _page(request, task, form, token, status=status)


def _page(request, task, form, token, *, status):
    order = task.work_order
    delivery = task.delivery
    return render(
        request,
        "callbacks/feedback.html",
        {
            "form": form,
            "token": token,
            "store_name": fb._store_name(task),
            "order": order,
            "delivery": delivery,
            "technician": getattr(order, "technician", None) or getattr(delivery, "crew", None),
            "kind": task.get_kind_display(),
        },
        status=status,
    )


def feedback_thanks(request):
    return render(request, "callbacks/feedback_thanks.html")


@login_required
def feedback_sms(request, pk):
    """The SMS text and link for one task, ready to copy (`?fragment=1`: only the box, for
    including in another page with htmx)."""
    try:
        data = fb.feedback_link(
            by=request.user, task=pk, base_url=request.build_absolute_uri("/")[:-1]
        )
        error = None
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        data, error = {"task": None}, exc
    template = (
        "callbacks/feedback_sms.html"
        if request.GET.get("fragment") or request.headers.get("HX-Request")
        else "callbacks/feedback_sms_page.html"
    )
    return render(
        request, template, {**data, "error": error, "pk": pk}, status=error.status if error else 200
    )
