"""The churn section of the audit report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import text as T
from ..words.audit import VALUE_METHODS, say, value_word
from .common import at_risk_table, fig_html, h, p

if TYPE_CHECKING:
    from ..pipeline import Audit


def render(audit: Audit) -> str:
    lang = audit.lang
    parts = [h(2, "churn", lang)]
    churn = audit.results.get("churn")
    if churn is None:
        why = say("why.data", lang) if "churn" in audit.errors else say("na.not_built", lang)
        return "".join(parts) + p(say("churn.none", lang, why=why), "rk-note")
    model, scores = churn["model"], churn["scores"]
    card = model.card_
    if scores is None:
        return "".join(parts) + p(
            say("churn.none", lang, why=audit.churn_why(card.reason)), "rk-note"
        )
    if card.status == "not backtested":
        parts.append(
            p(
                say(
                    "churn.not_backtested",
                    lang,
                    cal=T.fmt_date(card.calibration_cutoff, lang),
                    days=card.horizon_days,
                )
            )
        )
    else:
        parts.append(
            p(
                say(
                    "churn.card",
                    lang,
                    chosen=value_word(card.chosen, lang),
                    test=T.fmt_date(card.test_cutoff, lang),
                    train=", ".join(T.fmt_period(c, lang) for c in card.train_cutoffs),
                    days=card.horizon_days,
                )
            )
        )
    if card.dropped_features:
        parts.append(
            p(
                say(
                    "churn.dropped",
                    lang,
                    features=", ".join(
                        f"{f} ({say('churn.' + ('constant' if why == 'constant' else 'all_missing'), lang)})"
                        for f, why in card.dropped_features.items()
                    ),
                ),
                "rk-note",
            )
        )
    if card.failed:
        parts.append(
            p(
                say(
                    "churn.failed",
                    lang,
                    scorers=", ".join(value_word(name, lang) for name in card.failed),
                ),
                "rk-note",
            )
        )
    if card.status == "baseline":
        parts.append(p(say("churn.baseline", lang)))
    metrics = card.metrics.drop(columns=["chosen"], errors="ignore").copy()
    metrics.index = pd.Index(
        [value_word(i, lang) for i in metrics.index], name=say("m.scorer", lang)
    )
    metrics.columns = [say(f"m.{c}", lang) if T.has(f"audit.m.{c}") else c for c in metrics.columns]
    parts.append(
        T.table_html(
            metrics,
            lang,
            index=True,
            kinds={c: "number" for c in metrics.columns},
            decimals={c: 3 for c in metrics.columns},
        )
    )
    chosen_brier = card.metrics.loc[card.chosen, "brier"]
    if card.brier_uncalibrated is not None:
        parts.append(
            p(
                say(
                    "churn.calibrated",
                    lang,
                    before=T.fmt_number(card.brier_uncalibrated, lang, decimals=3),
                    after=T.fmt_number(chosen_brier, lang, decimals=3),
                )
            )
        )
    parts.append(fig_html(reliability_figure(card.reliability, lang)))
    parts += value_card(audit)
    # the list is too wide for a portrait page: rk-landscape (the window's width, a landscape page)
    parts.append('<div class="rk-landscape">')
    parts.append(h(3, "at_risk", lang))
    parts.append(at_risk_table(audit, scores))
    parts.append(p(say("shown", lang), "rk-note"))
    parts.append("</div>")
    return "".join(parts)


def value_card(audit: Audit) -> list[str]:
    """What "expected revenue" means, and how it held up at the latest cut-off whose next
    12 months are in the data, beside the naive estimates."""
    lang = audit.lang
    parts = [h(3, "value", lang), p(say("value.definition", lang))]
    bt = audit.results.get("value_backtest")
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
