"""Step 7 of the generator: the canonical frames (transactions, clients, activities, surveys)
and the truth tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import (
    AMOUNT,
    CATEGORY,
    CHANNEL,
    CLIENT_ID,
    CONTACT_PERSON,
    CREATED,
    DATE,
    DONE,
    DUE,
    EMAIL,
    INDUSTRY,
    KEY_ACCOUNT,
    MANAGER,
    MARGIN,
    NAME,
    ORDER_ID,
    PHONE,
    POTENTIAL,
    PRICE,
    PRODUCT,
    QUANTITY,
    REGION,
    SCORE,
    SIZE,
    STATUS,
    TAX_ID,
    TYPE,
    VIP,
)
from .keys import _phone_styles
from .lines import _order_ids
from .shape import (
    CHURN_DATE,
    CLIENT_ID_A,
    CLIENT_ID_B,
    DUPLICATE_KINDS,
    HAS_CARD,
    KIND,
    LAST_ACTIVITY,
    REACTIVATION_DATE,
    RHYTHM,
    TREND_KIND,
)
from .vocabulary import _CATEGORIES, _REGIONS, _WORDS


def _transactions_frame(
    lines: dict, rid: np.ndarray, did: np.ndarray, start_ts: pd.Timestamp, lang: str
) -> pd.DataFrame:
    """The sales lines as the canonical transactions table, sorted by date and document."""
    li = 0 if lang == "ru" else 1
    order_ids = _order_ids(lines, lang)
    client_of_line = np.where(
        lines["dup"] >= 0, did[np.maximum(lines["dup"], 0)], rid[lines["client"]]
    )
    tx = pd.DataFrame(
        {
            CLIENT_ID: client_of_line.astype(object),
            DATE: (start_ts + pd.to_timedelta(lines["day"], unit="D")).astype("datetime64[ns]"),
            ORDER_ID: order_ids,
            PRODUCT: np.asarray([p[li] for c in _CATEGORIES for p in c[3]], dtype=object)[
                lines["product"]
            ],
            CATEGORY: np.asarray([c[li] for c in _CATEGORIES], dtype=object)[lines["product"] // 8],
            QUANTITY: lines[QUANTITY].astype("float64"),
            PRICE: lines[PRICE],
            AMOUNT: lines[AMOUNT],
            MARGIN: lines[MARGIN],
            MANAGER: np.asarray(_WORDS["manager"][li], dtype=object)[lines["manager"]],
            CHANNEL: np.asarray(_WORDS["channel"][li], dtype=object)[lines["channel"]],
        }
    )
    tx["_o"] = lines["order"]
    tx["_k"] = lines["k"]
    tx = tx.sort_values([DATE, "_o", "_k"], kind="stable").drop(columns=["_o", "_k"])
    tx = tx.reset_index(drop=True)
    for col in (CLIENT_ID, ORDER_ID, PRODUCT, CATEGORY, MANAGER, CHANNEL):
        tx[col] = tx[col].astype("str")
    return tx


def _activities_frame(activities: dict, rid: np.ndarray, did: np.ndarray, li: int) -> pd.DataFrame:
    """The managers' log as the canonical activities table, sorted by creation and client."""
    acts = (
        pd.DataFrame(
            {
                CLIENT_ID: np.where(
                    activities["dup"] >= 0,
                    did[np.maximum(activities["dup"], 0)],
                    rid[activities["client"]],
                ).astype(object),
                CREATED: activities[CREATED],
                MANAGER: np.asarray(_WORDS["manager"][li], dtype=object)[activities["manager"]],
                TYPE: np.asarray(_WORDS["type"][li], dtype=object)[activities["type"]],
                DUE: activities[DUE],
                DONE: activities[DONE].astype(bool),
            }
        )
        .sort_values([CREATED, CLIENT_ID], kind="stable")
        .reset_index(drop=True)
    )
    for col in (CLIENT_ID, MANAGER, TYPE):
        acts[col] = acts[col].astype("str")
    return acts


def _surveys_frame(surveys: dict, rid: np.ndarray, start_ts: pd.Timestamp) -> pd.DataFrame:
    """The NPS answers as the canonical surveys table, sorted by date and client."""
    surv = (
        pd.DataFrame(
            {
                CLIENT_ID: rid[surveys["client"]].astype(object),
                DATE: (start_ts + pd.to_timedelta(surveys["day"], unit="D")).astype(
                    "datetime64[ns]"
                ),
                SCORE: surveys[SCORE].astype("float64"),
            }
        )
        .sort_values([DATE, CLIENT_ID], kind="stable")
        .reset_index(drop=True)
    )
    surv[CLIENT_ID] = surv[CLIENT_ID].astype("str")
    return surv


def _clients_frame(
    cards: dict, dups: dict, rid: np.ndarray, did: np.ndarray, start_ts: pd.Timestamp, li: int
) -> pd.DataFrame:
    """The cards (originals, then duplicates) as the canonical clients table, sorted by id."""
    orig = _original_cards(cards, rid, li)
    dup = _duplicate_cards(cards, dups, did, li)
    out = pd.concat([orig, dup], ignore_index=True)
    out[CREATED] = start_ts + pd.to_timedelta(out[CREATED].to_numpy(dtype=np.int64), unit="D")
    out[CREATED] = out[CREATED].astype("datetime64[ns]")
    for c in (
        CLIENT_ID,
        NAME,
        PHONE,
        EMAIL,
        TAX_ID,
        REGION,
        INDUSTRY,
        SIZE,
        CONTACT_PERSON,
        MANAGER,
        STATUS,
    ):
        out[c] = out[c].astype("str")
    out[VIP] = out[VIP].astype(bool)
    out[KEY_ACCOUNT] = out[KEY_ACCOUNT].astype(bool)
    out[POTENTIAL] = out[POTENTIAL].astype("float64")
    return out.sort_values(CLIENT_ID, kind="stable").reset_index(drop=True)


def _original_cards(cards: dict, rid: np.ndarray, li: int) -> pd.DataFrame:
    """The card of every distinct client that has one, blanks as None (``created``: day
    numbers)."""
    lang = cards["lang"]
    phone_fmt = _phone_styles(lang)
    words = {k: np.asarray(v[li], dtype=object) for k, v in _WORDS.items()}
    idx = np.flatnonzero(cards["has_card"])
    blank = cards["blank"]

    def col(values, key=None):
        v = np.asarray(values, dtype=object)[idx]
        if key is not None:
            v = np.where(blank[key][idx], None, v)
        return v

    regions = np.array([r[1 + li] for r in _REGIONS], dtype=object)
    return pd.DataFrame(
        {
            CLIENT_ID: rid[idx],
            NAME: [cards["names"][i].text(lang) for i in idx],
            PHONE: col(
                [phone_fmt(d, s) for d, s in zip(cards["phone_digits"], cards["phone_style"])],
                PHONE,
            ),
            EMAIL: col(cards["emails"], EMAIL),
            TAX_ID: col(cards["tax"], TAX_ID),
            REGION: col(regions[cards["region"]], REGION),
            INDUSTRY: col(words["industry"][cards["industry"]], INDUSTRY),
            SIZE: col(words["size"][cards["size"]], SIZE),
            CONTACT_PERSON: col(cards["contacts"], CONTACT_PERSON),
            CREATED: cards["created"][idx],
            MANAGER: col(words["manager"][cards["manager"]], MANAGER),
            STATUS: col(words["status"][cards["status"]], STATUS),
            VIP: cards["vip"][idx],
            KEY_ACCOUNT: cards["key"][idx],
            POTENTIAL: np.where(blank[POTENTIAL][idx], np.nan, cards["potential"][idx]),
        }
    )


def _duplicate_cards(cards: dict, dups: dict, did: np.ndarray, li: int) -> pd.DataFrame:
    """The duplicate cards: the shared key as the original's, the other keys blank."""
    phone_fmt = _phone_styles(cards["lang"])
    words = {k: np.asarray(v[li], dtype=object) for k, v in _WORDS.items()}
    regions = np.array([r[1 + li] for r in _REGIONS], dtype=object)
    o = dups["orig"]
    kind = np.array(DUPLICATE_KINDS, dtype=object)[dups["kind"]]
    m = len(o)
    return pd.DataFrame(
        {
            CLIENT_ID: did,
            NAME: dups["names"],
            PHONE: [
                phone_fmt(cards["phone_digits"][i], s) if k == "phone" else None
                for i, s, k in zip(o, dups["phone_style"], kind)
            ],
            EMAIL: [e if k == "email" else None for e, k in zip(dups["emails"], kind)],
            TAX_ID: [cards["tax"][i] if k == "tax_id" else None for i, k in zip(o, kind)],
            REGION: np.where(dups["same_region"], regions[cards["region"]][o], None),
            INDUSTRY: np.full(m, None, dtype=object),
            SIZE: np.full(m, None, dtype=object),
            CONTACT_PERSON: np.full(m, None, dtype=object),
            CREATED: dups["created"],
            MANAGER: words["manager"][dups["manager"]],
            STATUS: words["status"][dups["status"]],
            VIP: np.zeros(m, bool),
            KEY_ACCOUNT: np.zeros(m, bool),
            POTENTIAL: np.full(m, np.nan),
        }
    )


def _truth(
    plan: dict,
    cards: dict,
    dups: dict,
    rid: np.ndarray,
    did: np.ndarray,
    forgotten: pd.DataFrame,
    start_ts: pd.Timestamp,
) -> dict[str, pd.DataFrame]:
    def dates(days: np.ndarray) -> pd.Series:
        s = pd.Series(start_ts + pd.to_timedelta(days, unit="D"))
        return s.where(pd.Series(days) >= 0).astype("datetime64[ns]")

    ch = np.flatnonzero(plan["churn"] >= 0)
    churn = pd.DataFrame(
        {
            CLIENT_ID: pd.Series(rid[ch], dtype="str"),
            CHURN_DATE: dates(plan["churn"][ch]),
            REACTIVATION_DATE: dates(plan["react"][ch]),
        }
    )
    duplicates = pd.DataFrame(
        {
            CLIENT_ID_A: pd.Series(rid[dups["orig"]], dtype="str"),
            CLIENT_ID_B: pd.Series(did, dtype="str"),
            KIND: pd.Series(np.array(DUPLICATE_KINDS, dtype=object)[dups["kind"]], dtype="str"),
        }
    )
    lead_idx = np.flatnonzero(~plan["is_buyer"])
    profiles = pd.DataFrame(
        {
            CLIENT_ID: pd.Series(rid, dtype="str"),
            RHYTHM: pd.Series(plan["rhythm"], dtype="str"),
            TREND_KIND: pd.Series(plan["trend"], dtype="str"),
            HAS_CARD: cards["has_card"].astype(bool),
        }
    )
    out = {
        "churn": churn,
        "duplicates": duplicates,
        "leads": pd.DataFrame({CLIENT_ID: pd.Series(rid[lead_idx], dtype="str")}),
        "vip_no_payback": pd.DataFrame(
            {CLIENT_ID: pd.Series([rid[int(plan["vip0"])]], dtype="str")}
        ),
        "key_accounts": pd.DataFrame(
            {CLIENT_ID: pd.Series(rid[np.flatnonzero(cards["key"])], dtype="str")}
        ),
        "profiles": profiles,
        "forgotten": pd.DataFrame(
            {
                CLIENT_ID: pd.Series(
                    rid[forgotten["client"].to_numpy(dtype=np.int64)], dtype="str"
                ),
                LAST_ACTIVITY: pd.Series(forgotten[LAST_ACTIVITY].to_numpy()).astype(
                    "datetime64[ns]"
                ),
            }
        ),
    }
    for name, frame in out.items():
        out[name] = frame.sort_values(list(frame.columns[:1]), kind="stable").reset_index(drop=True)
    return out
