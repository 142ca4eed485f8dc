"""Completeness of the client cards, and whether the base is a client base at all.

The card has four groups of fields:

========  =================================================================
business  industry, region, size, potential
contact   phone, email, contact_person, decision_maker
analytic  manager, status, segment (the vip / key_account flags)
history   created, activities (the client has entries in the activity log)
========  =================================================================

A field is present when the value is not empty and not a placeholder ("-", "нет", "n/a",
"не указано", …); a phone or e-mail must be readable (:func:`normalize_phone`,
:func:`normalize_email`); potential must be a positive number. Fields absent from the file
count as missing for every card, with a note ("the file has no e-mail column"). A loaded
flag column cannot tell "no" from "blank", so ``segment`` is present when the file has a
vip or key_account column that flags at least one client; otherwise it is missing.

A group is filled when at least ``group_filled_share`` (default 0.5) of its fields are
present (2 of 4, 2 of 3, 1 of 2). The card's completeness is the mean over the four groups
of the share of fields present (each group weighs a quarter).

Verdict: "client_base" when the mean completeness is at least ``client_base_score``
(default 0.6) and the contact group is filled on at least ``client_base_contact_share``
(default 0.5) of the cards; "list_of_names" below ``list_of_names_score`` (default 0.3) or
for an empty table; "partial_base" otherwise.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...io.config import QualitySettings
from ...io.load import parse_flags
from ...io.schema import (
    ANALYTIC_FILLED,
    BUSINESS_FILLED,
    CARD_GROUP,
    CLIENT_ID,
    COMPLETENESS,
    CONTACT_FILLED,
    CONTACT_PERSON,
    CREATED,
    DECISION_MAKER,
    EMAIL,
    FIELD,
    FIELDS_FILLED,
    FILLED,
    GROUPS_FILLED,
    HAS_ORDERS,
    HISTORY_FILLED,
    IN_FILE,
    INDUSTRY,
    KEY_ACCOUNT,
    MANAGER,
    MISSING,
    NOTE,
    PHONE,
    POTENTIAL,
    REGION,
    SHARE_FILLED,
    SIZE,
    STATUS,
    VIP,
)
from ..result import Note
from .common import (
    PARAMS,
    _check_settings,
    _client_ids,
    _clients_table,
    _html_table,
    _items,
    _require_frame,
    _settings_used,
)
from .normalize import _map_unique, _text, normalize_emails, normalize_phones

__all__ = [
    "ACTIVITIES_FIELD",
    "CLIENT_BASE",
    "LIST_OF_NAMES",
    "PARTIAL_BASE",
    "SEGMENT_FIELD",
    "Completeness",
    "completeness",
]

CLIENT_BASE, PARTIAL_BASE, LIST_OF_NAMES = "client_base", "partial_base", "list_of_names"
#: the settings :func:`completeness` reads (its result's ``params``)
COMPLETENESS_SETTINGS = (
    "group_filled_share",
    "client_base_score",
    "client_base_contact_share",
    "list_of_names_score",
)
#: the field notes that say a field could not be judged at all (a result's ``notes``)
_NOTE_CODES = (
    "note.no_log",
    "note.no_flags",
    "note.flags_unused",
    "note.no_column",
    "note.empty_column",
)

#: card field "segment": the vip / key_account flags; "activities": entries in the activity log
SEGMENT_FIELD = "segment"
ACTIVITIES_FIELD = "activities"
_CARD_GROUPS: dict[str, tuple[str, ...]] = {
    "business": (INDUSTRY, REGION, SIZE, POTENTIAL),
    "contact": (PHONE, EMAIL, CONTACT_PERSON, DECISION_MAKER),
    "analytic": (MANAGER, STATUS, SEGMENT_FIELD),
    "history": (CREATED, ACTIVITIES_FIELD),
}
_GROUP_COLUMNS = {
    "business": BUSINESS_FILLED,
    "contact": CONTACT_FILLED,
    "analytic": ANALYTIC_FILLED,
    "history": HISTORY_FILLED,
}
_PLACEHOLDERS = frozenset(
    {
        "-",
        "--",
        "—",
        "–",
        "?",
        ".",
        "0",
        "n/a",
        "na",
        "none",
        "null",
        "nan",
        "nat",
        "нет",
        "не указан",
        "не указана",
        "не указано",
        "неизвестно",
        "нет данных",
        "unknown",
        "not specified",
    }
)


def _is_filled_text(value: Any) -> bool:
    text = _text(value)
    return text is not None and text.casefold() not in _PLACEHOLDERS


def _text_present(col: pd.Series) -> pd.Series:
    return _map_unique(col, _is_filled_text).fillna(False).astype(bool)


def _field_present(
    cl: pd.DataFrame, name: str, activity_ids: set[str] | None
) -> tuple[pd.Series, tuple[str, dict] | None]:
    """Bool Series of cards with the field present, and a note ``(code, params)`` when it is
    missing for all."""
    n = len(cl)
    none = pd.Series(False, index=cl.index)
    if name == ACTIVITIES_FIELD:
        if activity_ids is None:
            return none, ("note.no_log", {})
        return cl[CLIENT_ID].isin(activity_ids), None
    if name == SEGMENT_FIELD:
        present = none.copy()
        given = [c for c in (VIP, KEY_ACCOUNT) if c in cl.columns]
        if not given:
            return none, ("note.no_flags", {})
        used = []
        for c in given:
            flags = parse_flags(cl[c])[0]
            if flags.any():
                used.append(c)
                present |= cl[c].notna()
        if not used:
            return none, ("note.flags_unused", {"columns": given})
        return present, None
    if name not in cl.columns:
        return none, ("note.no_column", {"field": name})
    col = cl[name]
    if name == PHONE:
        present = normalize_phones(col).notna()
    elif name == EMAIL:
        present = normalize_emails(col).notna()
    elif name == POTENTIAL:
        present = pd.to_numeric(col, errors="coerce").fillna(0) > 0
    elif pd.api.types.is_datetime64_any_dtype(col):
        present = col.notna()
    else:
        present = _text_present(col)
    present = pd.Series(present.to_numpy(bool), index=cl.index)
    note = None if present.any() or n == 0 else ("note.empty_column", {"field": name})
    return present, note


def _card_fields_present(cl: pd.DataFrame, activity_ids: set[str] | None) -> pd.DataFrame:
    """Bool frame, one column per card field (see :func:`completeness`)."""
    out = {}
    for fields in _CARD_GROUPS.values():
        for name in fields:
            out[name] = _field_present(cl, name, activity_ids)[0]
    return pd.DataFrame(out, index=cl.index)


@dataclass
class Completeness:
    """Completeness of the client cards, from :func:`completeness`.

    Attributes
    ----------
    clients : DataFrame
        One row per card: ``client_id``, ``business_filled``, ``contact_filled``,
        ``analytic_filled``, ``history_filled`` (bool: at least ``group_filled_share`` of the
        group's fields present), ``groups_filled`` (0–4), ``fields_filled`` (0–13),
        ``completeness`` (0–1: the mean over the four groups of the share of fields present),
        ``missing`` (the missing fields, comma-separated), ``has_orders`` (bool; missing when no
        transactions were given).
    fields : DataFrame
        One row per field: ``card_group``, ``field``, ``in_file`` (bool), ``filled`` (cards),
        ``share_filled`` (0–1), ``note`` (a code: "note.no_column", "note.empty_share", …,
        empty when nothing is to be said) and ``params`` (its figures).
    groups : DataFrame
        One row per group: ``card_group``, ``field`` (its fields), ``filled`` (cards with the
        group filled), ``share_filled``.
    verdict : str
        "client_base", "partial_base" or "list_of_names".
    reason : (code, params)
        Why: ``reason.client_base`` / ``reason.list`` / ``reason.no_contacts`` /
        ``reason.partial`` / ``reason.no_cards`` with the figures (``score``, ``need``,
        ``low``, ``contacts``, ``need_contacts``) and ``missing``: the three fields most
        often missing as (field, note code, note params).
    summary : DataFrame
        ``item`` (a code), ``value``, ``params``: cards, mean completeness, clients with orders
        but no card, cards without orders, the verdict.
    orders_without_card, cards_without_orders : int or None
        None when no transactions were given.
    settings : QualitySettings
    notes : tuple of (code, params)
        The fields that could not be judged at all, in the order of :attr:`fields`: the notes
        "note.no_column", "note.empty_column" (``{"field": …}``), "note.no_flags",
        "note.flags_unused" (``{"columns": […]}``) and "note.no_log" (worded by
        :func:`reportkit.report.words.quality.note_text`).
    """

    clients: pd.DataFrame
    fields: pd.DataFrame
    groups: pd.DataFrame
    verdict: str
    reason: tuple[str, dict]
    summary: pd.DataFrame
    orders_without_card: int | None = None
    cards_without_orders: int | None = None
    settings: QualitySettings = field(default_factory=QualitySettings)
    notes: tuple[Note, ...] = ()

    @property
    def params(self) -> dict[str, Any]:
        """The settings the verdict used (``group_filled_share``, ``client_base_score``, …)."""
        return _settings_used(self.settings, COMPLETENESS_SETTINGS)

    @property
    def score(self) -> float:
        """Mean card completeness of the base (0–1; 0 for an empty table)."""
        return float(self.clients[COMPLETENESS].mean()) if len(self.clients) else 0.0

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy of :attr:`clients`)."""
        return self.clients.copy()

    def action_list(self) -> pd.DataFrame:
        """The cards to complete: :attr:`clients` sorted by completeness, least complete first."""
        return self.clients.sort_values([COMPLETENESS, CLIENT_ID], kind="stable").reset_index(
            drop=True
        )

    def __repr__(self) -> str:
        return (
            f"Completeness({len(self.clients):,} cards, score {self.score:.2f}, "
            f"verdict {self.verdict!r})"
        )

    def _repr_html_(self) -> str:
        return "\n".join(
            [
                '<div class="rk-completeness">',
                f"<p><b>{html.escape(self.verdict)}</b>: {html.escape(str(self.reason))}</p>",
                _html_table(self.groups),
                _html_table(self.fields, 30),
                "</div>",
            ]
        )


def _in_file(cl: pd.DataFrame, name: str, activity_ids: set[str] | None) -> bool:
    """Whether the input has the field at all (a column, the flag columns, the activity log)."""
    if name == SEGMENT_FIELD:
        return any(c in cl.columns for c in (VIP, KEY_ACCOUNT))
    if name == ACTIVITIES_FIELD:
        return activity_ids is not None
    return name in cl.columns


def _presence(
    cl: pd.DataFrame, activity_ids: set[str] | None, settings: QualitySettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the per-card table without ``has_orders``, the per-field table)."""
    n = len(cl)
    per = pd.DataFrame({CLIENT_ID: cl[CLIENT_ID].to_numpy(object)})
    field_rows = []
    group_share = {}
    present_all = {}
    for group, names in _CARD_GROUPS.items():
        count = pd.Series(0, index=cl.index)
        for name in names:
            present, note = _field_present(cl, name, activity_ids)
            present_all[name] = present
            count += present.astype(int)
            filled = int(present.sum())
            if not note and n and filled < n:
                note = ("note.empty_share", {"share": 1 - filled / n})
            field_rows.append(
                (
                    group,
                    name,
                    _in_file(cl, name, activity_ids),
                    filled,
                    filled / n if n else 0.0,
                    note[0] if note else "",
                    note[1] if note else {},
                )
            )
        share = count / len(names)
        group_share[group] = share
        per[_GROUP_COLUMNS[group]] = (share >= settings.group_filled_share - 1e-12).to_numpy()
    per[GROUPS_FILLED] = per[list(_GROUP_COLUMNS.values())].sum(axis=1).astype(int)
    present_frame = pd.DataFrame(present_all)
    per[FIELDS_FILLED] = present_frame.sum(axis=1).astype(int).to_numpy()
    per[COMPLETENESS] = (sum(group_share.values()) / len(group_share)).to_numpy(float)
    order = list(present_frame.columns)
    per[MISSING] = [
        ", ".join(f for f, p in zip(order, row) if not p) for row in present_frame.to_numpy(bool)
    ]
    fields = pd.DataFrame(
        field_rows, columns=[CARD_GROUP, FIELD, IN_FILE, FILLED, SHARE_FILLED, NOTE, PARAMS]
    )
    return per, fields


def _group_table(per: pd.DataFrame) -> pd.DataFrame:
    """One row per card group: its fields, the cards with the group filled, their share."""
    n = len(per)
    return pd.DataFrame(
        [
            (
                g,
                ", ".join(names),
                int(per[_GROUP_COLUMNS[g]].sum()),
                float(per[_GROUP_COLUMNS[g]].mean()) if n else 0.0,
            )
            for g, names in _CARD_GROUPS.items()
        ],
        columns=[CARD_GROUP, FIELD, FILLED, SHARE_FILLED],
    )


def _orders_and_cards(
    per: pd.DataFrame, transactions: pd.DataFrame | None
) -> tuple[int | None, int | None]:
    """Add ``has_orders`` to ``per``; (clients with orders but no card, cards without orders)."""
    if transactions is None:
        per[HAS_ORDERS] = pd.array([pd.NA] * len(per), dtype="boolean")
        return None, None
    _require_frame(transactions, "transactions", "transactions", [CLIENT_ID])
    tx_ids = set(_client_ids(transactions[CLIENT_ID], "transactions"))
    card_ids = set(per[CLIENT_ID])
    per[HAS_ORDERS] = per[CLIENT_ID].isin(tx_ids).to_numpy(bool)
    return len(tx_ids - card_ids), len(card_ids - tx_ids)


def _verdict(
    per: pd.DataFrame, fields: pd.DataFrame, s: QualitySettings
) -> tuple[str, tuple[str, dict]]:
    """(the verdict, its reason: a code and the figures behind it)."""
    n = len(per)
    score = float(per[COMPLETENESS].mean()) if n else 0.0
    contact_share = float(per[CONTACT_FILLED].mean()) if n else 0.0
    figures: dict[str, Any] = {
        "score": score,
        "need": s.client_base_score,
        "low": s.list_of_names_score,
        "contacts": contact_share,
        "need_contacts": s.client_base_contact_share,
    }
    if n == 0:
        verdict, code = LIST_OF_NAMES, "reason.no_cards"
    elif score >= s.client_base_score and contact_share >= s.client_base_contact_share:
        verdict, code = CLIENT_BASE, "reason.client_base"
    elif score < s.list_of_names_score:
        verdict, code = LIST_OF_NAMES, "reason.list"
    else:
        verdict = PARTIAL_BASE
        code = "reason.no_contacts" if score >= s.client_base_score else "reason.partial"
    worst = (
        fields[fields[SHARE_FILLED] < 1].sort_values([SHARE_FILLED, FIELD], kind="stable").head(3)
    )
    figures["missing"] = [(r[FIELD], r[NOTE], r[PARAMS]) for _, r in worst.iterrows()] if n else []
    return verdict, (code, figures)


def _completeness_summary(
    per: pd.DataFrame,
    verdict: str,
    orders_without_card: int | None,
    cards_without_orders: int | None,
) -> pd.DataFrame:
    """The summary items (codes) of :func:`completeness`."""
    n = len(per)
    score = float(per[COMPLETENESS].mean()) if n else 0.0
    items: list[tuple[str, Any, dict]] = [
        ("comp.cards", n, {}),
        ("comp.score", round(score, 4), {}),
        ("comp.contacts", int(per[CONTACT_FILLED].sum()), {}),
        ("comp.all_groups", int((per[GROUPS_FILLED] == 4).sum()), {}),
    ]
    if orders_without_card is not None:
        items += [
            ("comp.orders_no_card", orders_without_card, {}),
            ("comp.cards_no_orders", cards_without_orders, {}),
        ]
    items.append(("comp.verdict", verdict, {}))
    return _items(items)


def completeness(
    clients: pd.DataFrame,
    *,
    transactions: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    settings: QualitySettings | None = None,
) -> Completeness:
    """How complete the client cards are, and whether the base is a client base at all.

    The card groups, what counts as present and the verdict's rules are in the docstring of
    :mod:`reportkit.analysis.quality.cards`.

    Parameters
    ----------
    clients : DataFrame
        The clients table (``client_id`` and any card fields).
    transactions : DataFrame, optional
        ``client_id`` …; counts clients with orders but no card and cards without orders.
        Default None.
    activities : DataFrame, optional
        ``client_id`` …; the history group's ``activities`` field. Default None (missing).
    settings : QualitySettings, optional
        Default ``QualitySettings()``.

    Returns
    -------
    Completeness
        ``.clients``, ``.fields``, ``.groups``, ``.verdict``, ``.reason``, ``.summary``,
        ``.notes``, ``.params``, ``.action_list()``; see :class:`Completeness` for every column.

    Examples
    --------
    >>> clients = pd.DataFrame({"client_id": ["1", "2"], "name": ["Альфа", "Бета"],
    ...                         "phone": ["89161234567", None], "region": ["Москва", None]})
    >>> c = completeness(clients)
    >>> c.clients[["client_id", "contact_filled", "completeness"]]
      client_id  contact_filled  completeness
    0         1           False         0.125
    1         2           False         0.000
    >>> c.verdict
    'list_of_names'
    >>> c.reason[0], round(c.reason[1]["score"], 4)
    ('reason.list', 0.0625)
    """
    settings = _check_settings(settings)
    cl = _clients_table(clients)
    activity_ids = None
    if activities is not None:
        _require_frame(activities, "activities", "activities", [CLIENT_ID])
        activity_ids = set(_client_ids(activities[CLIENT_ID], "activities"))
    per, fields = _presence(cl, activity_ids, settings)
    groups = _group_table(per)
    orders_without_card, cards_without_orders = _orders_and_cards(per, transactions)
    verdict, reason = _verdict(per, fields, settings)
    notes = tuple(
        (code, dict(params))
        for code, params in zip(fields[NOTE], fields[PARAMS])
        if code in _NOTE_CODES
    )
    return Completeness(
        clients=per,
        fields=fields,
        groups=groups,
        verdict=verdict,
        reason=reason,
        summary=_completeness_summary(per, verdict, orders_without_card, cards_without_orders),
        orders_without_card=orders_without_card,
        cards_without_orders=cards_without_orders,
        settings=settings,
        notes=notes,
    )
