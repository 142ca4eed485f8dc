"""The section "Where the money is": the Paretos by product, category, channel, region and
industry, what each client segment buys, and the large sales at a low margin.

The figures are those of :func:`reportkit.analysis.money.where_money` (``audit.results.money``);
the section is hidden with one sentence when the sales lines carry no product, category or
channel. Every table is cut to its first rows; the workbook has them all
(:meth:`reportkit.analysis.money.Money.tables`).
"""

from __future__ import annotations

import pandas as pd

from ...analysis.money import LINE_DIMENSIONS, Money
from ...io import schema as S
from .. import text as T
from ..run import Failed
from ..view import AuditView
from ..words.money import headers, say
from .common import ESC, p, with_names

#: the most rows a Pareto table shows (the workbook has every item)
MAX_ROWS = 15
#: the most rows of a margin table
MAX_MARGIN_ROWS = 10
#: how the values of each segmentation are named: the label namespace (None: as they are)
SEGMENT_VALUES: dict[str, str | None] = {
    S.ABC: None,
    S.BLOCK: "block",
    S.SIZE_TIER: "segmentation",
    S.INDUSTRY: None,
}
PCT = "pct"


#: a segment table with more columns than this goes on a landscape page in print
WIDE_COLUMNS = 7


def heading(level: int, key: str, lang: str, **fmt) -> str:
    """A heading of the section, its id made from the key (``h.money`` -> ``money``)."""
    slug = "money" + ("" if key == "h.money" else "-" + key[2:] + "-" + fmt.get("slug", ""))
    text = say(key, lang, **{k: v for k, v in fmt.items() if k != "slug"})
    return f'<h{level} id="{slug.rstrip("-")}">{ESC(text)}</h{level}>'


def _pct(value: float, lang: str) -> str:
    return T.fmt_pct(abs(value), lang)


def _intro(money: Money, lang: str) -> list[str]:
    prm = money.params
    a, b = prm["cutoffs"]
    parts = [
        p(
            say(
                "window",
                lang,
                start=T.fmt_date(prm["start"], lang),
                end=T.fmt_date(prm["as_of"], lang),
                prev_start=T.fmt_date(prm["prev_start"], lang),
                prev_end=T.fmt_date(prm["start"] - pd.Timedelta(days=1), lang),
                a=T.fmt_pct(a, lang, decimals=0),
                b=T.fmt_pct(b, lang, decimals=0),
            )
        )
    ]
    for code, params in money.notes:
        if code == "no_previous":
            parts.append(p(say(code, lang, first=T.fmt_date(params["first"], lang)), "rk-note"))
        elif code == "no_margin":
            parts.append(p(say(code, lang), "rk-note"))
    return parts


def _pareto(audit: AuditView, money: Money, dim: str) -> str:
    """One dimension: its sentences and the table of its first items."""
    lang, row = audit.lang, money.summary.set_index("dimension").loc[dim]
    table = money.paretos[dim]
    parts = [heading(3, "h.pareto", lang, dimension=say(f"dim.{dim}", lang), slug=dim)]
    text = say(
        "top",
        lang,
        items=say(f"items.{dim}", lang),
        n_top=T.fmt_int(row["n_top"], lang),
        n_items=T.fmt_int(row["n_items"], lang),
        share=T.fmt_pct(row["top_share"], lang),
    )
    if pd.notna(row["top_growth"]):
        text += " " + say(
            "top.grew" if row["top_growth"] >= 0 else "top.fell",
            lang,
            growth=_pct(row["top_growth"], lang),
            growing=T.fmt_int(row["top_growing"], lang),
            n_top=T.fmt_int(row["n_top"], lang),
        )
    shown = min(MAX_ROWS, len(table))
    if shown < len(table):
        text += " " + say(
            "top.more", lang, shown=T.fmt_int(shown, lang), n_items=T.fmt_int(len(table), lang)
        )
    parts.append(p(text))
    cols = [dim, "revenue", "revenue_share", "cum_share", "abc"]
    cols += ["growth"] if money.params["prev_known"] else []
    cols += ["margin_rate", "margin_abc"] if "margin" in table.columns else []
    view = table.head(shown)[cols].copy()
    view[dim] = view[dim].astype(object).where(view[dim].notna(), say("unknown", lang))
    kinds = {c: PCT for c in ("revenue_share", "cum_share", "growth", "margin_rate")}
    parts.append(
        T.table_html(view, lang, index=False, kinds=kinds, labels=headers(view.columns, lang))
    )
    return "".join(parts)


def _pivot(mix: pd.DataFrame, values: str, namespace: str | None, lang: str) -> pd.DataFrame:
    """Categories down, segments across (in their order), ``values`` in the cells."""
    order = list(dict.fromkeys(mix["segment"]))
    wide = mix.pivot(index=S.CATEGORY, columns="segment", values=values)[order]
    wide.columns = [T.label(c, lang, namespace) if namespace else str(c) for c in order]
    return wide.reset_index()


def _mix(money: Money, lang: str) -> str:
    """What each segment buys: the revenue shares and the penetration of each category."""
    mix = money.mix
    if mix is None or not len(mix):
        return ""
    parts = [heading(3, "h.mix", lang), p(say("mix", lang))]
    for code, prm in money.notes:
        if code == "same_segments":
            name, twin = (say(f"same.{prm[k]}", lang) for k in ("name", "same_as"))
            parts.append(p(say(code, lang, name=name, same_as=twin)))
    for name, frame in mix.groupby("segmentation", sort=False):
        seg = say(f"seg.{name}", lang) if T.has(f"money.seg.{name}") else str(name)
        namespace = SEGMENT_VALUES.get(str(name))
        for values, key in (("revenue_share", "mix.share"), ("penetration", "mix.penetration")):
            wide = _pivot(frame, values, namespace, lang)
            kinds = {c: PCT for c in wide.columns if c != S.CATEGORY}
            table = T.table_html(
                wide,
                lang,
                index=False,
                kinds=kinds,
                labels=headers([S.CATEGORY], lang),
                caption=say(key, lang, segmentation=seg),
            )
            # a segmentation of many segments (industries) is too wide for a portrait page: the
            # window's width on screen, a landscape page in print
            wide_table = wide.shape[1] > WIDE_COLUMNS
            parts.append(f'<div class="rk-landscape">{table}</div>' if wide_table else table)
    return "".join(parts)


def _margin_table(audit: AuditView, frame: pd.DataFrame, key: str) -> str:
    view = frame.head(MAX_MARGIN_ROWS)
    if key == S.CLIENT_ID:  # the client's name beside the id; pseudonyms with masking
        view = audit.shown(with_names(audit, view))
    return T.table_html(
        view,
        audit.lang,
        index=False,
        kinds={"margin_rate": PCT, "margin_gap": "money"},
        labels=headers(view.columns, audit.lang),
    )


def _margin(audit: AuditView, money: Money) -> str:
    """The clients and products that sell a lot at a low or negative margin."""
    lang, prm = audit.lang, money.params
    clients, products = money.low_margin_clients, money.low_margin_products
    if clients is None:
        return ""
    cm = prm["clients_margin"]
    pm = prm.get("products_margin", {})

    def money_or_na(value):
        return T.fmt_money(value, lang) if pd.notna(value) else T.MISSING

    def pct_or_na(value):
        return T.fmt_pct(value, lang) if pd.notna(value) else T.MISSING

    parts = [
        heading(3, "h.margin", lang),
        p(
            say(
                "margin",
                lang,
                clients=money_or_na(cm["min_revenue"]),
                products=money_or_na(pm.get("min_revenue")),
                client_low=pct_or_na(cm["low_rate"]),
                client_median=pct_or_na(cm["median_rate"]),
                product_low=pct_or_na(pm.get("low_rate")),
                product_median=pct_or_na(pm.get("median_rate")),
            )
        ),
    ]
    for frame, key, what in ((clients, S.CLIENT_ID, "clients"), (products, S.PRODUCT, "products")):
        if frame is None:
            continue
        if not len(frame):
            parts.append(p(say(f"margin.{what}_none", lang)))
        else:
            parts.append(p(say(f"margin.{what}", lang)) + _margin_table(audit, frame, key))
    return "".join(parts)


def render(audit: AuditView) -> str:
    """Where the money is (see the module docstring); hidden with one sentence when the sales
    lines carry no product, category or channel."""
    lang = audit.lang
    parts = [heading(2, "h.money", lang)]
    tx = audit.dataset.transactions
    if tx is None:
        return "".join([*parts, p(say("hidden.out_of_core", lang), "rk-note")])
    if not any(c in tx.columns and tx[c].notna().any() for c in LINE_DIMENSIONS):
        return "".join([*parts, p(say("hidden", lang), "rk-note")])
    money = audit.results.money
    if isinstance(money, Failed):
        return "".join([*parts, audit.error_or_na("money", say("h.money", lang))])
    if money is None:
        return "".join([*parts, p(say("hidden", lang), "rk-note")])
    if not money.paretos:
        return "".join([*parts, p(say("none", lang), "rk-note")])
    parts += _intro(money, lang)
    parts += [_pareto(audit, money, d) for d in money.dimensions]
    parts += [_mix(money, lang), _margin(audit, money)]
    return "".join(parts)


__all__ = ["render"]
