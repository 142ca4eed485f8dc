"""The churn model's metrics, each said in one plain sentence (the appendix of the audit)."""

from __future__ import annotations

import pandas as pd
import pytest

from reportkit.analysis.churn import ModelCard
from reportkit.report.sections.model import plain_metrics


def _card() -> ModelCard:
    # 200 clients at the test date, 50 of whom left (25 %); by hand: the riskiest 10 % left at
    # 2.4 x 25 % = 60 %; Brier 0.15 against 0.25 x 0.75 = 0.1875 for one average chance:
    # 1 - 0.15 / 0.1875 = 20 % closer
    metrics = pd.DataFrame(
        {"roc_auc": [0.81], "pr_auc": [0.6], "brier": [0.15], "lift_top10": [2.4],
         "capture_top10": [0.24]},
        index=["logistic regression"],
    )
    return ModelCard(
        status="model", chosen="logistic regression", reason="", horizon_days=90,
        as_of=pd.Timestamp("2025-12-31"), test_cutoff=pd.Timestamp("2025-09-30"),
        population={"clients at the test cut-off": 200, "churners at the test cut-off": 50},
        metrics=metrics,
    )


@pytest.mark.parametrize("lang, expected", [
    ("en", ["on 2025-09-30, 60% placed no order in the next 90 days — 2.4 times the rate of "
            "all clients (25%)", "Those 10% held 24% of all the clients who left",
            "riskier 8.1 times in 10", "20% closer to what happened", "average chance (25%)"]),
    ("ru", ["на 30.09.2025 сочла самыми рискованными, 60 % не сделали заказ в следующие 90 "
            "дней — в 2,4 раза больше, чем среди всех клиентов (25 %)", "пришлось 24 %",
            "в 8,1 случаях из 10", "на 20 % ближе"]),
])
def test_each_metric_is_one_plain_sentence(lang, expected):
    # the report writes a narrow no-break space before % in Russian
    text = " ".join(plain_metrics(_card(), lang)).replace("\u202f", " ")
    for words in expected:
        assert words in text, (words, text)
    for jargon in ("ROC", "AUC", "Brier", "Брайер", "lift", "Лифт"):
        assert jargon not in text


def test_no_sentence_without_a_chosen_model():
    card = _card()
    card.chosen = None
    assert plain_metrics(card, "en") == []
