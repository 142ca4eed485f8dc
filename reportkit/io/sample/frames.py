"""Step 7 of the generator: the canonical frames of the clients table and of the truth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import (
    CLIENT_ID,
    CONTACT_PERSON,
    CREATED,
    EMAIL,
    INDUSTRY,
    KEY_ACCOUNT,
    MANAGER,
    NAME,
    PHONE,
    POTENTIAL,
    REGION,
    SIZE,
    STATUS,
    TAX_ID,
    VIP,
)
from .keys import _phone_styles
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
from .vocabulary import _REGIONS, _WORDS


def _clients_frame(
    cards: dict, dups: dict, rid: np.ndarray, did: np.ndarray, start_ts: pd.Timestamp, li: int
) -> pd.DataFrame:
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
    orig = pd.DataFrame(
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
    o = dups["orig"]
    kind = np.array(DUPLICATE_KINDS, dtype=object)[dups["kind"]]
    m = len(o)
    dup = pd.DataFrame(
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
