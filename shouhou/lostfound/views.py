"""Pages: the desk (today's items, yesterday's to take back, reminders), register an item, an
item's page with its actions and timeline, the register with its Excel export, the end-of-day
lists (new = the clerk signs; printable 顾客遗留物品清单; the guard signs), security's page, the
supervisors' page (valuables to check, the disposal batch), and the public found-items page
(category, day and place only) with the desk's screen showing its address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from shouhou.core import exports
from shouhou.core.audit import audit_events_for
from shouhou.core.errors import DomainError, PermissionDeniedError
from shouhou.core.forms import add_domain_error, submit_idempotent
from shouhou.core.pages import get_or_404, reader
from shouhou.core.phones import mask_phone
from shouhou.org import roles as r

from . import selectors, services
from .forms import AnnounceForm, ArchiveForm, ClaimForm, DisposeForm, ItemForm, PhotoForm
from .models import LostItem, LostItemReminder

S = LostItem.Status
check = reader(selectors.can_read)


def _get(request, pk) -> LostItem:
    return get_or_404(selectors.item_get, user=request.user, pk=pk)


def _today():
    return timezone.localdate()


@login_required
def desk(request):
    check(request)
    store = selectors.store_for(request.user, request.GET.get("store"))
    today = _today()
    ctx = {"store": store, "stores": selectors.stores_for(request.user), "today": today}
    if store is not None:
        ctx.update(
            {
                "today_items": selectors.item_list(user=request.user, store=store, found_on=today),
                "unlisted": selectors.items_unlisted_today(store=store, on_date=today),
                "to_move": selectors.items_to_move(store=store, on_date=today),
                "late": selectors.moves_late(store=store),
                "claimable": selectors.item_list(
                    user=request.user, store=store, status=S.BACK_AT_DESK
                ),
                "reminders": selectors.reminders_open(user=request.user, store=store),
                "can_register": r.has_role(request.user, *services.DESK_ROLES),
                "can_move": r.has_role(request.user, *services.MOVE_ROLES),
            }
        )
    return render(request, "lostfound/desk.html", ctx)


def _register_form(request, data=None, files=None):
    return ItemForm(
        data,
        files,
        stores=selectors.stores_for(request.user),
        initial={"store": getattr(request.user, "store_id", None)},
    )


@login_required
def register(request):
    if not r.has_role(request.user, *services.DESK_ROLES):
        raise PermissionDeniedError()
    form = _register_form(request, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            photo = request.FILES.get("photo")

            def action():
                if photo is not None:
                    services.photo_content(photo)  # refuse a bad photo before registering
                item = services.item_register(
                    by=request.user,
                    store=d["store"],
                    category=d["category"],
                    description=d["description"],
                    found_place=d["found_place"],
                    found_at=d["found_at"],
                    finder_kind=d["finder_kind"],
                    finder_name=d["finder_name"],
                    finder_phone=d["finder_phone"],
                    is_valuable=d["is_valuable"],
                    estimated_value=d["estimated_value"],
                    announcement=d["announcement"],
                )
                if photo is not None:
                    services.item_add_photo(by=request.user, item=item, image=photo)
                return 201, {"id": item.pk}

            body = submit_idempotent(request, form, scope="page:lostfound:register", action=action)
            if body is not None:
                messages.success(request, _("Item registered."))
                return redirect("lostfound:detail", pk=body["id"])
        status = 400
    return render(request, "lostfound/register.html", {"form": form}, status=status)


def _detail(request, item, status=200, **forms):
    user = request.user
    allowed = {a for a, states in services.ALLOWED_FROM.items() if item.status in states}
    ctx = {
        "item": item,
        "photos": item.photos.all(),
        "events": audit_events_for(item),
        "allowed": allowed,
        "is_desk": r.has_role(user, *services.DESK_ROLES),
        "can_check": r.has_role(user, *services.VALUABLE_ROLES),
        "can_keep": r.has_role(user, *services.KEEPER_ROLES),
        "can_move": r.has_role(user, *services.MOVE_ROLES),
        "can_archive": r.has_role(user, *services.ARCHIVE_ROLES),
        "can_sign_cs": r.has_role(user, *services.CS_SIGN_ROLES),
        "can_sign_lp": r.has_role(user, *services.LP_SIGN_ROLES),
        "can_dispose": r.has_role(user, *services.DISPOSE_ROLES),
        "finder_phone": mask_phone(item.finder_phone),
        "claimant_phone": mask_phone(item.claimant_phone),
        "announce_form": forms.get("announce_form") or AnnounceForm(),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "archive_form": forms.get("archive_form") or ArchiveForm(),
        "dispose_form": forms.get("dispose_form") or DisposeForm(),
        "claim_form": forms.get("claim_form") or ClaimForm(),
        "error": forms.get("error"),
    }
    return render(request, "lostfound/detail.html", ctx, status=status)


@login_required
def detail(request, pk):
    check(request)
    return _detail(request, _get(request, pk))


@login_required
def edit(request, pk):
    check(request)
    item = _get(request, pk)
    if not r.has_role(request.user, *services.DESK_ROLES):
        raise PermissionDeniedError()
    initial = {
        "category": item.category,
        "description": item.description,
        "found_place": item.found_place,
        "found_at": timezone.localtime(item.found_at),
        "finder_kind": item.finder_kind,
        "finder_name": item.finder_name,
        "finder_phone": item.finder_phone,
        "is_valuable": item.is_valuable,
        "estimated_value": item.estimated_value if item.estimated_value is not None else "",
    }
    form = ItemForm(request.POST or None, initial=initial, edit=True)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            if data.get("found_at") is None:
                data.pop("found_at")
            try:
                services.item_update(by=request.user, item=item, **data)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("lostfound:detail", pk=item.pk)
        status = 400
    return render(request, "lostfound/edit.html", {"form": form, "item": item}, status=status)


ACTION_FORMS = {
    "announce": ("announce_form", AnnounceForm),
    "photo": ("photo_form", PhotoForm),
    "archive": ("archive_form", ArchiveForm),
    "dispose": ("dispose_form", DisposeForm),
    "claim": ("claim_form", ClaimForm),
}
ACTIONS = {
    "announce": lambda u, i, d, f: services.item_announce(by=u, item=i, text=d["announcement"]),
    "photo": lambda u, i, d, f: services.item_add_photo(by=u, item=i, image=f.get("image")),
    "check_valuable": lambda u, i, d, f: services.item_check_valuable(by=u, item=i),
    "keep": lambda u, i, d, f: services.item_keep_valuable(by=u, item=i),
    "move": lambda u, i, d, f: services.item_move_to_desk(by=u, item=i),
    "archive": lambda u, i, d, f: services.item_archive(by=u, item=i, location=d["location"]),
    "sign_cs": lambda u, i, d, f: services.item_sign_disposal(by=u, item=i, side="cs"),
    "sign_lp": lambda u, i, d, f: services.item_sign_disposal(by=u, item=i, side="lp"),
    "dispose": lambda u, i, d, f: services.item_dispose(
        by=u, item=i, method=d["method"], proceeds=d["proceeds"], note=d["note"]
    ),
    "claim": lambda u, i, d, f: services.item_claim(
        by=u,
        item=i,
        claimant_name=d["claimant_name"],
        claimant_phone=d["claimant_phone"],
        id_type=d["id_type"],
        id_number=d["id_number"],
        claim_description=d["claim_description"],
        description_matches=d["description_matches"],
        signature=d["signature"],
    ),
}


@login_required
@require_POST
def action(request, pk, name):
    check(request)
    item = _get(request, pk)
    fn = ACTIONS.get(name)
    if fn is None:
        raise Http404()
    form_name, form_class = ACTION_FORMS.get(name, (None, None))
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        return _detail(request, item, status=400, **{form_name: form})
    data = form.cleaned_data if form is not None else {}
    try:
        if name == "claim":
            body = submit_idempotent(
                request,
                form,
                scope=f"page:lostfound:claim:{item.pk}",
                action=lambda: (200, {"id": fn(request.user, item, data, request.FILES).pk}),
            )
            if body is None:
                return _detail(request, _get(request, pk), status=400, claim_form=form)
        else:
            fn(request.user, item, data, request.FILES)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404() from exc
        if form is not None:
            add_domain_error(form, exc)
            return _detail(request, _get(request, pk), status=exc.status, **{form_name: form})
        return _detail(request, _get(request, pk), status=exc.status, error=exc)
    messages.success(request, _("Saved."))
    return redirect("lostfound:detail", pk=item.pk)


@login_required
def photo(request, pk):
    obj = get_or_404(selectors.photo_get, user=request.user, pk=pk)
    ext = obj.image.name.rsplit(".", 1)[-1].lower()
    try:
        fh = obj.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404() from exc
    resp = FileResponse(fh, content_type=services.PHOTO_TYPES.get(ext, "application/octet-stream"))
    resp["Cache-Control"] = "private, max-age=3600"
    return resp


@login_required
@require_POST
def move_batch(request):
    check(request)
    ids = request.POST.getlist("item")
    items = [selectors.item_get(user=request.user, pk=pk) for pk in ids if pk.isdigit()]
    if not items:
        messages.error(request, _("Tick the items taken back to the desk."))
        return redirect("lostfound:desk")
    try:
        services.items_move_to_desk(by=request.user, items=items)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404() from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(n)s items back at the desk.") % {"n": len(items)})
    return redirect(f"{reverse('lostfound:desk')}?store={items[0].store_id}")


# --- the register and its export ----------------------------------------------------------


def _register_rows(request):
    status = request.GET.get("status", "")
    if status and status != "open" and status not in S.values:
        status = ""
    return status, selectors.item_list(
        user=request.user, status=status or None, q=request.GET.get("q", "").strip()
    )


@login_required
def item_register(request):
    check(request)
    status, rows = _register_rows(request)
    return render(
        request,
        "lostfound/register_list.html",
        {
            "rows": rows[:300],
            "status": status,
            "statuses": S.choices,
            "q": request.GET.get("q", ""),
        },
    )


COLUMNS = [
    _l("Number"),
    _l("Store"),
    _l("Category"),
    _l("Description"),
    _l("Where found"),
    _l("When found"),
    _l("Handed in by"),
    _l("Finder's name"),
    _l("Valuable"),
    _l("Estimated value"),
    _l("Status"),
    _l("Taken to the desk at"),
    _l("Archived at"),
    _l("Claimed at"),
    _l("Claimant"),
    _l("Disposed of at"),
    _l("How disposed of"),
    _l("Proceeds"),
]


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


@login_required
def register_xlsx(request):
    check(request)
    _status, rows = _register_rows(request)
    wb = exports.new_workbook(_("Lost property"))
    ws = wb.active
    exports.write_row(ws, COLUMNS, bold=True)
    for i in rows.iterator():
        exports.write_row(
            ws,
            [
                i.number,
                i.store.name,
                i.get_category_display(),
                i.description,
                i.found_place,
                _local(i.found_at),
                i.get_finder_kind_display(),
                i.finder_name,
                _("Yes") if i.is_valuable else "",
                exports.money(i.estimated_value),
                i.get_status_display(),
                _local(i.moved_at),
                _local(i.archived_at),
                _local(i.claimed_at),
                i.claimant_name,
                _local(i.disposed_at),
                i.get_disposal_method_display() if i.disposal_method else "",
                exports.money(i.disposal_proceeds),
            ],
        )
    return exports.xlsx_response(
        exports.workbook_bytes(wb), f"lost-property-{_today().isoformat()}.xlsx"
    )


# --- end-of-day lists -----------------------------------------------------------------------


@login_required
def lists(request):
    check(request)
    return render(
        request, "lostfound/lists.html", {"rows": selectors.day_list_list(user=request.user)[:100]}
    )


@login_required
def list_new(request):
    check(request)
    store = selectors.store_for(request.user, request.POST.get("store") or request.GET.get("store"))
    if store is None:
        raise Http404()
    today = _today()
    error = None
    if request.method == "POST":
        try:
            row = services.day_list_create(by=request.user, store=store)
        except DomainError as exc:
            if exc.status == 404:
                raise Http404() from exc
            error = exc
        else:
            messages.success(request, _("List signed. Print it and hand the items to security."))
            return redirect("lostfound:list_detail", pk=row.pk)
    return render(
        request,
        "lostfound/list_new.html",
        {
            "store": store,
            "stores": selectors.stores_for(request.user),
            "items": selectors.items_unlisted_today(store=store, on_date=today),
            "today": today,
            "error": error,
            "can_sign": r.has_role(request.user, *services.DESK_ROLES),
        },
        status=400 if error else 200,
    )


@login_required
def list_detail(request, pk):
    check(request)
    row = get_or_404(selectors.day_list_get, user=request.user, pk=pk)
    return render(
        request,
        "lostfound/list_detail.html",
        {
            "row": row,
            "items": row.items.order_by("found_at", "id"),
            "can_receive": r.has_role(request.user, *services.GUARD_ROLES) and not row.received,
        },
    )


@login_required
@require_POST
def list_receive(request, pk):
    check(request)
    row = get_or_404(selectors.day_list_get, user=request.user, pk=pk)
    try:
        services.day_list_receive(by=request.user, day_list=row)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404() from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Received by security."))
    return redirect("lostfound:list_detail", pk=row.pk)


@login_required
@require_POST
def reminder_done(request, pk):
    check(request)
    row = selectors.reminders_open(user=request.user).filter(pk=pk).first()
    if row is None:
        raise Http404()
    services.reminder_done(by=request.user, reminder=row)
    messages.success(request, _("Saved."))
    return redirect(
        "lostfound:supervisor" if request.POST.get("next") == "supervisor" else "lostfound:desk"
    )


# --- security and supervisors -------------------------------------------------------------


@login_required
def security(request):
    check(request)
    return render(
        request,
        "lostfound/security.html",
        {
            "lists": selectors.lists_to_receive(user=request.user),
            "holds": selectors.security_holds(user=request.user),
            "to_keep": selectors.valuables_to_keep(user=request.user),
            "can_keep": r.has_role(request.user, *services.KEEPER_ROLES),
        },
    )


@login_required
def supervisor(request):
    check(request)
    return render(
        request,
        "lostfound/supervisor.html",
        {
            "to_check": selectors.valuables_to_check(user=request.user),
            "batch": selectors.disposal_batch(user=request.user),
            "reports": selectors.reminders_open(user=request.user).filter(
                kind=LostItemReminder.Kind.UNCLAIMED
            ),
            "can_check": r.has_role(request.user, *services.VALUABLE_ROLES),
            "can_sign_cs": r.has_role(request.user, *services.CS_SIGN_ROLES),
            "can_sign_lp": r.has_role(request.user, *services.LP_SIGN_ROLES),
            "can_dispose": r.has_role(request.user, *services.DISPOSE_ROLES),
        },
    )


@login_required
@require_POST
def supervisor_sign(request):
    """Sign the ticked items of the disposal batch (one side); all or nothing."""
    check(request)
    side = request.POST.get("side", "")
    ids = [pk for pk in request.POST.getlist("item") if pk.isdigit()]
    items = [selectors.item_get(user=request.user, pk=pk) for pk in ids]
    if not items:
        messages.error(request, _("Tick the items to sign for."))
        return redirect("lostfound:supervisor")
    try:
        with transaction.atomic():
            for item in items:
                services.item_sign_disposal(by=request.user, item=item, side=side)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404() from exc
        messages.error(request, "; ".join([str(exc.message), *sum(exc.fields.values(), [])]))
    else:
        messages.success(request, _("%(n)s items signed.") % {"n": len(items)})
    return redirect("lostfound:supervisor")


# --- public ---------------------------------------------------------------------------------


def public(request, org_code, store_code):
    """Found items of a store, for anyone: category, day found and place, nothing personal."""
    store, rows = get_or_404(selectors.public_found_items, org_code=org_code, store_code=store_code)
    return render(request, "lostfound/public.html", {"store": store, "rows": rows})


@login_required
def screen(request):
    """The desk's screen: the public page's address, to show or to print as a poster."""
    check(request)
    store = selectors.store_for(request.user, request.GET.get("store"))
    if store is None:
        raise Http404()
    org = request.user.organisation
    url = request.build_absolute_uri(reverse("lostfound:public", args=[org.code, store.code]))
    return render(
        request,
        "lostfound/screen.html",
        {"store": store, "url": url, "stores": selectors.stores_for(request.user)},
    )
