"""The sample's sales plan: the next quarter by manager, one line planted out of reach.

Written by :func:`reportkit.io.sample.files.regenerate_sample` beside the base as ``plan.csv``
(the Russian export's dialect: cp1251, ``;``, CRLF, decimal comma, headers ``Период;Менеджер;
Сумма``), with ``truth/plan.csv`` naming the planted line. Derived from the base's sales only
(no random stream), so the other files of the sample do not change.

Each manager's line for a month is 90 % of the mean of two figures of their sales lines: the
same month a year earlier, and the mean month of the last 12 -- a plan a sales director would
write. The planted line asks the largest manager (by the last 12 months' revenue) for 2.5 times
their mean month in the second month: no base of clients that size brings that.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..schema import AMOUNT, DATE, MANAGER

#: what the planted line asks, as a multiple of the manager's mean month
PLANTED_FACTOR = 2.5
#: the share of the reference figure the other lines plan
PLAN_SHARE = 0.9
PLAN_HEADERS = ("Период", "Менеджер", "Сумма")


def make_plan(transactions: pd.DataFrame, months: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The plan (``period``, ``manager``, ``amount``) of the ``months`` after the last sale's
    month, and its truth (the planted line with ``why``)."""
    tx = transactions[[DATE, MANAGER, AMOUNT]].dropna(subset=[MANAGER])
    month = tx[DATE].dt.to_period("M")
    last = month.max()
    by = tx.assign(month=month).groupby([MANAGER, "month"], sort=True)[AMOUNT].sum()
    managers = sorted(tx[MANAGER].unique())
    recent = [last - k for k in range(12)]
    rows = []
    for m in managers:
        own = by.loc[m] if m in by.index.get_level_values(0) else pd.Series(dtype=float)
        mean12 = float(own.reindex(recent, fill_value=0.0).mean())
        for k in range(1, months + 1):
            target = last + k
            ly = float(own.get(target - 12, 0.0))
            rows.append((str(target), m, round(PLAN_SHARE * (ly + mean12) / 2, -3), mean12))
    plan = pd.DataFrame(rows, columns=["period", "manager", "amount", "mean12"])
    largest = plan.groupby("manager")["mean12"].first().idxmax()
    hit = (plan["manager"] == largest) & (plan["period"] == str(last + min(2, months)))
    plan.loc[hit, "amount"] = round(PLANTED_FACTOR * plan.loc[hit, "mean12"].iloc[0], -3)
    truth = plan.loc[hit, ["period", "manager", "amount"]].assign(why="unrealistic")
    return plan.drop(columns="mean12"), truth.reset_index(drop=True)


def write_plan(transactions: pd.DataFrame, out: str | Path) -> dict[str, Path]:
    """Write ``plan.csv`` and ``truth/plan.csv`` into ``out`` (see the module docstring)."""
    out = Path(out)
    plan, truth = make_plan(transactions)
    text = plan.assign(amount=plan["amount"].map(lambda v: f"{v:.2f}".replace(".", ","))).to_csv(
        index=False, sep=";", lineterminator="\r\n", header=list(PLAN_HEADERS)
    )
    (out / "plan.csv").write_bytes(text.encode("cp1251"))
    (out / "truth").mkdir(parents=True, exist_ok=True)
    truth_text = truth.assign(amount=truth["amount"].map(lambda v: f"{v:.2f}"))
    (out / "truth" / "plan.csv").write_bytes(
        truth_text.to_csv(index=False, lineterminator="\n").encode("utf-8")
    )
    return {"plan": out / "plan.csv", "truth/plan": out / "truth" / "plan.csv"}
