from django.urls import reverse

from shouhou.core import navigation

# The menu as it was when core listed every app: the apps now register these themselves.
MENU_ORDER = [
    "dashboard",
    "customers:list",
    "sales:list",
    "catalog:list",
    "catalog:references",
    "workorders:list",
    "promises:counter",
    "complaints:list",
    "complaints:approvals",
    "callbacks:my_list",
    "callbacks:records",
    "callbacks:coverage",
    "delivery:calendar",
    "delivery:workshop",
    "workorders:old_parts",
    "workorders:my_jobs",
    "delivery:my_runs",
    "staff:me",
    "staff:list",
    "workorders:reports",
    "complaints:statistics",
    "performance:ranking",
    "performance:me",
    "complaints:notifications",
    "workdays:calendar",
    "job-runs",
]


def test_the_apps_register_the_menu_in_its_order():
    """The entries of the first apps keep the order the single list in core had; the apps of
    round 2 add theirs in between by their own `order`, and no entry appears twice."""
    names = [e.url_name for e in navigation.menu_entries()]
    assert len(names) == len(set(names))
    assert [n for n in names if n in MENU_ORDER] == MENU_ORDER


def test_a_technician_sees_only_the_entries_of_his_roles(make_user):
    user = make_user("technician")
    names = [i["name"] for i in navigation.menu_for(user)]
    assert [n for n in names if n in MENU_ORDER] == [
        "dashboard",
        "workorders:my_jobs",
        "staff:me",
        "performance:me",
        "complaints:notifications",
    ]
    # every other entry he sees is one his role is named in (or one for every member)
    by_name = {e.url_name: e for e in navigation.menu_entries()}
    for name in names:
        roles = by_name[name].roles
        assert roles is None or "technician" in roles, name
    assert "workorders:list" not in names and "staff:list" not in names


def test_a_clerk_sees_the_office_menu_with_real_urls(make_user):
    items = navigation.menu_for(make_user("clerk"))
    assert (items[0]["name"], items[0]["url"]) == ("dashboard", reverse("dashboard"))
    assert "workorders:my_jobs" not in [i["name"] for i in items]
    assert "workorders:reports" in [i["name"] for i in items]


FIRST_APPS = {
    "customers",
    "sales",
    "staff",
    "workorders",
    "callbacks",
    "complaints",
    "delivery",
    "performance",
}


def test_the_dashboard_asks_the_apps_that_registered_cards_in_their_order():
    modules = [p.__module__ for p in navigation.dashboard_providers()]
    first = [m for m in modules if m.split(".")[1] in FIRST_APPS]
    assert len(modules) == len(set(modules))
    assert first == [
        f"shouhou.{app}.selectors"
        for app in (
            "customers",
            "sales",
            "staff",
            "workorders",
            "callbacks",
            "complaints",
            "delivery",
            "performance",
        )
    ]


def _sections(user, current=""):
    return {s["key"]: s for s in navigation.menu_sections(user, current)}


def test_the_office_menu_is_grouped_by_task_and_sections_keep_their_order(make_user):
    sections = navigation.menu_sections(make_user("clerk"))
    keys = [s["key"] for s in sections]
    assert keys[0] == ""  # the dashboard, a plain link before the sections
    for a, b in (("intake", "workorders"), ("workorders", "callbacks"), ("reports", "settings")):
        assert keys.index(a) < keys.index(b)
    names = {s["key"]: [i["name"] for i in s["items"]] for s in sections}
    assert "customers:list" in names["intake"] and "workorders:list" in names["workorders"]
    assert "workorders:reports" in names["reports"]
    # every entry a section names exists; no entry is left without a section but the dashboard
    assert names[""] == ["dashboard"]


def test_a_technician_sees_his_own_work_and_none_of_the_office_sections(make_user):
    sections = _sections(make_user("technician"))  # a one-entry section shows as the entry
    assert not set(sections) & {"intake", "workorders", "callbacks", "complaints", "reports"}
    assert "workorders:my_jobs" in [i["name"] for i in sections["mine"]["items"]]


def test_the_current_page_marks_its_section_and_a_page_outside_the_menu_its_apps(make_user):
    user = make_user("clerk")
    assert _sections(user, "callbacks:records")["callbacks"]["current"]
    assert not _sections(user, "callbacks:records")["workorders"]["current"]
    # the order detail page is not in the menu: the work-order section still shows as current
    assert _sections(user, "workorders:detail")["workorders"]["current"]


def test_badges_count_what_waits_on_the_user_and_sum_per_section(make_user, monkeypatch):
    user = make_user("clerk")
    entries = {e.url_name: e for e in navigation.menu_entries()}
    assert entries["workorders:list"].badge is not None
    assert entries["complaints:approvals"].badge is not None
    counts = navigation.badge_counts(user)
    assert counts[entries["workorders:list"].badge_id] == 0
    assert counts["badge-section-complaints"] == sum(
        counts[e.badge_id]
        for e in entries.values()
        if e.section == "complaints" and e.badge is not None and e.badge_id in counts
    )
