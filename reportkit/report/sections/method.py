"""The method section of the audit report: the appendix that says how every figure is counted.

One row per topic (data, ABC, XYZ, …, managers and NPS) with one to three sentences whose
figures are those of ``audit.config`` -- the cut-offs, limits and horizons the report was
actually built with -- and a last sentence pointing to ``docs/method.md``, where each
definition is written out in full with the setting that changes it.
"""

from __future__ import annotations

import inspect
from typing import Any

import pandas as pd

from ...analysis.churn import BANDS
from ...analysis.managers import DEFAULT_CONTACT_DAYS, nps_by
from ...io.config import Config, SegmentationSettings
from ...io.policy import POLICY_CELLS
from .. import text as T
from ..view import AuditView
from ..words.audit import count
from ..words.method import TOPICS, say
from .common import ESC, p


def _decimals(value: float, most: int) -> int:
    """The fewest decimals (up to ``most``) that show ``value`` exactly."""
    for d in range(most + 1):
        if abs(round(value, d) - value) < 1e-9:
            return d
    return most


def _pct(share: float, lang: str) -> str:
    """A share as the report writes a percentage: 0.8 -> "80%" ("80 %" in Russian)."""
    return T.fmt_pct(share, lang, decimals=_decimals(share * 100, 2))


def _num(value: float, lang: str) -> str:
    """A number with as many decimals as it has: 0.5 -> "0.5" ("0,5"), 3.0 -> "3"."""
    return T.fmt_number(value, lang, decimals=_decimals(value, 3))


def _band(name: str) -> float:
    """The lowest churn probability of a band of the churn model (``low``, ``medium``, ``high``)."""
    return dict(BANDS)[name]


def _nps_min_answers() -> int:
    """The fewest answers an NPS group needs to be scored (the report uses the default)."""
    return int(inspect.signature(nps_by).parameters["min_answers"].default)


def _segmentation(seg: SegmentationSettings, lang: str) -> dict[str, str]:
    """The sentences of ABC, XYZ, RFM, the BCG matrix and the size tiers."""
    thresholds = [seg.rfm_recency_days, seg.rfm_frequency, seg.rfm_monetary]
    given = sum(t is not None for t in thresholds)
    how = "rfm.quantiles" if not given else "rfm.fixed" if given == 3 else "rfm.mixed"
    return {
        "abc": say(
            "abc",
            lang,
            by=say(f"by.{seg.abc_by}", lang),
            a=_pct(seg.abc_cutoffs[0], lang),
            b=_pct(seg.abc_cutoffs[1], lang),
        ),
        "xyz": say(
            "xyz",
            lang,
            x=_num(seg.xyz_cutoffs[0], lang),
            y=_num(seg.xyz_cutoffs[1], lang),
            tenure=count(seg.min_tenure_months, "month", lang),
        ),
        "rfm": say("rfm", lang, bins=T.fmt_int(seg.rfm_bins, lang), how=say(how, lang)),
        "bcg": say("bcg", lang, growth=_pct(seg.bcg_growth, lang)),
        "size": say(
            "size",
            lang,
            large=_pct(seg.size_cutoffs[0], lang),
            medium=_pct(seg.size_cutoffs[1], lang),
            measure=say(f"measure.{seg.size_by}", lang),
        ),
    }


def _sentences(cfg: Config, lang: str, as_of: Any) -> dict[str, str]:
    """Each topic's sentences, with the figures of ``cfg``."""
    life, churn, qual = cfg.lifecycle, cfg.churn, cfg.quality
    days = [DEFAULT_CONTACT_DAYS[c] for c in POLICY_CELLS]
    period = say("period.quarter" if cfg.report.period == "quarter" else "period.month", lang)
    return {
        "data": say(
            "data",
            lang,
            as_of=T.fmt_date(as_of, lang),
            window=count(cfg.report.window_months, "month", lang),
        ),
        **_segmentation(cfg.segmentation, lang),
        "lifecycle": say(
            "lifecycle",
            lang,
            regular=T.fmt_int(life.regular_orders, lang),
            proven=T.fmt_int(life.proven_orders, lang),
            tenure=count(life.proven_tenure_months, "month", lang),
            key_rule=say("key.derived" if life.derive_key else "key.flag", lang),
            dead=count(life.dead_days, "day", lang),
            multiple=_num(life.dead_interval_multiple, lang),
            reanimatable=T.fmt_int(life.reanimatable_min_orders, lang),
        ),
        "dynamics": say("dynamics", lang, period=period),
        "churn": say(
            "churn",
            lang,
            horizon=count(churn.horizon_days, "day", lang),
            cutoffs=T.fmt_int(churn.n_cutoffs, lang),
            medium=_pct(_band("medium"), lang),
            high=_pct(_band("high"), lang),
            min_clients=T.fmt_int(churn.min_clients, lang),
        ),
        "value": say("value", lang),
        "quality": say(
            "quality",
            lang,
            filled=_pct(qual.group_filled_share, lang),
            base=_pct(qual.client_base_score, lang),
            contacts=_pct(qual.client_base_contact_share, lang),
            names=_pct(qual.list_of_names_score, lang),
            similarity=_num(qual.name_similarity, lang),
            shared=T.fmt_int(qual.shared_key_limit, lang),
        ),
        "managers": say(
            "managers",
            lang,
            days=say(
                "days.policy" if cfg.segmentation.contact_policy else "days.default",
                lang,
                low=T.fmt_int(min(days), lang),
                high=T.fmt_int(max(days), lang),
            ),
            answers=T.fmt_int(_nps_min_answers(), lang),
        ),
    }


def render(audit: AuditView) -> str:
    """The "Method" appendix of ``audit``: a heading, a two-column table (topic, how it is
    counted) with the figures of ``audit.config``, and a pointer to ``docs/method.md``."""
    lang = audit.lang
    text = _sentences(audit.config, lang, audit.as_of)
    table = pd.DataFrame(
        {
            "topic": [say(f"topic.{name}", lang) for name in TOPICS],
            "rule": [text[name] for name in TOPICS],
        }
    )
    labels = {"topic": say("col.topic", lang), "rule": say("col.rule", lang)}
    return "".join(
        [
            f'<h2 id="method">{ESC(say("h.method", lang))}</h2>',
            T.table_html(
                table, lang, index=False, labels=labels, kinds={"topic": "text", "rule": "text"}
            ),
            p(say("more", lang), "rk-note"),
        ]
    )
