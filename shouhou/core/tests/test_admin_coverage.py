"""Every domain model can be seen and edited in the Django admin, and its pages open."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from shouhou.org.tests.factories import UserFactory

# Rows that are only ever written by code, shown inline elsewhere, or pure plumbing.
NOT_IN_ADMIN = {"core.idempotencykey"}


def _domain_models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if label.split(".")[0] not in {
            c.label for c in apps.get_app_configs() if c.name.startswith("shouhou.")
        }:
            continue
        if model.__name__.startswith("Historical") or label in NOT_IN_ADMIN:
            continue
        yield model


def _inline_models():
    return {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }


def test_every_domain_model_is_in_the_admin_on_its_own_or_inline():
    inline = _inline_models()
    missing = [
        m._meta.label
        for m in _domain_models()
        if not admin.site.is_registered(m) and m not in inline
    ]
    assert missing == []


@pytest.mark.django_db
def test_every_admin_changelist_opens_for_a_superuser(client):
    client.force_login(UserFactory(organisation=None, is_superuser=True, is_staff=True))
    broken = []
    for model in _domain_models():
        if not admin.site.is_registered(model):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        status = client.get(url).status_code
        if status != 200:
            broken.append((model._meta.label, status))
    assert broken == []
