"""The articles of tests/fixtures/content/, the tests' own clinic, named by what they test.

The tests publish this content, never the clinic's content/: a clinic adds, edits
and removes its articles without touching a test. Change these files only together
with the tests that read them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clinic_tools.publish.upload import Payload

# The tests' own articles; the clinic's content/ is only validated
# (tests/unit/test_live_content.py), so that editing it never breaks a test.
CONTENT = Path(__file__).resolve().parent / "fixtures" / "content"

# Published; two "What the research shows" sections, a table, maintenance infusions.
ANXIETY = "ketamine-for-anxiety-how-soon-it-helps"
INFUSION_VISIT = "a-ketamine-infusion-visit-step-by-step"  # several articles link to it
SIDE_EFFECTS = "ketamine-side-effects-and-safety"
TMS = "tms-for-depression"  # the only `tms` tag; its own call to action
ESKETAMINE = "esketamine-nasal-spray-basics"
DEPRESSION = "ketamine-when-depression-resists-treatment"
DRAFT = "medication-follow-up-visits"  # `draft: true`
SCHEDULED = "ketamine-esketamine-or-tms-choosing"  # publishAt below: after every other
PUBLISH_AT = "2027-03-01T09:00:00Z"

# pages/about.md: in the navigation (nav: 1, navTitle: About); "Getting here" has an H3.
ABOUT = "about"
# authors.yaml: two full provider profiles who see patients, and one with the first three keys.
PHYSICIAN = "dr-nadia-brandt"  # MD, medicalSpecialty Psychiatric: JSON-LD Physician
NURSE_PRACTITIONER = "jonah-reyes-pmhnp"  # sees patients, not a physician: Person
REVIEWER = "dr-tomas-iver"  # name, credentials and bio only; sees no patients
SEEING_PATIENTS = (PHYSICIAN, NURSE_PRACTITIONER)

# What GET /articles lists before PUBLISH_AT: published and due, newest first.
LISTED = (TMS, SIDE_EFFECTS, ESKETAMINE, INFUSION_VISIT, ANXIETY, DEPRESSION)


@cache
def fixture_objects() -> dict[str, Payload]:
    """What publishing the fixture content uploads, compiled once per process (compiling
    is pure). Here, not in conftest.py, which pytest imports under a second name."""
    from clinic_tools.publish.publisher import build_objects

    return build_objects(CONTENT)
