import pytest

from shouhou.workdays.services import calendar_import_package_years


@pytest.fixture
def org(org):
    """The shared organisation with the package's 2025 and 2026 schedule, whatever today is."""
    calendar_import_package_years(organisation=org, years=[2025, 2026])
    return org


@pytest.fixture
def other_org(other_org):
    calendar_import_package_years(organisation=other_org, years=[2025, 2026])
    return other_org
