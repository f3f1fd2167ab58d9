"""The response tiers of seed 002 (tiers.py) for the organisations that already have their
policies: a new organisation gets them with the other defaults on first use. A tier whose code
the organisation already uses is left as it is."""

from decimal import Decimal

from django.db import migrations


def add_tiers(apps, schema_editor):
    from shouhou.workorders.tiers import DEFAULT_TIERS

    SlaPolicy = apps.get_model("workorders", "SlaPolicy")
    SlaTarget = apps.get_model("workorders", "SlaTarget")
    org_ids = set(SlaPolicy.objects.values_list("organisation_id", flat=True))
    for org_id in sorted(org_ids):
        codes = set(SlaPolicy.objects.filter(organisation_id=org_id).values_list("code", flat=True))
        for code, name, description, criteria, loan, targets in DEFAULT_TIERS:
            if code in codes:
                continue
            policy = SlaPolicy.objects.create(
                organisation_id=org_id,
                code=code,
                name=str(name),
                description=str(description),
                loan_unit_if_late=loan,
                **criteria,
            )
            for target, amount, unit, anchor in targets:
                SlaTarget.objects.create(
                    organisation_id=org_id,
                    policy=policy,
                    target=target,
                    amount=Decimal(amount),
                    unit=unit,
                    anchor=anchor,
                )


class Migration(migrations.Migration):
    dependencies = [("workorders", "0009_response_tiers")]

    operations = [migrations.RunPython(add_tiers, migrations.RunPython.noop)]
