"""The quality bar of issue 22.6, in a real browser (Debian's chromium through Playwright).

For each role's demo login, every page of its menu is opened at a phone's width (375 px:
technicians and desk clerks work on phones) and must not scroll sideways (a wide table scrolls
inside its own box, the page does not), and axe-core (vendored, test-only) must find no WCAG 2
A/AA violation of serious or critical impact: labels, names of links and buttons, contrast,
landmarks, the document's language. The dashboard is also checked at desktop width: its
charts are drawn inside their cards and no card overlaps another; a screenshot is written for
a person to look at when the layout assertions fail.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from shouhou.core.navigation import visible_entries
from shouhou.org.demo import DEMO_PASSWORD
from shouhou.org.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# The roles whose main paths the issue names, plus the merchant who sees only its own.
ROLES = ["manager", "clerk", "desk", "callcentre", "tech1", "merchant1", "storemgr", "finance"]
PHONE = {"width": 375, "height": 740}
BLOCKING = {"serious", "critical"}

AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
  }));
}"""

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  if (document.documentElement.scrollWidth > width + 1) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && getComputedStyle(el).position !== 'fixed') {
        let inScroller = false;
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const ox = getComputedStyle(p).overflowX;
          if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { inScroller = true; break; }
        }
        if (!inScroller) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
          (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''));
      }
      if (wide.length >= 3) break;
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


def _login(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def _axe_violations(page) -> list[dict[str, object]]:
    # Evaluated through the DevTools protocol, which the pages' CSP does not govern: the
    # pages themselves never load a script that is not their own.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in BLOCKING]


def _urls_for(username: str) -> list[str]:
    user = User.objects.get(username=username)
    urls = ["/"]
    for _entry, url in visible_entries(user):
        if url not in urls:
            urls.append(url)
    return urls


FIRST_ROW_LINK = """() => {
  const a = document.querySelector('main table tbody a[href^="/"]');
  return a ? a.getAttribute('href') : null;
}"""


def _check(page, url: str) -> list[str]:
    response = page.goto(page.base_url + url)
    assert response is not None
    if response.status >= 400:
        return [f"{url}: HTTP {response.status}"]
    page.wait_for_load_state("networkidle")
    failures = []
    overflow = page.evaluate(OVERFLOW)
    if overflow["scrollWidth"] > overflow["width"] + 1:
        failures.append(
            f"{url}: the page is {overflow['scrollWidth']} px wide at {overflow['width']} px "
            f"({', '.join(overflow['wide']) or 'no single element'})"
        )
    for v in _axe_violations(page):
        failures.append(f"{url}: axe {v['impact']} {v['id']} ({v['help']}): {v['nodes']}")
    return failures


def role_failures(page, username: str) -> list[str]:
    """Every menu page of the role, and the record its list opens first (a detail page with
    its action forms), checked at a phone's width."""
    page.set_viewport_size(PHONE)
    _login(page, username)
    failures, seen = [], set()
    for url in _urls_for(username):
        failures += _check(page, url)
        detail = page.evaluate(FIRST_ROW_LINK)
        if detail and detail not in seen and detail.split("?")[0] != url:
            seen.add(detail)
            failures += _check(page, detail)
    return failures


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_a_roles_menu_fits_a_phone_and_passes_axe(page, demo, username):
    failures = role_failures(page, username)
    assert not failures, "\n".join(failures)


def test_the_dashboard_draws_its_charts_inside_cards_that_do_not_overlap(page, demo, tmp_path):
    _login(page, "manager")
    page.goto(page.base_url + "/")
    page.wait_for_load_state("networkidle")
    page.locator("canvas").first.wait_for()
    shot = Path(os.environ.get("SHOUHOU_SCREENSHOT_DIR", tmp_path)) / "dashboard-manager.png"
    page.screenshot(path=str(shot), full_page=True)
    layout = page.evaluate(
        """() => {
      const boxes = sel => [...document.querySelectorAll(sel)].map(el => {
        const b = el.getBoundingClientRect();
        return {x: b.left, y: b.top + window.scrollY, w: b.width, h: b.height,
                id: el.id || el.className};
      });
      return {panels: boxes('.panel'), charts: boxes('canvas'),
              width: document.documentElement.clientWidth,
              scrollWidth: document.documentElement.scrollWidth};
    }"""
    )
    assert layout["scrollWidth"] <= layout["width"] + 1, f"the dashboard scrolls sideways ({shot})"
    assert len(layout["panels"]) >= 4, f"the manager's panels are missing ({shot})"
    assert layout["charts"], f"no chart was drawn ({shot})"
    for chart in layout["charts"]:
        assert chart["w"] > 100 and chart["h"] > 100, f"a chart is drawn too small ({shot})"
        inside = [
            p
            for p in layout["panels"]
            if p["x"] - 1 <= chart["x"]
            and chart["x"] + chart["w"] <= p["x"] + p["w"] + 1
            and p["y"] - 1 <= chart["y"]
            and chart["y"] + chart["h"] <= p["y"] + p["h"] + 1
        ]
        assert inside, f"a chart spills out of its panel ({shot})"
    panels = layout["panels"]
    for i, a in enumerate(panels):
        for b in panels[i + 1 :]:
            overlap_x = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            overlap_y = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            assert overlap_x <= 1 or overlap_y <= 1, (
                f"panels {a['id']} and {b['id']} overlap ({shot})"
            )
