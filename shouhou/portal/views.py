"""The customer's self-service pages (public, phone first, no login): one order through its
signed link, the look-up by order number and phone digits, a new request for one of their
products. Every page runs in the scope of the organisation the token (or the QR code) names."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import DomainError, NotFoundError
from shouhou.core.forms import add_domain_error
from shouhou.core.middleware import organisation_scope

from . import links, selectors, services
from .forms import LookupForm, MoveForm, RequestForm
from .models import PortalSettings


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _over_limit(key: str, limit: int) -> bool:
    return (cache.get(key) or 0) >= limit


def _count(key: str) -> None:
    if cache.add(key, 1, 3600):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)


def _error(request, exc: DomainError):
    return render(request, "portal/error.html", {"error": exc}, status=exc.status)


def order(request, token):
    with links.token_scope(token):
        try:
            wo = selectors.order_for_token(token)
        except DomainError as exc:
            return _error(request, exc)
        notice = ""
        if request.method == "POST":
            choice = request.POST.get("messages")
            if request.POST.get("appointment") == "confirm":
                try:
                    services.portal_appointment_confirm(order=wo)
                except DomainError as exc:
                    notice = str(exc)
                else:
                    notice = _("Thank you: the appointment is confirmed.")
            elif choice in ("off", "on"):
                services.portal_opt_out(order=wo, opted_out=choice == "off")
                notice = (
                    _("You will get no more messages from us.")
                    if choice == "off"
                    else _("You will get messages about your orders again.")
                )
        return render(
            request,
            "portal/order.html",
            {
                "token": token,
                "p": selectors.progress(wo),
                "feedback": selectors.feedback_for(wo),
                "appointment": selectors.appointment_for(wo),
                "notice": notice,
            },
        )


def move_appointment(request, token):
    """Choose another of the offered times (or learn why the page cannot move it)."""
    with links.token_scope(token):
        try:
            wo = selectors.order_for_token(token)
        except DomainError as exc:
            return _error(request, exc)
        appointment = selectors.appointment_for(wo)
        if appointment is None:
            return redirect("portal:order", token=token)
        slots = selectors.move_slots(wo, timezone.now()) if appointment["can_move"] else []
        form = MoveForm(request.POST or None, slots=slots)
        status = 200
        if request.method == "POST" and appointment["can_move"]:
            if form.is_valid():
                try:
                    services.portal_appointment_move(
                        order=wo,
                        starts_at=form.cleaned_data["starts_at"],
                        reason=form.cleaned_data["reason"],
                    )
                except DomainError as exc:
                    add_domain_error(form, exc)
                    status = exc.status
                else:
                    return redirect("portal:order", token=token)
            else:
                status = 400
        return render(
            request,
            "portal/move.html",
            {"form": form, "token": token, "appointment": appointment, "p": selectors.progress(wo)},
            status=status,
        )


def new_request(request, token):
    with links.token_scope(token):
        try:
            wo = selectors.order_for_token(token)
        except DomainError as exc:
            return _error(request, exc)
        products = selectors.purchases(wo.customer)
        form = RequestForm(request.POST or None, request.FILES or None, products=products)
        status = 200
        if request.method == "POST":
            cfg = PortalSettings.for_org(wo.organisation_id)
            key = f"portal-request:{wo.organisation_id}:{_client_ip(request)}"
            if _over_limit(key, cfg.requests_per_hour):
                form.is_valid()
                form.add_error(None, _("Too many requests from here; please call the hotline."))
                status = 429
            elif form.is_valid():
                if form.cleaned_data.get("website"):
                    raise Http404()
                _count(key)
                try:
                    result = services.portal_request_submit(
                        order=wo,
                        owned_product=form.cleaned_data.get("product") or None,
                        kind=form.cleaned_data["kind"],
                        description=form.cleaned_data["description"],
                        photos=form.cleaned_data.get("photos") or [],
                    )
                except DomainError as exc:
                    add_domain_error(form, exc)
                    status = exc.status
                else:
                    return redirect("portal:order", token=links.order_token(result.order))
            else:
                status = 400
        return render(
            request,
            "portal/request.html",
            {"form": form, "token": token, "p": selectors.progress(wo)},
            status=status,
        )


def find(request, org_code):
    """Order number + last 4 digits of the phone: at most `lookups_per_hour` misses from one
    address, and as many for one order number from anywhere (a guesser gets nothing)."""
    try:
        org = selectors.organisation_by_code(org_code)
    except NotFoundError as exc:
        raise Http404() from exc
    with organisation_scope(org):
        form = LookupForm(request.POST or None)
        status = 200
        if request.method == "POST":
            limit = PortalSettings.for_org(org).lookups_per_hour
            number = (request.POST.get("number") or "").strip().upper()[:30]
            keys = [
                f"portal-find:{org.pk}:ip:{_client_ip(request)}",
                f"portal-find:{org.pk}:no:{number}",
            ]
            if any(_over_limit(k, limit) for k in keys):
                form.is_valid()
                form.add_error(
                    None, _("Too many attempts; please try again in an hour or call the hotline.")
                )
                status = 429
            elif form.is_valid():
                try:
                    wo = selectors.order_lookup(
                        organisation=org,
                        number=form.cleaned_data["number"],
                        last4=form.cleaned_data["last4"],
                    )
                except DomainError as exc:
                    for k in keys:
                        _count(k)
                    add_domain_error(form, exc)
                    status = 404
                else:
                    return redirect("portal:order", token=links.order_token(wo))
            else:
                status = 400
        return render(request, "portal/find.html", {"form": form, "org": org}, status=status)
