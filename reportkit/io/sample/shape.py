"""The shape of a sample base: its public constants, the generator's shares and the days.

The names of the truth tables and their columns, the canonical columns of each table, the
shares the generator plants (documented in :mod:`reportkit.io.sample`), the status codes and
the managers' and channels' weights; and the two helpers that keep every generated day on a
weekday.
"""

from __future__ import annotations

import numpy as np

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

#: the arguments that made the committed sample ``data/sample`` (see :func:`regenerate_sample`)
SAMPLE_ARGS: dict[str, object] = {
    "n_clients": 2000,
    "years": 3,
    "end": "2025-12-31",
    "random_state": 42,
    "lang": "ru",
}

# --- column names of the truth tables ---------------------------------------------------------
CHURN_DATE = "churn_date"
REACTIVATION_DATE = "reactivation_date"
CLIENT_ID_A = "client_id_a"
CLIENT_ID_B = "client_id_b"
KIND = "kind"
RHYTHM = "rhythm"
TREND_KIND = "trend"
HAS_CARD = "has_card"
LAST_ACTIVITY = "last_activity"

TRUTH_TABLES = (
    "churn",
    "duplicates",
    "leads",
    "vip_no_payback",
    "key_accounts",
    "profiles",
    "forgotten",
)
DUPLICATE_KINDS = ("phone", "email", "tax_id", "name")
RHYTHMS = ("lead", "monthly", "quarterly", "irregular", "one_off")

TRANSACTION_COLUMNS = (
    CLIENT_ID,
    DATE,
    ORDER_ID,
    PRODUCT,
    CATEGORY,
    QUANTITY,
    PRICE,
    AMOUNT,
    MARGIN,
    MANAGER,
    CHANNEL,
)
CLIENT_COLUMNS = (
    CLIENT_ID,
    NAME,
    PHONE,
    EMAIL,
    TAX_ID,
    REGION,
    INDUSTRY,
    SIZE,
    CONTACT_PERSON,
    CREATED,
    MANAGER,
    STATUS,
    VIP,
    KEY_ACCOUNT,
    POTENTIAL,
)
ACTIVITY_COLUMNS = (CLIENT_ID, CREATED, MANAGER, TYPE, DUE, DONE)
SURVEY_COLUMNS = (CLIENT_ID, DATE, SCORE)

# --- the generator's shares (documented in the docstring of reportkit.io.sample) ------------
_LEAD_SHARE = 0.10
_RHYTHM_P = {"monthly": 0.25, "quarterly": 0.25, "irregular": 0.30, "one_off": 0.20}
_EXISTING_SHARE = 0.35
_CHURN_SHARE = 0.25  # of n_clients
_REACTIVATED_SHARE = 0.25  # of the churners
_NO_CARD_SHARE = 0.02  # of n_clients
_DUPLICATE_SHARE = 0.03  # of n_clients
_RETURN_SHARE = 0.02  # of the lines
_KEY_SHARE = 0.02
_VIP_SHARE = 0.015
_FORGOTTEN_SHARE = 0.15  # of the good clients
_BLANKS = {
    PHONE: 0.15,
    EMAIL: 0.30,
    TAX_ID: 0.20,
    REGION: 0.10,
    INDUSTRY: 0.50,
    SIZE: 0.40,
    CONTACT_PERSON: 0.25,
    MANAGER: 0.05,
    STATUS: 0.05,
    POTENTIAL: 0.40,
}
_INVALID_TAX_SHARE = 0.02
#: relative order volume by calendar month (January … December)
_SEASON = np.array([0.65, 0.90, 1.20, 1.05, 0.95, 0.95, 0.90, 0.70, 1.05, 1.20, 1.10, 1.25])

_ST_LEAD, _ST_ACTIVE, _ST_WORKING, _ST_REFUSED = range(4)
_MANAGER_P = np.array([0.20, 0.20, 0.18, 0.16, 0.14, 0.12])
_LAZY_MANAGER = 5
_CHANNEL_P = np.array([0.45, 0.30, 0.15, 0.10])
_TYPE_P = np.array([0.45, 0.15, 0.25, 0.15])


def _weekday(day: np.ndarray, start_dow: int) -> np.ndarray:
    """Move Saturdays and Sundays forward to Monday (day numbers from the start)."""
    dow = (start_dow + day) % 7
    return day + np.where(dow == 5, 2, np.where(dow == 6, 1, 0))


def _weekday_back(day: np.ndarray, start_dow: int) -> np.ndarray:
    """Move Saturdays and Sundays back to Friday."""
    dow = (start_dow + day) % 7
    return day - np.where(dow == 5, 1, np.where(dow == 6, 2, 0))
