"""Step 3 of the generator: sales lines (distinct products per order), returns and document
numbers.
"""

from __future__ import annotations

import numpy as np

from ..schema import (
    AMOUNT,
    MARGIN,
    PRICE,
    QUANTITY,
)
from .shape import (
    _RETURN_SHARE,
    _weekday,
)
from .vocabulary import _CATEGORIES


def _lines(
    rng: np.random.Generator, orders: dict, plan: dict, span: int, start_dow: int
) -> dict[str, np.ndarray]:
    """Sales lines (distinct products per order) and returns."""
    n_orders = len(orders["day"])
    n_products = sum(len(c[3]) for c in _CATEGORIES)
    base_price = np.array([p[2] for c in _CATEGORIES for p in c[3]], dtype=float)
    cat_margin = np.repeat([c[2] for c in _CATEGORIES], 8)
    client = orders["client"]

    # client preference: three favourite categories
    weight = np.ones((len(plan["rhythm"]), 8))
    if len(weight):
        rows = np.arange(len(weight))[:, None]
        weight[rows, plan["fav"]] = np.array([8.0, 4.0, 2.0])
    logw = np.log(np.repeat(weight, 8, axis=1))
    nl = orders["nlines"]
    line_order = np.repeat(np.arange(n_orders), nl)
    k = np.arange(len(line_order)) - np.repeat(np.cumsum(nl) - nl, nl)
    product = np.empty(len(line_order), dtype=np.int64)
    log_price = np.log(base_price)
    log_value = np.log(np.maximum(orders["value"], 1.0))
    chunk = 20000
    for lo in range(0, n_orders, chunk):  # Gumbel top-k: weighted, without replacement
        hi = min(n_orders, lo + chunk)
        dear = np.maximum(0.0, log_price[None, :] - log_value[lo:hi, None])  # dearer than order
        keys = logw[client[lo:hi]] - 3.0 * dear + rng.gumbel(size=(hi - lo, n_products))
        ranked = np.argsort(-keys, axis=1)[:, :4]
        sel = (line_order >= lo) & (line_order < hi)
        product[sel] = ranked[line_order[sel] - lo, k[sel]]

    day = orders["day"][line_order]
    owner = client[line_order]
    share = rng.exponential(1.0, len(line_order))
    share /= np.bincount(line_order, weights=share, minlength=n_orders)[line_order]
    target = orders["value"][line_order] * share
    price = np.round(base_price[product] * 1.07 ** (day / 365.25) * plan["price_factor"][owner], 2)
    qty = np.maximum(1, np.round(target / price))
    amount = np.round(qty * price, 2)
    rate = cat_margin[product] * plan["margin_factor"][owner] * rng.normal(1.0, 0.08, len(qty))
    margin = np.round(amount * rate, 2)

    # returns: a later line of the same order and product with a negative quantity
    n_lines = len(qty)
    n_ret = round(_RETURN_SHARE * n_lines / (1 - _RETURN_SHARE) * 1.08)
    pick = np.sort(rng.choice(n_lines, size=min(n_ret, n_lines), replace=False))
    rday = _weekday(day[pick] + rng.integers(3, 31, len(pick)), start_dow)
    c, r = plan["churn"][owner[pick]], plan["react"][owner[pick]]
    in_gap = (c >= 0) & (rday >= c) & ((r < 0) | (rday < r))
    ok = (rday < span) & ~in_gap
    pick, rday = pick[ok], rday[ok]
    rqty = -np.maximum(1, np.ceil(qty[pick] * rng.uniform(0.05, 1.0, len(pick))))
    ramount = np.round(rqty * price[pick], 2)
    rmargin = np.round(margin[pick] * rqty / qty[pick], 2)

    def cat(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.concatenate([a, b])

    return {
        "order": cat(line_order, line_order[pick]),
        "k": cat(k, k[pick] + 4),
        "client": cat(owner, owner[pick]),
        "dup": np.full(n_lines + len(pick), -1, dtype=np.int64),
        "day": cat(day, rday),
        "product": cat(product, product[pick]),
        QUANTITY: cat(qty, rqty),
        PRICE: cat(price, price[pick]),
        AMOUNT: cat(amount, ramount),
        MARGIN: cat(margin, rmargin),
        "manager": orders["manager"][cat(line_order, line_order[pick])],
        "channel": orders["channel"][cat(line_order, line_order[pick])],
        "order_day": orders["day"][cat(line_order, line_order[pick])],
        "is_return": cat(np.zeros(n_lines, bool), np.ones(len(pick), bool)),
    }


def _order_ids(lines: dict, lang: str) -> np.ndarray:
    """Document numbers in date order: ``012345`` (ru, 1C style) or ``INV-012345`` (en)."""
    orders = np.unique(lines["order"])
    number = np.empty(orders.max() + 1 if len(orders) else 0, dtype=np.int64)
    number[orders] = np.arange(len(orders)) + 1001  # orders are numbered by date already
    width = max(6, len(str(len(orders) + 1001)))
    fmt = f"{{:0{width}d}}" if lang == "ru" else f"INV-{{:0{width}d}}"
    text = np.array([fmt.format(x) for x in range(1001, 1001 + len(orders))], dtype=object)
    return text[number[lines["order"]] - 1001]
