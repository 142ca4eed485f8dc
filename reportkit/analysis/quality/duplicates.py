"""Duplicates: which client records are one client, with the evidence of every link, a
confidence, the record to keep and the revenue the records make together (:func:`find_duplicates`).

*Links.* Two records are linked when their normalised phone, e-mail or tax id are equal
(invalid INNs too: they are reported in ``invalid_tax_ids``), or when their normalised names
(:func:`normalize_name`) are equal, score at least ``name_similarity`` with
``rapidfuzz.fuzz.ratio``, or differ by two swapped adjacent letters (6+ letters). A fuzzy
(not equal) name must look like one name with a typo: the names may differ in one word
only (or in spacing), and when the words they share are all common words of the base
(in ``common_word_min`` names or more: "строй", "групп") the differing word itself must
reach ``name_similarity`` — "Ноор Логистик" and "Тоор Логистик" are two companies.

*Generic values.* A phone, e-mail, tax id or normalised name shared by more than
``shared_key_limit`` records (a call-centre number, info@ mailbox, "Розница") links nothing
and is listed in ``shared_keys``, so it cannot chain unrelated clients together. A group
that still grows beyond ``max_group_size`` records is split by dropping its low-confidence
links, then its medium ones.

*Confidence of a link.* High: equal valid tax id, e-mail or phone. Medium: equal invalid
tax id, or name score >= ``name_medium_similarity``. Low: other name links. Evidence
against a link: when both records carry valid tax ids that differ (two legal entities), a
high link becomes medium and a name-only link is dropped; when a name-only link joins two
records whose phones or e-mails differ (generic values aside), it loses one level (medium
becomes low, low is dropped).

*Groups* are the connected components of the links (A~B and B~C make one group A, B, C);
``group_confidence`` is the lowest level of links that still holds the whole group
together. The survivor is the record with the most orders, then the most complete card
(fields present, see :func:`completeness`), then the oldest (``created``, else first
order), then the smallest client_id; the result does not depend on row order.

*Blocking of names.* Each distinct name is compared only with names sharing a word, or its
first or last four letters: blocks of up to 64 names are scored pair by pair in one
vectorised call, blocks of up to ``name_block_size`` with ``rapidfuzz.process.cdist``, and
larger blocks by sorted neighbourhood (each name with the next ``name_window``). The work
grows with the number of names times the block size, not with its square: 100,000
records take about 5 s of CPU.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...io.config import QualitySettings
from ...io.schema import (
    ACTION,
    CLIENT_ID,
    CLIENT_ID_A,
    CLIENT_ID_B,
    CONFIDENCE,
    CREATED,
    DATE,
    EVIDENCE,
    GROUP_CONFIDENCE,
    GROUP_ID,
    GROUP_REVENUE,
    GROUP_SIZE,
    KEY,
    NAME,
    NAME_SCORE,
    ORDERS,
    RECORDS,
    REVENUE,
    SURVIVOR,
    VALUE,
)
from ..result import Note
from .candidates import _component_labels, _unique_ints
from .cards import _card_fields_present
from .common import (
    _check_settings,
    _clients_table,
    _html_table,
    _items,
    _orders_revenue,
    _settings_used,
    _transactions_table,
)
from .links import EVIDENCE_CODES, _candidates, _invalid_tax_ids, _Keys, _keys, _links

__all__ = [
    "EVIDENCE_CODES",
    "HIGH",
    "KEEP",
    "LOW",
    "MEDIUM",
    "MERGE",
    "PROBLEMS",
    "Duplicates",
    "find_duplicates",
]

HIGH, MEDIUM, LOW = "high", "medium", "low"
#: the actions of :meth:`Duplicates.action_list`
KEEP, MERGE = "keep", "merge"
#: the ``problem`` codes of an invalid tax id: not 10 or 12 digits, check digits do not match
PROBLEMS = ("length", "check")
_LEVEL_NAMES = {3: HIGH, 2: MEDIUM, 1: LOW}
#: the settings :func:`find_duplicates` reads (its result's ``params``)
DUPLICATE_SETTINGS = (
    "name_similarity",
    "name_medium_similarity",
    "shared_key_limit",
    "max_group_size",
    "name_block_size",
    "name_window",
    "common_word_min",
)


# --- the result ---------------------------------------------------------------------------------


@dataclass
class Duplicates:
    """Duplicate client records found by :func:`find_duplicates`.

    Attributes
    ----------
    clients : DataFrame
        The per-client table: one row per record in a duplicate group: ``group_id`` (1 = the
        group with the most revenue), ``client_id``, ``name`` (when the table has names),
        ``survivor`` (client_id of the record to keep), ``evidence`` (its links: "phone ~ C002;
        name 95 ~ C007"), ``confidence`` (its strongest link), ``group_confidence`` (the
        weakest link the group needs to hold together), ``group_size``, ``orders``,
        ``revenue`` (net, per record), ``group_revenue`` (the group's total). ``orders`` and
        ``revenue`` are missing when no transactions were given. Records in no group are not
        listed.
    pairs : DataFrame
        One row per link between two records: ``client_id_a``, ``client_id_b`` (a < b),
        ``evidence`` (the keys that matched, e.g. "tax_id, phone, name 96"; "tax ids differ"
        when both records carry different valid INNs), ``name_score`` (ratio 0–100 of the
        normalised names; NaN when a name is missing), ``confidence`` ("high", "medium",
        "low"), ``group_id`` (NaN when the link was dropped while splitting an oversized group).
    summary : DataFrame
        ``item``, ``value``: records checked, keys present, invalid tax ids, shared keys, pairs,
        groups, surplus records, revenue in duplicate groups.
    invalid_tax_ids : DataFrame
        ``client_id``, ``tax_id`` (as given), ``problem`` ("not 10 or 12 digits", "check digits
        do not match").
    shared_keys : DataFrame
        ``key``, ``value``, ``records``: generic values that linked nothing.
    settings : QualitySettings
    notes : tuple of (code, params)
        Empty: what the search could not do is in :attr:`summary` (shared keys, oversized
        groups) and :attr:`invalid_tax_ids`.
    """

    clients: pd.DataFrame
    pairs: pd.DataFrame
    summary: pd.DataFrame
    invalid_tax_ids: pd.DataFrame
    shared_keys: pd.DataFrame
    settings: QualitySettings = field(default_factory=QualitySettings)
    notes: tuple[Note, ...] = ()

    @property
    def params(self) -> dict[str, Any]:
        """The settings the search used (``name_similarity``, ``shared_key_limit``, …)."""
        return _settings_used(self.settings, DUPLICATE_SETTINGS)

    @property
    def n_groups(self) -> int:
        """Number of duplicate groups."""
        return int(self.clients[GROUP_ID].nunique()) if len(self.clients) else 0

    @property
    def surplus_records(self) -> int:
        """Records that would disappear by merging each group into its survivor."""
        return len(self.clients) - self.n_groups

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy of :attr:`clients`)."""
        return self.clients.copy()

    def action_list(self) -> pd.DataFrame:
        """The "duplicates" action list: one row per record, survivor first in each group.

        Columns: ``group_id``, ``client_id``, ``name`` (when known), ``action`` (``"keep"`` or
        ``"merge"``), ``survivor`` (the record to merge into), ``evidence`` (codes),
        ``confidence``, ``group_confidence``, ``orders``, ``revenue``, ``group_revenue``.
        """
        g = self.clients.copy()
        is_survivor = g[CLIENT_ID] == g[SURVIVOR]
        g[ACTION] = np.where(is_survivor, KEEP, MERGE)
        g["_first"] = ~is_survivor
        g = g.sort_values(
            [GROUP_ID, "_first", REVENUE, CLIENT_ID],
            ascending=[True, True, False, True],
            kind="stable",
        )
        cols = (
            [GROUP_ID, CLIENT_ID]
            + ([NAME] if NAME in g.columns else [])
            + [
                ACTION,
                SURVIVOR,
                EVIDENCE,
                CONFIDENCE,
                GROUP_CONFIDENCE,
                ORDERS,
                REVENUE,
                GROUP_REVENUE,
            ]
        )
        return g[cols].reset_index(drop=True)

    def __repr__(self) -> str:
        return (
            f"Duplicates({len(self.pairs):,} pairs, {self.n_groups:,} groups, "
            f"{self.surplus_records:,} surplus records)"
        )

    def _repr_html_(self) -> str:
        parts = ['<div class="rk-duplicates">', _html_table(self.summary, 30)]
        if len(self.clients):
            parts.append(_html_table(self.action_list(), 30))
        parts.append("</div>")
        return "\n".join(parts)


# --- groups -------------------------------------------------------------------------------------


def _group_labels(
    n: int, lo: np.ndarray, hi: np.ndarray, level: np.ndarray, max_size: int
) -> tuple[dict[int, np.ndarray], np.ndarray, np.ndarray, int]:
    """Connected components, oversized ones split by dropping weak links: (the components at
    each level 1-3, the group label of every record, whether it is in a group of 2+, the
    number of groups still oversized)."""
    comp = {lvl: _component_labels(n, lo[level >= lvl], hi[level >= lvl]) for lvl in (1, 2, 3)}
    label = comp[1].astype(np.int64)
    for lvl, offset in ((2, n), (3, 2 * n)):
        sizes = np.bincount(label)
        big = sizes[label] > max_size
        label = np.where(big, comp[lvl] + offset, label)
    sizes = np.bincount(label)
    in_group = sizes[label] >= 2
    n_oversized = int(np.sum(np.bincount(label)[_unique_ints(label)] > max_size))
    return comp, label, in_group, n_oversized


def _orders_of(
    ids: np.ndarray, transactions: pd.DataFrame | None
) -> tuple[Any, np.ndarray, np.ndarray]:
    """(orders, net revenue, first order) of every record; missing without transactions."""
    n = len(ids)
    if transactions is None:
        return (
            pd.array([pd.NA] * n, dtype="Int64"),
            np.full(n, np.nan),
            np.full(n, np.datetime64("NaT", "ns")),
        )
    tx = _transactions_table(transactions)
    per = _orders_revenue(tx).reindex(ids)
    orders = per[ORDERS].fillna(0).astype("Int64").to_numpy()
    revenue = per[REVENUE].fillna(0.0).to_numpy(float)
    dated = DATE in tx.columns and pd.api.types.is_datetime64_any_dtype(tx[DATE])
    first_order = (
        tx.groupby(CLIENT_ID)[DATE].min().reindex(ids).to_numpy()
        if dated
        else np.full(n, np.datetime64("NaT", "ns"))
    )
    return orders, revenue, first_order


def _records(
    cl: pd.DataFrame,
    label: np.ndarray,
    in_group: np.ndarray,
    transactions: pd.DataFrame | None,
) -> pd.DataFrame:
    """The records in groups with what chooses the survivor: orders, card, age, revenue."""
    n = len(cl)
    ids = cl[CLIENT_ID].to_numpy(object)
    orders, revenue, first_order = _orders_of(ids, transactions)
    card = np.zeros(n, dtype=int)  # fields present on the card, for records in groups only
    members = np.flatnonzero(in_group)
    if len(members):
        card[members] = _card_fields_present(cl.iloc[members], None).sum(axis=1).to_numpy(int)
    created = (
        pd.to_datetime(cl[CREATED], errors="coerce").to_numpy()
        if CREATED in cl.columns
        else np.full(n, np.datetime64("NaT", "ns"))
    )
    oldest = pd.Series(created).fillna(pd.Series(pd.to_datetime(first_order)))
    return pd.DataFrame(
        {
            "_row": np.arange(n),
            "_label": label,
            CLIENT_ID: ids,
            "_orders": pd.Series(orders).fillna(0).astype(int).to_numpy(),
            "_card": card,
            "_oldest": oldest.to_numpy(),
            REVENUE: revenue,
            ORDERS: orders,
        }
    )[in_group]


def _rank_groups(rec: pd.DataFrame, has_revenue: bool) -> tuple[pd.DataFrame, pd.Series]:
    """Survivor, size and revenue of every group, and the group ids: most revenue first, then
    largest, then smallest client_id. Returns (the records, group id by label)."""
    rec = rec.sort_values(
        ["_label", "_orders", "_card", "_oldest", CLIENT_ID],
        ascending=[True, False, False, True, True],
        na_position="last",
        kind="stable",
    )
    rec[SURVIVOR] = rec.groupby("_label")[CLIENT_ID].transform("first")
    rec[GROUP_SIZE] = rec.groupby("_label")[CLIENT_ID].transform("size")
    rec[GROUP_REVENUE] = rec.groupby("_label")[REVENUE].transform("sum")
    if not has_revenue:
        rec[GROUP_REVENUE] = np.nan
    first_id = rec.groupby("_label")[CLIENT_ID].transform("min")
    rank = (
        rec.assign(_first_id=first_id, _gr=rec[GROUP_REVENUE].fillna(0.0))
        .drop_duplicates("_label")
        .sort_values(
            ["_gr", GROUP_SIZE, "_first_id"], ascending=[False, False, True], kind="stable"
        )
    )
    group_of_label = pd.Series(np.arange(1, len(rank) + 1), index=rank["_label"].to_numpy())
    rec[GROUP_ID] = group_of_label.reindex(rec["_label"]).to_numpy()
    return rec, group_of_label


def _record_evidence(
    rec: pd.DataFrame,
    ids: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    level: np.ndarray,
    evidence: np.ndarray,
    label: np.ndarray,
    in_group: np.ndarray,
    group_of_label: pd.Series,
) -> np.ndarray:
    """Add each record's ``evidence`` (up to three links) and ``confidence`` (its strongest
    link) from the links inside its group; return the group id of every link (NaN for a link
    between two groups, dropped while splitting an oversized one)."""
    same = in_group[lo] & (label[lo] == label[hi])
    pair_group = np.full(len(lo), np.nan)
    pair_group[same] = group_of_label.reindex(label[lo[same]]).to_numpy(float)
    long = pd.DataFrame(
        {
            "_row": np.r_[lo[same], hi[same]],
            "_other": np.r_[hi[same], lo[same]],
            "_level": np.r_[level[same], level[same]],
            "_ev": np.r_[evidence[same], evidence[same]],
        }
    )
    long["_other_id"] = ids[long["_other"].to_numpy()]
    long["_text"] = long["_ev"] + " ~ " + long["_other_id"]
    long = long.sort_values(
        ["_row", "_level", "_other_id"], ascending=[True, False, True], kind="stable"
    )
    rec_evidence = long.groupby("_row")["_text"].agg(
        lambda t: "; ".join(t.iloc[:3]) + ("; …" if len(t) > 3 else "")
    )
    rec_level = long.groupby("_row")["_level"].max()
    rec[EVIDENCE] = rec_evidence.reindex(rec["_row"]).to_numpy(object)
    rec[CONFIDENCE] = rec_level.reindex(rec["_row"]).map(_LEVEL_NAMES).to_numpy(object)
    return pair_group


def _group_confidence(rec: pd.DataFrame, comp: dict[int, np.ndarray]) -> np.ndarray:
    """The lowest level of links that still holds each record's whole group together."""
    one3 = (
        pd.Series(comp[3][rec["_row"]], index=rec.index).groupby(rec["_label"]).transform("nunique")
        == 1
    )
    one2 = (
        pd.Series(comp[2][rec["_row"]], index=rec.index).groupby(rec["_label"]).transform("nunique")
        == 1
    )
    return np.where(one3, HIGH, np.where(one2, MEDIUM, LOW))


# --- the tables ---------------------------------------------------------------------------------


def _clients_of_groups(rec: pd.DataFrame, cl: pd.DataFrame) -> pd.DataFrame:
    """:attr:`Duplicates.clients`: the records in groups, by group id and client id."""
    rec = rec.sort_values([GROUP_ID, CLIENT_ID], kind="stable")
    cols = [GROUP_ID, CLIENT_ID]
    if NAME in cl.columns:
        rec[NAME] = cl[NAME].to_numpy(object)[rec["_row"].to_numpy()]
        cols.append(NAME)
    cols += [
        SURVIVOR,
        EVIDENCE,
        CONFIDENCE,
        GROUP_CONFIDENCE,
        GROUP_SIZE,
        ORDERS,
        REVENUE,
        GROUP_REVENUE,
    ]
    groups = rec[cols].reset_index(drop=True)
    groups[GROUP_ID] = groups[GROUP_ID].astype(int)
    return groups


def _pairs_table(
    ids: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    evidence: np.ndarray,
    score: np.ndarray,
    level: np.ndarray,
    pair_group: np.ndarray,
) -> pd.DataFrame:
    """:attr:`Duplicates.pairs`: one row per link, ``client_id_a`` < ``client_id_b``."""
    pairs = pd.DataFrame(
        {
            CLIENT_ID_A: ids[lo],
            CLIENT_ID_B: ids[hi],
            EVIDENCE: evidence,
            NAME_SCORE: score,
            CONFIDENCE: [_LEVEL_NAMES[v] for v in level],
            GROUP_ID: pair_group,
        }
    )
    swap = pairs[CLIENT_ID_A] > pairs[CLIENT_ID_B]
    pairs.loc[swap, [CLIENT_ID_A, CLIENT_ID_B]] = pairs.loc[
        swap, [CLIENT_ID_B, CLIENT_ID_A]
    ].to_numpy()
    pairs[GROUP_ID] = pairs[GROUP_ID].astype("Int64")
    return pairs.sort_values(
        [GROUP_ID, CLIENT_ID_A, CLIENT_ID_B], kind="stable", na_position="last"
    ).reset_index(drop=True)


def _shared_table(shared: list[tuple[str, str, int]]) -> pd.DataFrame:
    """:attr:`Duplicates.shared_keys`: the generic values, most records first."""
    return (
        pd.DataFrame(shared, columns=[KEY, VALUE, RECORDS])
        .sort_values([RECORDS, KEY, VALUE], ascending=[False, True, True], kind="stable")
        .reset_index(drop=True)
    )


def _dup_summary(
    keys: _Keys,
    invalid: pd.DataFrame,
    shared_keys: pd.DataFrame,
    pairs: pd.DataFrame,
    groups: pd.DataFrame,
    n_oversized: int,
    settings: QualitySettings,
    has_revenue: bool,
) -> pd.DataFrame:
    """The summary items (codes) of :func:`find_duplicates`."""
    n_groups = int(groups[GROUP_ID].nunique()) if len(groups) else 0
    first_rows = groups.drop_duplicates(GROUP_ID)
    items: list[tuple[str, Any, dict]] = [
        ("dup.checked", len(keys.phone), {}),
        ("dup.phone", int(keys.phone.notna().sum()), {}),
        ("dup.email", int(keys.email.notna().sum()), {}),
        ("dup.tax_id", int(keys.tax.notna().sum()), {}),
        ("dup.invalid", len(invalid), {}),
        ("dup.name", int(keys.names.notna().sum()), {}),
        ("dup.shared", len(shared_keys), {"limit": int(settings.shared_key_limit)}),
        ("dup.pairs", len(pairs), {}),
        ("dup.groups", n_groups, {}),
        ("dup.records", len(groups), {}),
        ("dup.surplus", len(groups) - n_groups, {}),
    ]
    for conf in (HIGH, MEDIUM, LOW):
        items.append((f"dup.conf.{conf}", int((first_rows[GROUP_CONFIDENCE] == conf).sum()), {}))
    if n_oversized:
        items.append(("dup.oversized", n_oversized, {"size": settings.max_group_size}))
    if has_revenue:
        items.append(("dup.revenue", float(first_rows[GROUP_REVENUE].sum()), {}))
    return _items(items)


# --- the search ---------------------------------------------------------------------------------


def find_duplicates(
    clients: pd.DataFrame,
    *,
    transactions: pd.DataFrame | None = None,
    settings: QualitySettings | None = None,
) -> Duplicates:
    """Find client records that are one client.

    Parameters
    ----------
    clients : DataFrame
        The clients table: ``client_id`` and any of ``name``, ``phone``, ``email``, ``tax_id``
        (plus card fields, used to choose the survivor, and ``created``).
    transactions : DataFrame, optional
        ``client_id``, ``amount`` (and ``order_id`` / ``date`` to count orders). Gives each
        record its orders and revenue; default None (no revenue, survivor by card and age).
    settings : QualitySettings, optional
        Default ``QualitySettings()``: name_similarity 92, name_medium_similarity 97,
        shared_key_limit 5, max_group_size 20, name_block_size 500, name_window 20.

    Returns
    -------
    Duplicates
        ``.clients`` (the records in groups), ``.pairs``, ``.summary``, ``.invalid_tax_ids``,
        ``.shared_keys``, ``.action_list()``; see :class:`Duplicates` for every column.

    Examples
    --------
    >>> clients = pd.DataFrame({
    ...     "client_id": ["C1", "C2", "C3", "C4"],
    ...     "name": ["ООО «Ромашка»", "Ромашка ООО", "Лютик", "Василёк"],
    ...     "phone": ["8 916 123-45-67", None, "+7 (916) 123 45 67", "8 495 000-11-22"]})
    >>> tx = pd.DataFrame({"client_id": ["C1", "C2", "C2", "C3", "C4"],
    ...                    "amount": [100.0, 50.0, 25.0, 10.0, 7.0]})
    >>> d = find_duplicates(clients, transactions=tx)
    >>> d.clients[["group_id", "client_id", "survivor", "revenue", "group_revenue"]]
       group_id client_id survivor  revenue  group_revenue
    0         1        C1       C2    100.0          185.0
    1         1        C2       C2     75.0          185.0
    2         1        C3       C2     10.0          185.0
    >>> d.pairs[["client_id_a", "client_id_b", "evidence", "confidence"]]
      client_id_a client_id_b  evidence confidence
    0          C1          C2  name=100     medium
    1          C1          C3     phone       high
    """
    settings = _check_settings(settings)
    cl = _clients_table(clients)
    n, ids = len(cl), cl[CLIENT_ID].to_numpy(object)
    keys = _keys(cl)
    invalid = _invalid_tax_ids(cl, keys)
    flags, shared = _candidates(keys, int(settings.shared_key_limit), settings)
    links = _links(flags, keys, shared, settings)
    keep = links.level > 0
    evidence = np.array([links.evidence(int(k)) for k in np.flatnonzero(keep)], dtype=object)
    lo, hi, level = links.lo[keep], links.hi[keep], links.level[keep]
    comp, label, in_group, n_oversized = _group_labels(n, lo, hi, level, settings.max_group_size)
    rec, group_of_label = _rank_groups(
        _records(cl, label, in_group, transactions), transactions is not None
    )
    pair_group = _record_evidence(
        rec, ids, lo, hi, level, evidence, label, in_group, group_of_label
    )
    rec[GROUP_CONFIDENCE] = _group_confidence(rec, comp)
    groups = _clients_of_groups(rec, cl)
    score = np.round(links.score[keep], 1)
    pairs = _pairs_table(ids, lo, hi, evidence, score, level, pair_group)
    shared_keys = _shared_table(shared)
    summary = _dup_summary(
        keys, invalid, shared_keys, pairs, groups, n_oversized, settings, transactions is not None
    )
    return Duplicates(
        clients=groups,
        pairs=pairs,
        summary=summary,
        invalid_tax_ids=invalid,
        shared_keys=shared_keys,
        settings=settings,
    )
