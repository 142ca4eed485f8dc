"""Appendix: how far the churn model and the expected revenue can be trusted — the model card,
its metrics each said in one plain sentence, the calibration and the expected-revenue backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import text as T
from ..run import computed
from ..view import AuditView
from ..words.audit import VALUE_METHODS, count, say, value_word
from .common import fig_html, h, p


def render(audit: AuditView) -> str:
    """How the churn model was chosen and checked, its metrics in plain words and in a table,
    its calibration, and the expected-revenue backtest."""
    lang = audit.lang
    parts = [h(2, "model", lang)]
    churn = computed(audit.results.churn)
    if churn is None:
        why = say("why.data", lang) if "churn" in audit.errors else say("na.not_built", lang)
        return "".join(parts) + p(say("churn.none", lang, why=why), "rk-note")
    model, scores = churn.model, churn.scores
    card = model.card_
    if scores is None:
        return "".join(parts) + p(
            say("churn.none", lang, why=audit.churn_why(card.reason)), "rk-note"
        )
    parts += card_sentences(card, lang)
    parts += plain_metrics(card, lang)
    parts.append(metrics_table(card, lang))
    if card.brier_uncalibrated is not None:
        parts.append(
            p(
                say(
                    "churn.calibrated",
                    lang,
                    before=T.fmt_number(card.brier_uncalibrated, lang, decimals=3),
                    after=T.fmt_number(card.metrics.loc[card.chosen, "brier"], lang, decimals=3),
                )
            )
        )
    parts.append(fig_html(reliability_figure(card.reliability, lang)))
    parts += value_card(audit)
    return "".join(parts)


def card_sentences(card, lang: str) -> list[str]:
    """How the model was tested (or why it could not be), what it left out or skipped."""
    if card.status == "not backtested":
        first = say(
            "churn.not_backtested",
            lang,
            cal=T.fmt_date(card.calibration_cutoff, lang),
            days=card.horizon_days,
        )
    else:
        first = say(
            "churn.card",
            lang,
            chosen=value_word(card.chosen, lang),
            test=T.fmt_date(card.test_cutoff, lang),
            train=", ".join(T.fmt_period(c, lang) for c in card.train_cutoffs),
            days=card.horizon_days,
        )
    out = [p(first)]
    if card.dropped_features:
        why = lambda w: say("churn." + ("constant" if w == "constant" else "all_missing"), lang)
        features = ", ".join(f"{f} ({why(w)})" for f, w in card.dropped_features.items())
        out.append(p(say("churn.dropped", lang, features=features), "rk-note"))
    if card.failed:
        scorers = ", ".join(value_word(name, lang) for name in card.failed)
        out.append(p(say("churn.failed", lang, scorers=scorers), "rk-note"))
    if card.status == "baseline":
        out.append(p(say("churn.baseline", lang)))
    return out


def metrics_table(card, lang: str) -> str:
    """Every scorer's test metrics (the technical measures the plain sentences explain)."""
    metrics = card.metrics.drop(columns=["chosen"], errors="ignore").copy()
    metrics.index = pd.Index(
        [value_word(i, lang) for i in metrics.index], name=say("m.scorer", lang)
    )
    metrics.columns = [say(f"m.{c}", lang) if T.has(f"audit.m.{c}") else c for c in metrics.columns]
    return T.table_html(
        metrics,
        lang,
        index=True,
        kinds={c: "number" for c in metrics.columns},
        decimals={c: 3 for c in metrics.columns},
    )


def plain_metrics(card, lang: str) -> list[str]:
    """The chosen scorer's test metrics, each in one sentence a director can read."""
    if card.chosen is None or card.chosen not in card.metrics.index:
        return []
    m = card.metrics.loc[card.chosen]
    pop = card.population or {}
    clients = pop.get("clients at the test cut-off")
    churners = pop.get("churners at the test cut-off")
    when = card.test_cutoff if card.test_cutoff is not None else card.calibration_cutoff
    days = count(card.horizon_days, "day", lang)
    out = []
    lift, capture = m.get("lift_top10"), m.get("capture_top10")
    if clients and churners is not None and lift is not None and np.isfinite(lift):
        base = churners / clients
        out.append(
            say(
                "m.plain_lift",
                lang,
                date=T.fmt_date(when, lang),
                rate=T.fmt_pct(min(lift * base, 1.0), lang, decimals=0),
                days=days,
                base=T.fmt_pct(base, lang, decimals=0),
                lift=T.fmt_number(lift, lang, decimals=1),
            )
        )
    if capture is not None and np.isfinite(capture):
        out.append(say("m.plain_capture", lang, share=T.fmt_pct(capture, lang, decimals=0)))
    auc = m.get("roc_auc")
    if auc is not None and np.isfinite(auc):
        out.append(say("m.plain_auc", lang, times=T.fmt_number(auc * 10, lang, decimals=1)))
    brier = m.get("brier")
    if clients and churners is not None and brier is not None and np.isfinite(brier):
        # Brier skill: how much closer than giving everyone the same, average chance
        base = churners / clients
        reference = base * (1 - base)
        if reference > 0:
            out.append(
                say(
                    "m.plain_brier",
                    lang,
                    skill=T.fmt_pct(1 - brier / reference, lang, decimals=0),
                    base=T.fmt_pct(base, lang, decimals=0),
                )
            )
    return [p(" ".join(out))] if out else []


def value_card(audit: AuditView) -> list[str]:
    """What "expected revenue" means, and how it held up at the latest cut-off whose next
    12 months are in the data, beside the naive estimates."""
    lang = audit.lang
    parts = [h(3, "value", lang), p(say("value.definition", lang))]
    bt = computed(audit.results.value_backtest)
    if bt is None or not len(bt.table):
        return [*parts, p(say("value.no_backtest", lang), "rk-note")]
    table = bt.table[bt.table["method"].isin(VALUE_METHODS)].copy()
    cutoff = table["cutoff"].max()
    table = table[table["cutoff"] == cutoff]
    view = pd.DataFrame(
        {
            say("value.method", lang): [say("value." + m, lang) for m in table["method"]],
            say("value.predicted", lang): table["predicted"].to_numpy(),
            say("value.actual", lang): table["actual"].to_numpy(),
            say("value.total_error", lang): table["total_error"].to_numpy(),
            say("value.mae", lang): table["mae"].to_numpy(),
        }
    )
    clients = int(table["n_clients"].iloc[0])
    parts.append(
        p(
            say(
                "value.backtest",
                lang,
                cutoff=T.fmt_date(cutoff, lang),
                clients=T.fmt_int(clients, lang),
            )
        )
    )
    parts.append(
        T.table_html(
            view,
            lang,
            kinds={
                say("value.predicted", lang): "money",
                say("value.actual", lang): "money",
                say("value.total_error", lang): "pct",
                say("value.mae", lang): "money",
            },
        )
    )
    return parts


def reliability_figure(rel: pd.DataFrame, lang: str):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.2, 3.6))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], color="#999", lw=1, ls="--")
    if len(rel):
        ax.plot(rel["predicted"], rel["observed"], marker="o", color="#1f5fa8")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Прогноз вероятности ухода" if lang == "ru" else "Predicted churn probability")
    ax.set_ylabel("Доля ушедших" if lang == "ru" else "Observed churn rate")
    ax.set_title("Надёжность прогноза" if lang == "ru" else "Reliability")
    fig.tight_layout()
    return fig
