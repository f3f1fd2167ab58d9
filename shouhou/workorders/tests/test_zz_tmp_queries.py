from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_count(api, desk, org):
    api.as_(desk)
    for i in range(3):
        with CaptureQueriesContext(connection) as ctx:
            resp = api.post(
                "/api/v1/workorders/",
                {
                    "source": "hotline",
                    "kind": "repair",
                    "description": "x",
                    "customer_data": {
                        "name": "李先生",
                        "mobile": f"1360000000{i}",
                        "district": "朝阳区",
                        "address_detail": f"幸福小区{i}号楼2单元501",
                    },
                },
                **{"Idempotency-Key": f"k{i}"},
            )
        assert resp.status_code == 201, resp.content
        print("\n=== create", i, len(ctx.captured_queries))
        for q in ctx.captured_queries:
            print(q["time"], q["sql"][:220])
