"""Column names used across reportkit, defined once.

Canonical input tables (what :func:`reportkit.load` returns inside a :class:`~reportkit.Dataset`):

transactions
    ``client_id`` (str), ``date`` (datetime64[ns]), ``amount`` (float64, returns negative);
    optional ``order_id`` (str), ``quantity`` (float64), ``price`` (float64), ``product`` (str),
    ``category`` (str), ``margin`` (float64), ``manager`` (str), ``channel`` (str).
clients
    ``client_id`` (str); optional ``name``, ``phone``, ``email``, ``tax_id``, ``region``,
    ``industry``, ``size``, ``contact_person``, ``decision_maker`` (str), ``created``
    (datetime64[ns]), ``manager``, ``status`` (str), ``vip``, ``key_account``, ``refused``
    (bool), ``potential`` (float64).
activities
    ``client_id`` (str), ``created`` (datetime64[ns]); optional ``manager``, ``type`` (str),
    ``due`` (datetime64[ns]), ``done`` (bool).
surveys
    ``client_id`` (str), ``date`` (datetime64[ns]), ``score`` (float64, 0–10).

Identifiers are always strings: ``"00123"`` stays ``"00123"``.
"""

from __future__ import annotations

# --- tables -----------------------------------------------------------------------------------
TRANSACTIONS = "transactions"
CLIENTS = "clients"
ACTIVITIES = "activities"
SURVEYS = "surveys"
TABLES = (TRANSACTIONS, CLIENTS, ACTIVITIES, SURVEYS)

# --- shared column names ----------------------------------------------------------------------
CLIENT_ID = "client_id"
DATE = "date"
AMOUNT = "amount"
ORDER_ID = "order_id"
QUANTITY = "quantity"
PRICE = "price"
PRODUCT = "product"
CATEGORY = "category"
MARGIN = "margin"
MANAGER = "manager"
CHANNEL = "channel"

NAME = "name"
PHONE = "phone"
EMAIL = "email"
TAX_ID = "tax_id"
REGION = "region"
INDUSTRY = "industry"
SIZE = "size"
CONTACT_PERSON = "contact_person"
DECISION_MAKER = "decision_maker"
CREATED = "created"
STATUS = "status"
VIP = "vip"
KEY_ACCOUNT = "key_account"
REFUSED = "refused"
POTENTIAL = "potential"

TYPE = "type"
DUE = "due"
DONE = "done"

SCORE = "score"

#: required and optional columns of each table; the order is the canonical column order
REQUIRED: dict[str, tuple[str, ...]] = {
    TRANSACTIONS: (CLIENT_ID, DATE, AMOUNT),
    CLIENTS: (CLIENT_ID,),
    ACTIVITIES: (CLIENT_ID, CREATED),
    SURVEYS: (CLIENT_ID, DATE, SCORE),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    TRANSACTIONS: (ORDER_ID, QUANTITY, PRICE, PRODUCT, CATEGORY, MARGIN, MANAGER, CHANNEL),
    CLIENTS: (NAME, PHONE, EMAIL, TAX_ID, REGION, INDUSTRY, SIZE, CONTACT_PERSON, DECISION_MAKER,
              CREATED, MANAGER, STATUS, VIP, KEY_ACCOUNT, REFUSED, POTENTIAL),
    ACTIVITIES: (MANAGER, TYPE, DUE, DONE),
    SURVEYS: (),
}

#: the type of every canonical column: "id" and "text" are str, "date" datetime64[ns],
#: "money" and "number" float64, "flag" bool
KINDS: dict[str, str] = {
    CLIENT_ID: "id", ORDER_ID: "id",
    DATE: "date", CREATED: "date", DUE: "date",
    AMOUNT: "money", MARGIN: "money", PRICE: "money", POTENTIAL: "money",
    QUANTITY: "number", SCORE: "number",
    VIP: "flag", KEY_ACCOUNT: "flag", REFUSED: "flag", DONE: "flag",
}


def kind_of(column: str) -> str:
    """The kind of a canonical column ("id", "date", "money", "number", "flag" or "text")."""
    return KINDS.get(column, "text")


# --- client-month panel (reportkit.panel) ------------------------------------------------------
MONTH = "month"                # first day of the month, datetime64[ns]
REVENUE = "revenue"            # net amount in the month (returns netted)
ORDERS = "orders"              # distinct order_id, or distinct order dates without order_id
FIRST_ORDER_DAY = "first_order_day"   # first transaction date in the month
LAST_ORDER_DAY = "last_order_day"     # last transaction date in the month
# MARGIN is reused for the margin of the month when transactions carry it.

# --- client snapshot (reportkit.snapshot) -------------------------------------------------------
AS_OF = "as_of"
FIRST_ORDER = "first_order"
LAST_ORDER = "last_order"
RECENCY_DAYS = "recency_days"
TENURE_DAYS = "tenure_days"
ORDERS_WINDOW = "orders_window"
ORDERS_TOTAL = "orders_total"
REVENUE_WINDOW = "revenue_window"
REVENUE_TOTAL = "revenue_total"
REVENUE_PREV_WINDOW = "revenue_prev_window"
MARGIN_WINDOW = "margin_window"
MARGIN_TOTAL = "margin_total"
INTERVAL_DAYS = "interval_days"
ACTIVE_MONTHS = "active_months"
CV = "cv"
AOV = "aov"
REVENUE_LAST3 = "revenue_last3"
REVENUE_PREV3 = "revenue_prev3"
TREND = "trend"
BEST12_REVENUE = "best12_revenue"
IS_LEAD = "is_lead"

# --- segment classes ------------------------------------------------------------------------------
ABC = "abc"
XYZ = "xyz"
ABCXYZ = "abcxyz"
R_SCORE = "r_score"
F_SCORE = "f_score"
M_SCORE = "m_score"
RFM = "rfm"
RFM_SEGMENT = "rfm_segment"
BCG = "bcg"
SIZE_TIER = "size_tier"
SHARE_OF_WALLET = "share_of_wallet"
UNREALISED_POTENTIAL = "unrealised_potential"

# --- lifecycle ------------------------------------------------------------------------------------
BLOCK = "block"
ZONE = "zone"
REASON = "reason"
