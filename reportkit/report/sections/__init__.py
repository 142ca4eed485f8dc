"""The sections of the audit report, one module each: ``render(audit) -> str`` turns the
results of an :class:`~reportkit.report.pipeline.Audit` into an HTML fragment in its language."""

from __future__ import annotations

from . import (
    abc,
    bcg,
    churn,
    churn_new,
    cross_sell,
    data,
    dynamics,
    lifecycle,
    managers,
    method,
    model,
    money,
    overview,
    period,
    plan,
    quality,
    reactivation,
    rfm,
    size,
    verdict,
    xyz,
)
from .common import h


def appendix(audit) -> str:
    """The heading that opens the technical appendix (data received, the model, the method)."""
    return h(2, "appendix", audit.lang)


#: section name -> its renderer
RENDERERS = {
    "appendix": appendix,
    "verdict": verdict.render,
    "overview": overview.render,
    "data": data.render,
    "abc": abc.render,
    "xyz": xyz.render,
    "rfm": rfm.render,
    "bcg": bcg.render,
    "size": size.render,
    "lifecycle": lifecycle.render,
    "dynamics": dynamics.render,
    "churn": churn.render,
    "reactivation": reactivation.render,
    "quality": quality.render,
    "managers": managers.render,
    "model": model.render,
    "method": method.render,
    "period": period.render,
    "churn_new": churn_new.render,
    "money": money.render,
    "plan": plan.render,
    "cross_sell": cross_sell.render,
}

__all__ = ["RENDERERS"]
