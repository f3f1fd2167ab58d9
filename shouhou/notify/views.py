"""The message log for staff: failures first, a failed message sent again with one click."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shouhou.core.errors import DomainError
from shouhou.core.pages import get_or_404, reader

from . import selectors, services
from .models import Message

check = reader(selectors.can_read)


@login_required
def messages(request):
    check(request)
    status = request.GET.get("status", Message.Status.FAILED)
    if status not in Message.Status.values and status != "all":
        status = Message.Status.FAILED
    qs = selectors.message_list(user=request.user, status=None if status == "all" else status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/messages.html",
        {
            "page": page,
            "status": status,
            "statuses": [("all", "—"), *Message.Status.choices],
            "error": request.GET.get("error", ""),
        },
    )


@login_required
@require_POST
def retry(request, pk):
    check(request)
    message = get_or_404(selectors.message_get, user=request.user, pk=pk)
    try:
        services.message_retry(by=request.user, message=message)
    except DomainError as exc:
        return render(
            request,
            "notify/messages.html",
            {
                "page": [message],
                "status": message.status,
                "statuses": Message.Status.choices,
                "error": str(exc.message),
            },
            status=exc.status,
        )
    return redirect(reverse("notify:messages") + "?status=failed")
