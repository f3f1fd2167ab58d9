"""Pages: list with masked ids, the issue-permit button, scoping, role checks, Excel reports."""

import io

import openpyxl
from django.urls import reverse

from shouhou.staff import flows, services
from shouhou.staff.models import ServiceStaff, WorkPermit
from shouhou.staff.tests.conftest import app_of, pay_all, photo
from shouhou.staff.tests.factories import ServiceStaffFactory, WorkPermitFactory, id_number


def _at_permit_step(new_staff, desk, finance):
    staff = new_staff()
    app = app_of(staff)
    services.document_add(by=desk, staff=staff, kind="intro_letter", note="介绍信")
    services.document_add(by=desk, staff=staff, kind="photo", file=photo())
    services.document_add(by=desk, staff=staff, kind="photo", file=photo("b.png"))
    for step in (flows.DOCUMENTS, flows.FILING):
        app = services.application_complete_step(by=desk, application=app, step=step)
    pay_all(finance, app)
    services.application_complete_step(by=finance, application=app, step=flows.FEES)
    return staff


def test_list_masks_id_numbers_and_phones(client, desk, org):
    number = id_number()
    ServiceStaffFactory(organisation=org, id_number=number, mobile="13912345678")
    client.force_login(desk)
    html = client.get(reverse("staff:list")).content.decode()
    assert f"{number[:4]}**********{number[-4:]}" in html
    assert number not in html and "139****5678" in html


def test_desk_issues_the_permit_with_the_button_on_the_detail_page(
    client, desk, finance, new_staff
):
    staff = _at_permit_step(new_staff, desk, finance)
    client.force_login(desk)
    page = client.get(reverse("staff:detail", args=[staff.pk])).content.decode()
    assert 'id="issue-permit"' in page
    resp = client.post(reverse("staff:step", args=[staff.pk]), {"step": "permit"}, follow=True)
    assert resp.status_code == 200
    permit = WorkPermit.objects.get(staff=staff)
    html = resp.content.decode()
    assert permit.number in html and 'id="print-permit"' in html and 'id="issue-permit"' not in html


def test_finance_sees_no_issue_button_and_cannot_post_the_step(client, desk, finance, new_staff):
    staff = _at_permit_step(new_staff, desk, finance)
    client.force_login(finance)
    assert (
        'id="issue-permit"'
        not in client.get(reverse("staff:detail", args=[staff.pk])).content.decode()
    )
    resp = client.post(reverse("staff:step", args=[staff.pk]), {"step": "permit"})
    assert resp.status_code == 403
    assert not WorkPermit.objects.exists()


def test_skipping_a_step_on_the_page_is_refused_with_the_reason(client, desk, new_staff):
    staff = new_staff()
    client.force_login(desk)
    resp = client.post(reverse("staff:step", args=[staff.pk]), {"step": "permit"})
    assert resp.status_code == 409
    assert 'id="action-error"' in resp.content.decode()


def test_create_form_shows_the_id_number_error_and_keeps_the_input(client, desk):
    client.force_login(desk)
    resp = client.post(
        reverse("staff:create"),
        {
            "name": "赵师傅",
            "mobile": "13912345678",
            "id_number": "110105194912310021",
            "kinds": ["repair"],
            "employer": "mobile",
        },
    )
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "赵师傅" in html and 'class="error"' in html
    assert not ServiceStaff.objects.exists()


def test_create_form_registers_and_opens_the_application(client, desk):
    client.force_login(desk)
    resp = client.post(
        reverse("staff:create"),
        {
            "name": "赵师傅",
            "mobile": "13912345678",
            "id_number": id_number(),
            "kinds": ["repair"],
            "employer": "mobile",
            "idempotency_key": "abc",
        },
    )
    staff = ServiceStaff.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("staff:detail", args=[staff.pk])
    assert app_of(staff).step == "documents"


def test_merchant_admin_gets_404_for_another_merchants_staff_pages(
    client, merchant_admin, other_merchant, org, merchant
):
    theirs = ServiceStaffFactory(organisation=org, employer="merchant", merchant=other_merchant)
    permit = WorkPermitFactory(staff=theirs, organisation=org)
    mine = ServiceStaffFactory(
        organisation=org, employer="merchant", merchant=merchant, name="自家师傅"
    )
    client.force_login(merchant_admin)
    assert client.get(reverse("staff:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("staff:ledger", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("staff:permit_print", args=[permit.pk])).status_code == 404
    assert (
        client.post(
            reverse("staff:document", args=[theirs.pk]), {"kind": "photo", "note": "x"}
        ).status_code
        == 404
    )
    assert not theirs.documents.exists()
    html = client.get(reverse("staff:list")).content.decode()
    assert "自家师傅" in html and theirs.name not in html
    assert client.get(reverse("staff:detail", args=[mine.pk])).status_code == 200


def test_finance_records_a_payment_on_the_ledger_page_and_a_reused_receipt_is_refused(
    client, finance, org
):
    staff = ServiceStaffFactory(organisation=org)
    a = services.charge_raise(by=finance, staff=staff, kind="uniform", amount="80.00")
    b = services.charge_raise(by=finance, staff=staff, kind="badge", amount="20.00")
    client.force_login(finance)
    url = reverse("staff:ledger_pay", args=[staff.pk])
    ok = client.post(url, {"target": f"charge:{a.pk}", "amount": "80.00", "receipt_no": "R-77"})
    assert ok.status_code == 302
    resp = client.post(url, {"target": f"charge:{b.pk}", "amount": "20.00", "receipt_no": "R-77"})
    assert resp.status_code == 409
    b.refresh_from_db()
    assert b.paid_at is None


def test_reports_download_as_excel(client, desk, org):
    WorkPermitFactory(
        staff=ServiceStaffFactory(organisation=org, name="快到期"),
        organisation=org,
        valid_until=__import__("datetime").date.today() + __import__("datetime").timedelta(days=10),
    )
    client.force_login(desk)
    assert "快到期" in client.get(reverse("staff:reports")).content.decode()
    for name in ("expiring", "owing", "pipeline"):
        resp = client.get(reverse("staff:report_xlsx", args=[name]))
        assert resp.status_code == 200
        wb = openpyxl.load_workbook(io.BytesIO(resp.content))
        rows = list(wb.active.values)
        assert len(rows) >= 1
        if name == "expiring":
            assert rows[1][1] == "快到期"


def test_a_technician_is_sent_to_their_own_page(client, make_user, org):
    tech = make_user("technician")
    ServiceStaffFactory(organisation=org, user=tech)
    client.force_login(tech)
    resp = client.get(reverse("staff:list"))
    assert resp.status_code == 302 and resp.url == reverse("staff:me")


def test_pages_render_for_the_roles_that_use_them(
    client, desk, finance, trainer, pre_job_session, org
):
    ServiceStaffFactory(organisation=org)
    for user in (desk, finance, trainer):
        client.force_login(user)
        for name in ("list", "onboarding", "fines", "training", "conduct", "reports"):
            assert client.get(reverse(f"staff:{name}")).status_code == 200, (user, name)
    client.force_login(trainer)
    assert (
        client.get(reverse("staff:training_detail", args=[pre_job_session.pk])).status_code == 200
    )
    assert client.get(reverse("staff:training_create")).status_code == 200
    client.force_login(desk)
    assert client.get(reverse("staff:create")).status_code == 200
    assert client.get(reverse("staff:fine_create")).status_code == 200


def test_dashboard_shows_onboarding_expiring_permits_and_overdue_fines(client, desk, new_staff):
    from shouhou.staff.selectors import dashboard_cards

    new_staff()
    cards = dashboard_cards(user=desk)
    assert [c["value"] for c in cards] == [1, 0, 0]
    client.force_login(desk)
    assert client.get(reverse("dashboard")).status_code == 200


def test_list_filters_by_kind_of_work_and_onboarding_step(client, desk, org, new_staff):
    ServiceStaffFactory(organisation=org, name="只会配送", kinds=["delivery"])
    ServiceStaffFactory(organisation=org, name="会安装", kinds=["installation", "repair"])
    new_staff(name="刚登记")
    client.force_login(desk)
    html = client.get(reverse("staff:list"), {"kind": "delivery"}).content.decode()
    assert "只会配送" in html and "会安装" not in html
    html = client.get(reverse("staff:list"), {"step": "documents"}).content.decode()
    assert "刚登记" in html and "只会配送" not in html


def test_people_without_a_staff_role_or_from_another_organisation_are_kept_out(
    client, outsider, make_user, org
):
    staff = ServiceStaffFactory(organisation=org)
    client.force_login(outsider)
    assert client.get(reverse("staff:detail", args=[staff.pk])).status_code == 404
    client.force_login(make_user("sales"))
    assert client.get(reverse("staff:detail", args=[staff.pk])).status_code == 200  # office role
    client.force_login(make_user("technician"))
    assert client.get(reverse("staff:list")).status_code == 403
    assert client.get(reverse("staff:detail", args=[staff.pk])).status_code == 404


def test_merchant_admin_cannot_do_desk_steps(client, merchant_admin, new_staff):
    staff = new_staff()
    client.force_login(merchant_admin)
    services.document_add(by=merchant_admin, staff=staff, kind="intro_letter", note="介绍信")
    resp = client.post(reverse("staff:step", args=[staff.pk]), {"step": "documents"})
    assert resp.status_code == 403
    assert app_of(staff).step == "documents"


def test_the_expiry_warning_window_is_an_organisation_setting(client, desk, org):
    import datetime as dt

    from django.utils import timezone

    from shouhou.staff.selectors import dashboard_cards, permits_expiring

    today = timezone.localdate()
    soon = WorkPermitFactory(
        staff=ServiceStaffFactory(organisation=org, name="十天后"),
        organisation=org,
        valid_until=today + dt.timedelta(days=10),
    )
    later = WorkPermitFactory(
        staff=ServiceStaffFactory(organisation=org, name="四十天后"),
        organisation=org,
        valid_until=today + dt.timedelta(days=40),
    )
    assert list(permits_expiring(user=desk, today=today)) == [soon]
    cfg = services.settings_for(org)
    assert cfg.permit_expiry_warning_days == 30
    cfg.permit_expiry_warning_days = 45
    cfg.save()
    assert list(permits_expiring(user=desk, today=today)) == [soon, later]
    cfg.permit_expiry_warning_days = 7
    cfg.save()
    assert list(permits_expiring(user=desk, today=today)) == []
    assert dashboard_cards(user=desk)[1]["label"] == "7天内到期的上岗证"
    client.force_login(desk)
    assert "7天内到期的上岗证" in client.get(reverse("staff:reports")).content.decode()
