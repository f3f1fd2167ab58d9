"""The two onboarding flows as explicit steps: who does each one and what it needs. No ORM.

An application waits at one step at a time (`OnboardingApplication.step`); completing that step
moves it to the next one. Steps cannot be skipped or done out of order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from shouhou.org import roles as r


class Doc:
    """Document kinds (codes of `StaffDocument.Kind`)."""

    INTRO_LETTER = "intro_letter"
    PHOTO = "photo"
    ID_CARD = "id_card"
    DIPLOMA = "diploma"
    TITLE_CERT = "title_cert"
    SKILL_CERT = "skill_cert"


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    role: str
    needs: str
    documents: tuple[tuple[str, int], ...] = ()  # (document kind, at least how many)
    any_of: tuple[str, ...] = field(default=())  # at least one document of one of these kinds


DOCUMENTS = "documents"
FILING = "filing"
APPLICATION = "application"
TRAINING = "training"
ASSESSMENT = "assessment"
FEES = "fees"
PERMIT = "permit"
DONE = "done"

MERCHANT_FLOW = "merchant"
MOBILE_FLOW = "mobile"

FLOWS: dict[str, tuple[Step, ...]] = {
    MERCHANT_FLOW: (
        Step(
            DOCUMENTS,
            _("Documents handed in"),
            r.SERVICE_DESK,
            _("The merchant's introduction letter and two colour photos."),
            documents=((Doc.INTRO_LETTER, 1), (Doc.PHOTO, 2)),
        ),
        Step(
            FILING,
            _("Filed at the after-sales desk"),
            r.SERVICE_DESK,
            _("The desk files the person (备案); the fees are then charged."),
        ),
        Step(
            FEES,
            _("Fees paid at finance"),
            r.FINANCE,
            _("Management fee, deposit, uniform fee and badge fee paid, with receipts."),
        ),
        Step(
            PERMIT,
            _("Uniform and permit issued"),
            r.SERVICE_DESK,
            _("With the finance receipts, the desk issues the uniform and the work permit."),
        ),
    ),
    MOBILE_FLOW: (
        Step(
            DOCUMENTS,
            _("Documents handed in"),
            r.SERVICE_DESK,
            _("Original ID card, diploma, and a title or skill certificate."),
            documents=((Doc.ID_CARD, 1), (Doc.DIPLOMA, 1), (Doc.PHOTO, 1)),
            any_of=(Doc.TITLE_CERT, Doc.SKILL_CERT),
        ),
        Step(
            APPLICATION,
            _("Application filled in"),
            r.SERVICE_DESK,
            _("The applicant fills in the application form at the after-sales desk."),
        ),
        Step(
            TRAINING,
            _("Pre-job training attended"),
            r.TRAINING_OFFICER,
            _("Attendance at one of the company's pre-job training sessions."),
        ),
        Step(
            ASSESSMENT,
            _("Assessment passed"),
            r.TRAINING_OFFICER,
            _("A passed pre-job assessment; the fees are then charged."),
        ),
        Step(
            FEES,
            _("Fees paid at finance"),
            r.FINANCE,
            _("Management fee, deposit, uniform fee and badge fee paid, with receipts."),
        ),
        Step(
            PERMIT,
            _("Permit issued"),
            r.SERVICE_DESK,
            _("With the finance receipts, the front desk issues the work permit."),
        ),
    ),
}

# After which step the onboarding fees are charged, per flow.
CHARGE_AFTER = {MERCHANT_FLOW: FILING, MOBILE_FLOW: ASSESSMENT}

ALL_STEPS: dict[str, str] = {DONE: _("Finished")}
for _steps in FLOWS.values():
    for _s in _steps:
        ALL_STEPS.setdefault(_s.code, _s.label)

STEP_CHOICES = list(ALL_STEPS.items())


def flow_for_employer(employer: str) -> str:
    """Merchant's and store's own staff follow the own-staff flow; mobile staff the mobile one."""
    return MOBILE_FLOW if employer == "mobile" else MERCHANT_FLOW


def steps(flow: str) -> tuple[Step, ...]:
    return FLOWS[flow]


def first_step(flow: str) -> str:
    return FLOWS[flow][0].code


def get_step(flow: str, code: str) -> Step | None:
    return next((s for s in FLOWS[flow] if s.code == code), None)


def next_step(flow: str, code: str) -> str:
    codes = [s.code for s in FLOWS[flow]]
    i = codes.index(code)
    return codes[i + 1] if i + 1 < len(codes) else DONE


def missing_documents(step: Step, counts: dict[str, int]) -> list[tuple[str, int]]:
    """(kind, how many more) for each document the step still needs; `any_of` as ("|".join, 1)."""
    missing = [
        (kind, n - counts.get(kind, 0)) for kind, n in step.documents if counts.get(kind, 0) < n
    ]
    if step.any_of and not any(counts.get(k, 0) for k in step.any_of):
        missing.append(("|".join(step.any_of), 1))
    return missing
