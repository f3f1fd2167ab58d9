"""One problem, one case across kinds (issue 16.9): a repair request and a later complaint or
return about the same fault of the same product of the same customer are one service case."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.catalog.tests.factories import ProductFactory
from shouhou.complaints import services as cs
from shouhou.complaints.models import Case
from shouhou.customers.models import CustomerSettings, FaultCategory, OwnedProduct, ServiceCase
from shouhou.customers.selectors import fault_categories, service_case_records
from shouhou.workorders import services as ws
from shouhou.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_user, store):
    return make_user("service_desk", store=store, display_name="李调度")


@pytest.fixture
def faults(org):
    return {f.code: f for f in fault_categories(organisation=org)}


@pytest.fixture
def toilet(org):
    return ProductFactory(organisation=org, name="智能马桶")


def repair(desk, customer, product, fault, *, at=None, **kw):
    at = at or timezone.now()
    return ws.workorder_intake(
        by=desk,
        source="hotline",
        kind="repair",
        description="马桶漏水",
        customer=customer,
        product=product,
        fault=fault,
        received_at=at,
        now=at,
        **kw,
    ).order


def complain(clerk, customer, product, fault, **kw):
    return cs.case_register(
        by=clerk,
        kind="complaint",
        customer=customer,
        product=product,
        fault=fault,
        description="修过还漏",
        **kw,
    )


def test_a_complaint_about_the_same_fault_of_the_same_product_joins_the_repairs_case(
    desk, clerk, customer, toilet, faults
):
    order = repair(desk, customer, toilet, faults["leak"])
    assert order.service_case is not None and order.service_case.repeat_count == 0
    case = complain(clerk, customer, toilet, faults["leak"])
    assert case.service_case_id == order.service_case_id
    sc = ServiceCase.objects.get(pk=order.service_case_id)
    assert sc.repeat_count == 1 and sc.first_kind == "work_order:repair"
    records = service_case_records(sc)
    assert [(r["source"], r["id"]) for r in records] == [
        ("work_order", order.pk),
        ("complaint", case.pk),
    ]
    assert records[0]["number"] == order.number and records[1]["number"] == case.number


def test_another_product_another_fault_or_another_customer_opens_its_own_case(
    desk, clerk, customer, toilet, faults, org, store
):
    from shouhou.sales.tests.factories import CustomerFactory

    order = repair(desk, customer, toilet, faults["leak"])
    basin = ProductFactory(organisation=org, name="台盆")
    neighbour = CustomerFactory(organisation=org, mobile="13900000001", store=store)
    other_product = complain(clerk, customer, basin, faults["leak"])
    other_fault = complain(clerk, customer, toilet, faults["noise"])
    other_customer = complain(clerk, neighbour, toilet, faults["leak"])
    ids = {order.service_case_id} | {
        c.service_case_id for c in (other_product, other_fault, other_customer)
    }
    assert len(ids) == 4 and None not in ids
    assert ServiceCase.objects.get(pk=order.service_case_id).repeat_count == 0


def test_without_a_product_or_a_fault_there_is_no_case_to_join(
    desk, clerk, customer, toilet, faults
):
    assert repair(desk, customer, None, faults["leak"]).service_case is None
    assert complain(clerk, customer, toilet, None).service_case is None
    assert not ServiceCase.objects.exists()


def test_a_record_outside_the_window_opens_a_new_case(desk, clerk, customer, toilet, faults, org):
    settings = CustomerSettings.for_org(org)
    settings.case_window_days = 10
    settings.save()
    now = timezone.now()
    old = repair(desk, customer, toilet, faults["leak"], at=now - dt.timedelta(days=25))
    ws.workorder_cancel(by=desk, order=old, reason="客户自行修好")  # (an open order is joined)
    recent = repair(desk, customer, toilet, faults["leak"], at=now - dt.timedelta(days=9))
    assert recent.service_case_id != old.service_case_id  # 16 days after: too late
    ws.workorder_cancel(by=desk, order=recent, reason="客户自行修好")
    case = complain(clerk, customer, toilet, faults["leak"])
    assert case.service_case_id == recent.service_case_id  # 9 days after the latest record
    assert ServiceCase.objects.get(pk=recent.service_case_id).repeat_count == 1


def test_a_window_of_zero_never_joins(desk, clerk, customer, toilet, faults, org):
    settings = CustomerSettings.for_org(org)
    settings.case_window_days = 0
    settings.save()
    order = repair(desk, customer, toilet, faults["leak"])
    assert complain(clerk, customer, toilet, faults["leak"]).service_case_id != (
        order.service_case_id
    )


def test_a_complaint_about_the_order_itself_joins_its_case_whatever_the_window(
    desk, clerk, customer, toilet, faults, org
):
    order = repair(desk, customer, toilet, faults["leak"])
    CustomerSettings.objects.filter(organisation=org).update(case_window_days=0)
    CustomerSettings.invalidate(org.pk)
    case = cs.case_register(
        by=clerk, kind="complaint", customer=customer, work_order=order, description="师傅没修好"
    )
    assert case.service_case_id == order.service_case_id
    assert case.fault == faults["leak"]  # the order's fault
    assert ServiceCase.objects.get(pk=order.service_case_id).repeat_count == 1


def test_two_units_of_one_product_are_two_problems_once_both_are_named(
    desk, clerk, customer, toilet, faults, org
):
    upstairs = OwnedProduct.objects.create(
        organisation=org, customer=customer, product=toilet, serial_no="SN-1"
    )
    downstairs = OwnedProduct.objects.create(
        organisation=org, customer=customer, product=toilet, serial_no="SN-2"
    )
    first = repair(desk, customer, None, faults["leak"], owned_product=upstairs)
    assert first.product == toilet and first.service_case.owned_product == upstairs
    other = complain(clerk, customer, toilet, faults["leak"], owned_product=downstairs)
    assert other.service_case_id != first.service_case_id
    same = complain(clerk, customer, toilet, faults["leak"], owned_product=upstairs)
    assert same.service_case_id == first.service_case_id


def test_another_customers_unit_or_another_organisations_fault_is_refused(
    desk, clerk, customer, toilet, faults, org, other_org, store
):
    from shouhou.core.errors import ValidationFailed
    from shouhou.sales.tests.factories import CustomerFactory

    neighbour = CustomerFactory(organisation=org, mobile="13900000002", store=store)
    theirs = OwnedProduct.objects.create(organisation=org, customer=neighbour, product=toilet)
    with pytest.raises(ValidationFailed) as exc:
        complain(clerk, customer, toilet, faults["leak"], owned_product=theirs)
    assert "owned_product" in exc.value.fields
    foreign = FaultCategory.objects.create(organisation=other_org, code="leak", name="漏水")
    with pytest.raises(ValidationFailed) as exc:
        repair(desk, customer, toilet, foreign)
    assert "fault" in exc.value.fields
    assert not Case.objects.exists() and not WorkOrder.objects.exists()
    assert not ServiceCase.objects.exists()


def test_the_inspection_of_a_complaint_belongs_to_its_case_and_is_no_repeat(
    desk, clerk, customer, toilet, faults
):
    case = complain(clerk, customer, toilet, faults["leak"])
    case = cs.case_start_inspection(by=clerk, case=case)
    assert case.inspection_order.service_case_id == case.service_case_id
    assert ServiceCase.objects.get(pk=case.service_case_id).repeat_count == 0


# Through the API and the pages ----------------------------------------------------------------
WORKORDERS = "/api/v1/workorders/"
CASES = "/api/v1/cases/"
SERVICE_CASES = "/api/v1/service-cases/"


def _intake_body(customer, toilet, fault, **extra):
    return {
        "source": "hotline",
        "kind": "repair",
        "description": "马桶漏水",
        "customer": customer.pk,
        "product": toilet.pk,
        "fault": fault.pk,
        **extra,
    }


def test_the_api_joins_a_complaint_to_the_repairs_case_and_shows_the_history_in_time_order(
    api, desk, clerk, customer, toilet, faults
):
    r = api.as_(desk).post(WORKORDERS, _intake_body(customer, toilet, faults["leak"]))
    assert r.status_code == 201, r.content
    order = r.json()
    assert order["fault"]["code"] == "leak"
    assert order["service_case"]["repeat_count"] == 0
    case_id = order["service_case"]["id"]
    r = api.as_(clerk).post(
        CASES,
        {
            "kind": "complaint",
            "customer": customer.pk,
            "product": toilet.pk,
            "fault": faults["leak"].pk,
            "description": "修过还漏",
        },
        **{"Idempotency-Key": "c-1"},
    )
    assert r.status_code == 201, r.content
    complaint = r.json()
    assert complaint["service_case"]["id"] == case_id
    assert complaint["service_case"]["repeat_count"] == 1
    assert api.get(f"{CASES}{complaint['id']}/").json()["service_case"]["id"] == case_id
    detail = api.as_(desk).get(f"{WORKORDERS}{order['id']}/").json()
    assert detail["service_case"] == {**order["service_case"], **detail["service_case"]}
    assert detail["service_case"]["repeat_count"] == 1
    body = api.get(f"{SERVICE_CASES}{case_id}/").json()
    assert body["repeat_count"] == 1 and body["fault"]["code"] == "leak"
    assert [(x["source"], x["id"]) for x in body["records"]] == [
        ("work_order", order["id"]),
        ("complaint", complaint["id"]),
    ]
    assert body["records"][0]["url"] == f"/workorders/{order['id']}/"


def test_a_double_submitted_complaint_is_one_record_and_one_repeat(
    api, desk, clerk, customer, toilet, faults
):
    order = repair(desk, customer, toilet, faults["leak"])
    data = {
        "kind": "complaint",
        "customer": customer.pk,
        "product": toilet.pk,
        "fault": faults["leak"].pk,
        "description": "修过还漏",
    }
    first = api.as_(clerk).post(CASES, data, **{"Idempotency-Key": "same"})
    again = api.post(CASES, data, **{"Idempotency-Key": "same"})
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1 and ServiceCase.objects.count() == 1
    assert ServiceCase.objects.get(pk=order.service_case_id).repeat_count == 1


def test_a_second_call_about_the_open_order_joins_the_order_and_opens_no_case(
    api, desk, customer, toilet, faults
):
    body = _intake_body(customer, toilet, faults["leak"])
    first = api.as_(desk).post(WORKORDERS, body).json()
    again = api.post(WORKORDERS, {**body, "description": "还在漏"}).json()
    assert again["joined"] is True and again["id"] == first["id"]
    assert ServiceCase.objects.count() == 1
    assert ServiceCase.objects.get().repeat_count == 0  # a repeat call: counted on the order
    assert again["repeat_contacts"] == 1


def test_another_organisations_case_is_a_404_and_so_is_a_technicians_look(
    api, desk, customer, toilet, faults, outsider, make_user
):
    order = repair(desk, customer, toilet, faults["leak"])
    url = f"{SERVICE_CASES}{order.service_case_id}/"
    assert api.as_(desk).get(url).status_code == 200
    assert api.as_(outsider).get(url).status_code == 404
    assert api.as_(make_user("technician")).get(url).status_code == 404
    assert api.as_(desk).get(f"{SERVICE_CASES}abc/").status_code == 404


def test_a_fault_or_unit_of_another_organisation_or_customer_is_a_400_naming_the_field(
    api, desk, customer, toilet, faults, other_org, org, store
):
    from shouhou.sales.tests.factories import CustomerFactory

    foreign = FaultCategory.objects.create(organisation=other_org, code="x", name="外")
    r = api.as_(desk).post(WORKORDERS, _intake_body(customer, toilet, foreign))
    assert r.status_code == 400 and "fault" in r.json()["error"]["fields"]
    neighbour = CustomerFactory(organisation=org, mobile="13900000003", store=store)
    theirs = OwnedProduct.objects.create(organisation=org, customer=neighbour, product=toilet)
    r = api.post(
        WORKORDERS, _intake_body(customer, toilet, faults["leak"], owned_product=theirs.pk)
    )
    assert r.status_code == 400 and "owned_product" in r.json()["error"]["fields"]
    assert not WorkOrder.objects.exists() and not ServiceCase.objects.exists()


def test_the_fault_categories_are_listed_with_the_defaults(api, clerk):
    rows = api.as_(clerk).get("/api/v1/fault-categories/").json()
    assert [row["code"] for row in rows][:2] == ["not_working", "leak"]
    assert rows[1]["name"] == "漏水"


def test_the_order_and_the_complaint_pages_show_the_case_with_every_record_in_time_order(
    client, desk, clerk, customer, toilet, faults, django_assert_max_num_queries
):
    order = repair(desk, customer, toilet, faults["leak"])
    case = complain(clerk, customer, toilet, faults["leak"])
    client.force_login(clerk)
    page = client.get(f"/complaints/{case.pk}/").content.decode()
    section = page[page.index('id="service-case"') :]
    assert section.index(order.number) < section.index(case.number)
    assert "重复 1 次" in section and "漏水" in section
    client.force_login(desk)
    page = client.get(f"/workorders/{order.pk}/").content.decode()
    section = page[page.index('id="service-case"') :]
    assert section.index(order.number) < section.index(case.number)
    assert f'href="/complaints/{case.pk}/"' in section
    # The records are one query (a UNION of the work orders and the complaints of the case).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        records = service_case_records(order.service_case_id)
    assert len(ctx.captured_queries) == 1 and len(records) == 2


def test_a_page_complaint_names_the_unit_by_its_serial_number_and_joins_its_case(
    client, desk, clerk, customer, toilet, faults, org
):
    unit = OwnedProduct.objects.create(
        organisation=org, customer=customer, product=toilet, serial_no="SN-9"
    )
    order = repair(desk, customer, None, faults["leak"], owned_product=unit)
    client.force_login(clerk)
    assert "漏水" in client.get("/complaints/new/").content.decode()
    form = {
        "kind": "complaint",
        "customer_mobile": customer.mobile,
        "description": "修过还漏",
        "fault": faults["leak"].pk,
        "serial_no": "SN-9",
        "idempotency_key": "p-1",
    }
    r = client.post("/complaints/new/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    case = Case.objects.get()
    assert case.service_case_id == order.service_case_id and case.product == toilet
    r = client.post("/complaints/new/", {**form, "serial_no": "SN-0", "idempotency_key": "p-2"})
    assert r.status_code == 400 and "serial_no" in r.context["form"].errors


# Reports: the problem counted once ------------------------------------------------------------
def test_the_monthly_statistics_count_a_complaint_after_its_repair_once_with_its_repeat(
    api, desk, clerk, customer, toilet, faults, cs_manager
):
    import io

    import openpyxl

    repair(desk, customer, toilet, faults["leak"])
    complain(clerk, customer, toilet, faults["leak"])  # repeats the repair's problem
    complain(clerk, customer, toilet, faults["leak"])  # and again
    complain(clerk, customer, toilet, faults["noise"])  # another problem
    cs.case_register(by=clerk, kind="complaint", customer=customer, description="态度差")
    month = timezone.localdate().strftime("%Y-%m")
    stats = api.as_(cs_manager).get("/api/v1/complaint-statistics/", month=month).json()
    assert stats["total"] == 4 and stats["complaints"] == 4
    assert stats["problems"] == 3  # leak (two complaints), noise, the unclassified one
    assert stats["repeats"] == 2  # both leak complaints follow an earlier record
    page = api.get(f"/complaints/statistics/?month={month}").content.decode()
    row = page[page.index('id="stats-problems"') :]
    assert row.index("3") < row.index("2 条记录是已知问题")
    r = api.get(f"/complaints/statistics/?month={month}&format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    cells = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert cells["问题数（已知问题的重复只计一次）"] == 3
    assert cells["已知问题的重复"] == 2


# Concurrency --------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_complaints_registered_at_the_same_moment_open_one_case(
    clerk, customer, toilet, faults, org
):
    import threading

    from django.db import connection
    from django_scopes import scope

    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (PostgreSQL): SQLite serialises writers")
    n = 6
    barrier = threading.Barrier(n)
    errors = []

    def go():
        from django.db import connection as conn

        barrier.wait()
        try:
            with scope(organisation=org):
                complain(clerk, customer, toilet, faults["leak"])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=go) for _i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ServiceCase.all_objects.count() == 1
    assert ServiceCase.all_objects.get().repeat_count == n - 1
    assert Case.all_objects.filter(service_case__isnull=False).count() == n


def test_the_case_list_shows_the_customers_cases_and_refuses_a_malformed_customer(
    api, desk, clerk, customer, toilet, faults
):
    order = repair(desk, customer, toilet, faults["leak"])
    complain(clerk, customer, toilet, faults["leak"])
    resp = api.as_(clerk).get(f"/api/v1/service-cases/?customer={customer.pk}")
    assert resp.status_code == 200, resp.content
    rows = resp.json()["results"]
    assert len(rows) == 1  # the leak: the repair and the complaint about it
    leak = next(r for r in rows if r["id"] == order.service_case_id)
    assert leak["repeat_count"] == 1 and leak["customer"]["id"] == customer.pk
    assert api.as_(clerk).get("/api/v1/service-cases/?customer=x").status_code == 400
    assert api.as_(clerk).get("/api/v1/service-cases/").status_code == 200
