"""Driver badges on the HTML map: the outcomes a touchpoint, a stage or an unmapped event goes with.

The badges show exactly the drivers the findings name (:meth:`cjm.evidence.model.Outcomes.named`: q under
the level, enough journeys of the class, no precondition), each where the map draws what it is about: a
touchpoint used, or used several times in a row, on that touchpoint's chips; a stage reached, ended in or
taken slowly, and a move from a stage (on, within it, over one, back), on that stage's header; an event
not on the map on its ghost card. At most ``SHOWN`` badges per place, lowest q first (then the larger
effect); a last badge counts the others. A driver that goes with an outcome less often (lift under 1) is
drawn too, outlined, since the findings name it as well. The words are in the map's language; the names
come from the map (and the report for an unmapped event): the template escapes them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cjm.evidence.model import Driver, EvidenceReport
from cjm.model import Journey
from cjm.render.i18n import N_, _, ngettext, number

SHOWN = 2  # badges per touchpoint, stage or ghost card; a "+N" badge counts the rest
Place = tuple[str, str]  # ("touchpoint" | "stage" | "event", id or event name)

DRIVER_LEGEND = (
    ("cjm-swatch-driver", N_("Goes with an outcome: “lost ×3.1”, such journeys ended as lost 3.1 times as often "
                             "as the others; on a stage: reached, ended here, slow, or a move → on, ⇄ within, "
                             "↷ over a stage, ↺ back (at most 2 a place, the surest first; associated with, not "
                             "proof of a cause)")),
)  # fmt: skip
FEWER_LEGEND = (("cjm-swatch-driver-less", N_("Goes with an outcome less often (× under 1)")),)

# What a badge is about, before the outcome, where a place holds several kinds (a touchpoint used: nothing).
MARKS: Mapping[str, str] = {
    "rework": N_("repeated:"), "stage": N_("reached:"), "ended": N_("ended here:"), "slow": N_("slow:"),
    "unmapped": "", "forward": "→", "within_stage": "⇄", "skip": "↷", "loop_back": "↺",
}  # fmt: skip


@dataclass(frozen=True)
class DriverBadge:
    """A small badge naming an outcome and its lift, with the finding in plain words as its title."""

    text: str
    title: str
    css: str


def place(driver: Driver) -> Place:
    """Where the map shows a driver: its touchpoint, its stage (a move: the stage it leaves) or its event."""
    f = driver.feature
    if f.kind in ("touchpoint", "rework"):
        return ("touchpoint", f.touchpoint or "")
    if f.kind in ("stage", "ended", "slow"):
        return ("stage", f.stage or "")
    if f.kind == "transition":
        return ("stage", f.from_stage or "")
    return ("event", f.event or "")


def placed(report: EvidenceReport) -> dict[Place, list[Driver]]:
    """The drivers the findings name, by the place the map shows them, strongest first."""
    out: dict[Place, list[Driver]] = {}
    for d in sorted(report.outcomes.named() if report.outcomes else [], key=_strength):
        out.setdefault(place(d), []).append(d)
    return out


def _strength(driver: Driver) -> tuple[float, float, str]:
    """Lowest q first, then the larger effect either way (×4 and ×0.25 weigh the same), then the outcome."""
    lift = driver.lift
    effect = math.inf if lift is None or lift <= 0 else max(lift, 1 / lift)
    return (driver.q_value, -effect, driver.outcome)


def driver_badges(report: EvidenceReport, journey: Journey) -> dict[Place, tuple[DriverBadge, ...]]:
    """The badges of each place on the map (call inside ``speaking``: the words are the map's language)."""
    names = {**report.names(), **{s.id: s.name for s in journey.stages},
             **{t.id: t.name for t in journey.touchpoints}}  # fmt: skip
    out = {}
    for where, drivers in placed(report).items():
        badges = [_badge(d, names) for d in drivers[:SHOWN]]
        rest = len(drivers) - SHOWN
        if rest > 0:
            title = ngettext("%(n)s more driver here: the evidence report lists it",
                             "%(n)s more drivers here: the evidence report lists them", rest)  # fmt: skip
            more = number(rest, 0)
            badges.append(DriverBadge(f"+{more}", title % {"n": more}, "cjm-driver cjm-driver-more"))
        out[where] = tuple(badges)
    return out


def has_fewer(badges: Iterable[tuple[DriverBadge, ...]]) -> bool:
    """Whether some badge drawn is of a driver that goes with its outcome less often."""
    return any("cjm-driver-less" in b.css for drawn in badges for b in drawn)


def _kind(d: Driver) -> str:
    """The feature's kind, a move by its direction."""
    return (d.feature.transition or "") if d.feature.kind == "transition" else d.feature.kind


def _badge(d: Driver, names: Mapping[str, str]) -> DriverBadge:
    lift = d.lift
    # one decimal as the findings write it; two under 1, where 0.25 and 0.2 differ by a fifth
    words = {"outcome": d.outcome, "lift": "" if lift is None else number(lift, 1 if lift >= 1 else 2)}
    text = _("%(outcome)s only") % words if lift is None else _("%(outcome)s ×%(lift)s") % words
    mark = MARKS.get(_kind(d), "")
    text = f"{_(mark)} {text}" if mark else text  # arrows are no message: they come back as they are
    if lift is None:
        times = _("while none of the others did")
    elif lift >= 1:
        times = _("%(lift)s times as often") % words
    else:
        times = _("only %(lift)s times as often") % words
    figures = {"did": _did(d, names), "outcome": d.outcome, "times": times,
               "in_class": number(d.with_feature_in_class, 0), "journeys": number(d.with_feature, 0),
               "rate": f"{d.rate_with:.0%}", "others": f"{d.rate_without:.0%}"}  # fmt: skip
    title = (
        _(
            "Customers who %(did)s ended as “%(outcome)s” %(times)s: %(in_class)s of %(journeys)s (%(rate)s) against "
            "%(others)s of the others; associated with, not proof of a cause"
        )
        % figures
    )
    css = "cjm-driver" + (" cjm-driver-less" if lift is not None and lift < 1 else "")
    return DriverBadge(text, title, css)


def _did(d: Driver, names: Mapping[str, str]) -> str:
    """The feature in words of the map's language, completing "customers who ..."."""
    f = d.feature

    def name(ident: str | None) -> str:
        return f"“{names.get(ident or '', ident or '')}”"

    words = {"touchpoint": name(f.touchpoint), "stage": name(f.stage), "from": name(f.from_stage),
             "to": name(f.to_stage), "event": f"“{f.event}”"}  # fmt: skip
    phrases = {
        "touchpoint": N_("used %(touchpoint)s"),
        "rework": N_("used %(touchpoint)s several times in a row"),
        "stage": N_("reached the stage %(stage)s"),
        "ended": N_("got no further than the stage %(stage)s"),
        "slow": N_("took longer than usual in the stage %(stage)s"),
        "unmapped": N_("had the event %(event)s, which is not on the map"),
        "forward": N_("moved on from %(from)s to %(to)s"),
        "within_stage": N_("moved between touchpoints within %(from)s"),
        "skip": N_("jumped from %(from)s over a stage to %(to)s"),
        "loop_back": N_("went back from %(from)s to an earlier stage, %(to)s"),
        "": N_("showed a feature of kind %(kind)s"),  # a move of a kind this cjm does not know
    }
    key = _kind(d)
    return _(phrases.get(key, phrases[""])) % {**words, "kind": key}
