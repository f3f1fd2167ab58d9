"""/api/v1/lost-items/: the register (list, filters, retrieve), register an item (Idempotency-
Key), edit, and one POST action per step (announce, photo, check-valuable, keep, move, archive,
sign-disposal, dispose, claim); /api/v1/lost-items/lists/ (end-of-day lists: create = the
clerk's signature, receive = the guard's); /api/v1/lost-items/reminders/. Thin: services check
roles and rules, selectors limit reads. Claimants' phone and ID appear masked only."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from shouhou.core.api import IdempotentCreateMixin, IntegerIn
from shouhou.core.errors import NotFoundError, PermissionDeniedError
from shouhou.core.listing import (
    ShapedSerializer,
    SummaryListMixin,
    TruncatedText,
    shape_parameters,
)
from shouhou.core.pagination import KeysetPagination
from shouhou.core.phones import mask_phone

from . import selectors, services
from .models import (
    Category,
    DisposalMethod,
    EndOfDayList,
    FinderKind,
    IdType,
    LostItem,
    LostItemReminder,
)

# A register row's fields (what the list shows) and what only the detail adds: the detail is the
# row plus these, so the two lists cannot drift apart.
ITEM_ROW_FIELDS = [
    "id",
    "number",
    "store",
    "store_name",
    "status",
    "status_display",
    "category",
    "category_display",
    "description",
    "found_place",
    "found_at",
    "found_on",
    "finder_kind",
    "is_valuable",
    "estimated_value",
    "archive_due_on",
    "disposal_due_on",
    "keeper",
    "day_list",
    "archived_at",
    "disposed_at",
    "claimed_at",
]
ITEM_DETAIL_ONLY_FIELDS = [
    "finder_name",
    "finder_phone",
    "received_by",
    "announced_at",
    "announcement",
    "valuable_checked_by",
    "valuable_checked_at",
    "kept_at",
    "moved_by",
    "moved_at",
    "archived_by",
    "archive_location",
    "reported_at",
    "cs_signed_by",
    "cs_signed_at",
    "lp_signed_by",
    "lp_signed_at",
    "disposed_by",
    "disposal_method",
    "disposal_proceeds",
    "disposal_note",
    "claimant_name",
    "claimant_phone",
    "claimant_id_type",
    "claimant_id_masked",
    "claimant_signature",
    "claim_handled_by",
    "release_signed_by",
    "claimed_from",
    "photos",
]


class LostItemOut(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    store_name = serializers.CharField(source="store.name", read_only=True)
    finder_phone = serializers.SerializerMethodField()
    claimant_phone = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = LostItem
        fields = [*ITEM_ROW_FIELDS, *ITEM_DETAIL_ONLY_FIELDS]

    def get_finder_phone(self, obj) -> str:
        return mask_phone(obj.finder_phone)

    def get_claimant_phone(self, obj) -> str:
        return mask_phone(obj.claimant_phone)

    def get_photos(self, obj) -> list[str]:
        return [reverse("lostfound:photo", args=[p.pk]) for p in obj.photos.all()]


class LostItemListOut(ShapedSerializer, LostItemOut):
    """A register row: what, where, when, its state and dates; the description cut. The
    detail (and `?expand=`) has the announcement, the claim, the signatures, the photos."""

    expandable = {
        "description": lambda: serializers.CharField(),
        "announcement": lambda: serializers.CharField(),
        "disposal_note": lambda: serializers.CharField(),
        "photos": lambda: serializers.SerializerMethodField(),
    }
    description = TruncatedText()

    class Meta(LostItemOut.Meta):
        fields = ITEM_ROW_FIELDS


class EndOfDayListOut(ShapedSerializer, serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = EndOfDayList
        fields = [
            "id",
            "store",
            "day",
            "seq",
            "item_count",
            "clerk_signed_by",
            "clerk_signed_at",
            "guard_signed_by",
            "guard_signed_at",
            "items",
        ]

    def get_items(self, obj) -> list[int]:
        return list(obj.items.values_list("pk", flat=True))


class ReminderOut(ShapedSerializer, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = LostItemReminder
        fields = ["id", "store", "kind", "kind_display", "day", "item_count", "done_at"]


class LostItemIn(serializers.Serializer):
    store = IntegerIn(required=False, allow_null=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    found_place = serializers.CharField(required=False, allow_blank=True)
    found_at = serializers.DateTimeField(required=False, allow_null=True)
    finder_kind = serializers.ChoiceField(choices=FinderKind.choices, required=False)
    finder_name = serializers.CharField(required=False, allow_blank=True)
    finder_phone = serializers.CharField(required=False, allow_blank=True)
    is_valuable = serializers.BooleanField(required=False, default=False)
    estimated_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    announcement = serializers.CharField(required=False, allow_blank=True)


class LostItemEditIn(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    found_place = serializers.CharField(required=False, allow_blank=True)
    found_at = serializers.DateTimeField(required=False)
    finder_kind = serializers.ChoiceField(choices=FinderKind.choices, required=False)
    finder_name = serializers.CharField(required=False, allow_blank=True)
    finder_phone = serializers.CharField(required=False, allow_blank=True)
    is_valuable = serializers.BooleanField(required=False)
    estimated_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )


class AnnounceIn(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True)


class PhotoIn(serializers.Serializer):
    image = serializers.FileField(required=False)


class ArchiveIn(serializers.Serializer):
    location = serializers.CharField(required=False, allow_blank=True)


class SignIn(serializers.Serializer):
    side = serializers.ChoiceField(choices=[("cs", "cs"), ("lp", "lp")])


class DisposeIn(serializers.Serializer):
    method = serializers.ChoiceField(choices=DisposalMethod.choices)
    proceeds = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True)


class ClaimIn(serializers.Serializer):
    claimant_name = serializers.CharField(required=False, allow_blank=True)
    claimant_phone = serializers.CharField(required=False, allow_blank=True)
    id_type = serializers.ChoiceField(choices=IdType.choices, required=False)
    id_number = serializers.CharField(required=False, allow_blank=True)
    claim_description = serializers.CharField(required=False, allow_blank=True)
    description_matches = serializers.BooleanField(required=False, default=False)
    signature = serializers.CharField(required=False, allow_blank=True)


class ListIn(serializers.Serializer):
    store = IntegerIn(required=False, allow_null=True)
    day = serializers.DateField(required=False, allow_null=True)


class ItemFilter(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("open", "open"), *LostItem.Status.choices], required=False
    )
    store = IntegerIn(required=False)
    found_on = serializers.DateField(required=False)
    q = serializers.CharField(required=False, allow_blank=True)


def _valid(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _reader(user) -> None:
    if not selectors.can_read(user):
        raise PermissionDeniedError()


@extend_schema(tags=["lostfound"])
class LostItemViewSet(SummaryListMixin, IdempotentCreateMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    serializer_class = LostItemOut
    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _get(self, pk) -> LostItem:
        return selectors.item_get(user=self.request.user, pk=pk)

    def _out(self, item, code=status.HTTP_200_OK):
        return Response(LostItemOut(self._get(item.pk)).data, code)

    @extend_schema(
        parameters=[ItemFilter, *shape_parameters(LostItemListOut)],
        responses=LostItemListOut(many=True),
    )
    def list(self, request):
        """The register of lost items (newest first)."""
        _reader(request.user)
        params = _valid(ItemFilter, request.query_params)
        qs = selectors.item_list(user=request.user, **params).prefetch_related("photos")
        return self.list_response(qs, LostItemListOut, related=("store", "photos"))

    @extend_schema(responses=LostItemOut)
    def retrieve(self, request, pk=None):
        return self._out(self._get(pk))

    def idempotent_create(self, request):
        data = _valid(LostItemIn, request.data)
        item = services.item_register(
            by=request.user,
            store=data.get("store"),
            category=data.get("category", ""),
            description=data.get("description", ""),
            found_place=data.get("found_place", ""),
            found_at=data.get("found_at"),
            finder_kind=data.get("finder_kind", ""),
            finder_name=data.get("finder_name", ""),
            finder_phone=data.get("finder_phone", ""),
            is_valuable=data.get("is_valuable", False),
            estimated_value=data.get("estimated_value"),
            announcement=data.get("announcement", ""),
        )
        return status.HTTP_201_CREATED, item

    def idempotent_render(self, item, code):
        return LostItemOut(self._get(item.pk)).data

    @extend_schema(request=LostItemIn, responses={201: LostItemOut})
    def create(self, request, *args, **kwargs):
        """Register an item handed in (send an Idempotency-Key)."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=LostItemEditIn, responses=LostItemOut)
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        data = _valid(LostItemEditIn, request.data)
        return self._out(services.item_update(by=request.user, item=self._get(pk), **data))

    @extend_schema(request=AnnounceIn, responses=LostItemOut)
    @action(detail=True, methods=["post"])
    def announce(self, request, pk=None):
        data = _valid(AnnounceIn, request.data)
        item = services.item_announce(by=request.user, item=self._get(pk), text=data.get("text"))
        return self._out(item)

    @extend_schema(request={"multipart/form-data": PhotoIn}, responses={201: LostItemOut})
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        item = self._get(pk)
        services.item_add_photo(by=request.user, item=item, image=request.FILES.get("image"))
        return self._out(item, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=LostItemOut)
    @action(detail=True, methods=["post"], url_path="check-valuable")
    def check_valuable(self, request, pk=None):
        return self._out(services.item_check_valuable(by=request.user, item=self._get(pk)))

    @extend_schema(request=None, responses=LostItemOut)
    @action(detail=True, methods=["post"])
    def keep(self, request, pk=None):
        return self._out(services.item_keep_valuable(by=request.user, item=self._get(pk)))

    @extend_schema(request=None, responses=LostItemOut)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Taken back to the service desk in the morning."""
        return self._out(services.item_move_to_desk(by=request.user, item=self._get(pk)))

    @extend_schema(request=ArchiveIn, responses=LostItemOut)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        data = _valid(ArchiveIn, request.data)
        item = services.item_archive(
            by=request.user, item=self._get(pk), location=data.get("location", "")
        )
        return self._out(item)

    @extend_schema(request=SignIn, responses=LostItemOut)
    @action(detail=True, methods=["post"], url_path="sign-disposal")
    def sign_disposal(self, request, pk=None):
        data = _valid(SignIn, request.data)
        item = services.item_sign_disposal(by=request.user, item=self._get(pk), side=data["side"])
        return self._out(item)

    @extend_schema(request=DisposeIn, responses=LostItemOut)
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        data = _valid(DisposeIn, request.data)
        item = services.item_dispose(by=request.user, item=self._get(pk), **data)
        return self._out(item)

    @extend_schema(request=ClaimIn, responses=LostItemOut)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        data = _valid(ClaimIn, request.data)
        item = services.item_claim(
            by=request.user,
            item=self._get(pk),
            claimant_name=data.get("claimant_name", ""),
            claimant_phone=data.get("claimant_phone", ""),
            id_type=data.get("id_type", ""),
            id_number=data.get("id_number", ""),
            claim_description=data.get("claim_description", ""),
            description_matches=data.get("description_matches", False),
            signature=data.get("signature", ""),
        )
        return self._out(item)


@extend_schema(tags=["lostfound"])
class EndOfDayListViewSet(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    serializer_class = EndOfDayListOut

    @extend_schema(
        parameters=shape_parameters(EndOfDayListOut), responses=EndOfDayListOut(many=True)
    )
    def list(self, request):
        _reader(request.user)
        # `items` is read per list (not prefetched): the item count stands for it.
        return self.list_response(
            selectors.day_list_list(user=request.user), EndOfDayListOut, values=("item_count",)
        )

    @extend_schema(responses=EndOfDayListOut)
    def retrieve(self, request, pk=None):
        return Response(EndOfDayListOut(selectors.day_list_get(user=request.user, pk=pk)).data)

    @extend_schema(request=ListIn, responses={201: EndOfDayListOut})
    def create(self, request):
        """The day's items not on a list go on a new list, signed by the desk clerk."""
        data = _valid(ListIn, request.data)
        row = services.day_list_create(
            by=request.user, store=data.get("store"), day=data.get("day")
        )
        return Response(EndOfDayListOut(row).data, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=EndOfDayListOut)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """The security guard signs for the items."""
        row = selectors.day_list_get(user=request.user, pk=pk)
        row = services.day_list_receive(by=request.user, day_list=row)
        return Response(EndOfDayListOut(row).data)


@extend_schema(tags=["lostfound"])
class ReminderViewSet(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination
    serializer_class = ReminderOut

    @extend_schema(parameters=shape_parameters(ReminderOut), responses=ReminderOut(many=True))
    def list(self, request):
        _reader(request.user)
        return self.list_response(selectors.reminders_open(user=request.user), ReminderOut)

    @extend_schema(request=None, responses=ReminderOut)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        row = selectors.reminders_open(user=request.user).filter(pk=pk).first()
        if row is None:
            raise NotFoundError()
        return Response(ReminderOut(services.reminder_done(by=request.user, reminder=row)).data)


def register(router):
    """Add this app's viewsets to the /api/v1/ router (the lists before the items)."""
    router.register("lost-items/lists", EndOfDayListViewSet, basename="lost-item-list")
    router.register("lost-items/reminders", ReminderViewSet, basename="lost-item-reminder")
    router.register("lost-items", LostItemViewSet, basename="lost-item")
