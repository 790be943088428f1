"""The appraisal workflow (逐级考核) as one table of transitions (plain Python).

draft → submitted → consolidated → reviewed → approved → locked: the area manager submits, the
sales VP consolidates and reviews, HR approves and locks; reviewers send one step back, HR
reopens what is approved. ``TRANSITIONS`` says, for each move, from which states to which, who
takes it and what it is called; the buttons (``can_*`` fields), the checks of each step, who
acts next (``_step_user``, the queues and the reminders), the bulk review and the printed
signature chain are all read from it (``models/crm_appraisal_workflow.py``).
"""

from dataclasses import dataclass

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("consolidated", "Consolidated"),
    ("reviewed", "First Review Done"),
    ("approved", "Approved"),
    ("locked", "Locked"),
]
FROZEN_STATES = ("approved", "locked")
# context key of the workflow's own writes of ``state`` (a sentinel, see tools.trusted)
WORKFLOW = "crm_performance_workflow"
GROUP = "crm_performance.crm_performance_group_"


@dataclass(frozen=True, eq=False)
class Transition:
    """A move of the workflow.

    ``kind``: ``step`` (forward, one of the review levels), ``back`` (one step back, with a
    reason) or ``reopen`` (HR, with a reason). ``stamp`` are the (user, date) fields the step
    fills, ``signature`` the role that signs for it on the printed appraisal, ``bulk`` whether a
    list selection can take it at once.
    """

    name: str
    sources: tuple
    target: str
    group: str
    kind: str = "step"
    stamp: tuple = ()
    signature: object = None
    bulk: bool = False


TRANSITIONS = (
    Transition(
        "submit",
        ("draft",),
        "submitted",
        "manager",
        stamp=("submitted_by_id", "submitted_date"),
        signature=_lt("Area Manager"),
    ),
    Transition("consolidate", ("submitted",), "consolidated", "reviewer", bulk=True),
    Transition(
        "first_review",
        ("consolidated",),
        "reviewed",
        "reviewer",
        stamp=("reviewed_by_id", "reviewed_date"),
        signature=_lt("Sales VP"),
        bulk=True,
    ),
    Transition(
        "approve",
        ("reviewed",),
        "approved",
        "hr",
        stamp=("approved_by_id", "approved_date"),
        signature=_lt("HR"),
        bulk=True,
    ),
    Transition("lock", ("approved",), "locked", "hr", bulk=True),
    Transition("send_back", ("submitted",), "draft", "reviewer", kind="back", bulk=True),
    Transition("send_back", ("consolidated",), "submitted", "reviewer", kind="back", bulk=True),
    Transition("send_back", ("reviewed",), "consolidated", "hr", kind="back", bulk=True),
    Transition(
        "reopen", FROZEN_STATES, "draft", "hr", kind="reopen", stamp=("approved_by_id", "approved_date")
    ),
)
# the buttons: one ``can_<name>`` field per transition name
BUTTONS = tuple(dict.fromkeys(transition.name for transition in TRANSITIONS))
BULK_STEPS = tuple(dict.fromkeys(transition.name for transition in TRANSITIONS if transition.bulk))
GROUP_NAMES = {"manager": _lt("a manager"), "reviewer": _lt("a reviewer (sales VP)"), "hr": _lt("HR")}


def transition(name, state):
    """The transition ``name`` out of ``state``, or None."""
    return next((t for t in TRANSITIONS if t.name == name and state in t.sources), None)


def next_step(state):
    """The forward step out of ``state``, or None (locked)."""
    return next((t for t in TRANSITIONS if t.kind == "step" and state in t.sources), None)
