"""Which LicenseCase histories today's code replays, and the patches retired on the way there.

docs/workflow-versions.md says how a generation is supported, how a patch is retired and what
an operator checks before deploying a build that drops a generation.
"""

from __future__ import annotations

from temporalio import workflow

# The recorded generations under tests/replay/histories that must replay on this code: the one
# the previous build recorded (its cases may still be open) and this build's own.
SUPPORTED_GENERATIONS = ("v10-human-rights-assessed", "v11-story")
# The Licence workflow's recorded generations (it has retired no patch yet).
SUPPORTED_LICENCE_GENERATIONS = ("v11-licence",)

# The oldest supported generation's newest patch: every run it (or a later build) started lists
# it in the TemporalChangeVersion search attribute, so a run that does not is older.
OLDEST_SUPPORTED_MARKER = "human-rights-assessed"

# Retired patches: each once chose between an old and a new branch with `workflow.patched`; the
# old branch is gone and `retired` stands where the choice was, so that the supported histories,
# which carry the marker there, replay.
LOCAL_PUBLISHING = "local-publishing"
REVIEW_TIMER = "review-timer"
REVIEWER_ACTIONS_PUBLISHED = "reviewer-actions-published"
PARTNER_CONSULTED_BEFORE_APPROVAL = "partner-consulted-before-approval"
HUMAN_RIGHTS_ASSESSED = "human-rights-assessed"
ESCALATION_LEVELS = "escalation-levels"
ESCALATION_DEADLINE = "escalation-deadline"
CONSULTATION_REMINDERS = "consultation-reminders"
CONSULTATION_OPENING_NOTED = "consultation-opening-noted"
CONSULTATION_CANCELLED_AT_END = "consultation-cancelled-at-end"
RESEND_CONSULTATION_REQUEST = "resend-consultation-request"
PARTNERS_INFORMED_OF_APPROVAL = "partners-informed-of-approval"
# Active patches: `workflow.patched(id)` chooses the new branch for runs that reach it on this
# build; histories recorded before it take the old one.
# A partner's notice re-screened an open case: the case takes the result (once per notice).
NOTICE_RESCREENED = "notice-rescreened"
# Retired and gone: no supported history carries its marker.
GONE = ("batched-publishing",)

# Asked at the start of every run, in this order; each is also asked again where its branch
# was, since a handler that runs first in a run (an Update in a continued run's first task, say)
# asks it there, and a marker is matched where it was first asked.
RUN_START = (
    REVIEW_TIMER,
    REVIEWER_ACTIONS_PUBLISHED,
    PARTNER_CONSULTED_BEFORE_APPROVAL,
    HUMAN_RIGHTS_ASSESSED,
)

# Off only in tests/replay, to prove that the next build may drop every `retired` call: the
# histories this build records carry deprecated markers, which replay without one.
marking = True


def retired(patch_id: str) -> None:
    """Stand where `workflow.patched(patch_id)` chose a branch: histories that carry its marker
    replay; a new run records the marker as deprecated."""
    if marking:
        workflow.deprecate_patch(patch_id)
