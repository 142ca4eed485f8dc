"""Column names used across reportkit, defined once.

Canonical input tables (what :func:`reportkit.io.load` returns inside a :class:`~reportkit.Dataset`):

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
    CLIENTS: (
        NAME,
        PHONE,
        EMAIL,
        TAX_ID,
        REGION,
        INDUSTRY,
        SIZE,
        CONTACT_PERSON,
        DECISION_MAKER,
        CREATED,
        MANAGER,
        STATUS,
        VIP,
        KEY_ACCOUNT,
        REFUSED,
        POTENTIAL,
    ),
    ACTIVITIES: (MANAGER, TYPE, DUE, DONE),
    SURVEYS: (),
}

#: the type of every canonical column: "id" and "text" are str, "date" datetime64[ns],
#: "money" and "number" float64, "flag" bool
KINDS: dict[str, str] = {
    CLIENT_ID: "id",
    ORDER_ID: "id",
    DATE: "date",
    CREATED: "date",
    DUE: "date",
    AMOUNT: "money",
    MARGIN: "money",
    PRICE: "money",
    POTENTIAL: "money",
    QUANTITY: "number",
    SCORE: "number",
    VIP: "flag",
    KEY_ACCOUNT: "flag",
    REFUSED: "flag",
    DONE: "flag",
}


def kind_of(column: str) -> str:
    """The kind of a canonical column ("id", "date", "money", "number", "flag" or "text")."""
    return KINDS.get(column, "text")


# --- client-month panel (reportkit.core.panel) ------------------------------------------------------
MONTH = "month"  # first day of the month, datetime64[ns]
REVENUE = "revenue"  # net amount in the month (returns netted)
ORDERS = "orders"  # distinct order_id, or distinct order dates without order_id
FIRST_ORDER_DAY = "first_order_day"  # first transaction date in the month
LAST_ORDER_DAY = "last_order_day"  # last transaction date in the month
# MARGIN is reused for the margin of the month when transactions carry it.

# --- data quality (reportkit.analysis.quality) -----------------------------------------------------------
GROUP_ID = "group_id"  # duplicate group, 1 = the group with the most revenue
CLIENT_ID_A = "client_id_a"  # the two records of a duplicate pair (a < b)
CLIENT_ID_B = "client_id_b"
EVIDENCE = "evidence"  # which keys matched ("tax_id, phone, name 96")
NAME_SCORE = "name_score"  # RapidFuzz ratio of the normalised names, 0–100
CONFIDENCE = "confidence"  # "high" / "medium" / "low"
GROUP_CONFIDENCE = "group_confidence"
GROUP_SIZE = "group_size"
SURVIVOR = "survivor"  # client_id of the record to keep
ACTION = "action"  # "keep" / "merge into <client_id>"
GROUP_REVENUE = "group_revenue"
KEY = "key"  # phone / email / tax_id / name
VALUE = "value"
RECORDS = "records"
PROBLEM = "problem"
FIELD = "field"
CARD_GROUP = "card_group"  # business / contact / analytic / history
IN_FILE = "in_file"
FILLED = "filled"  # number of cards with the field (or group) filled
SHARE_FILLED = "share_filled"
NOTE = "note"
FIELDS_FILLED = "fields_filled"
GROUPS_FILLED = "groups_filled"
COMPLETENESS = "completeness"  # card completeness score, 0–1
MISSING = "missing"  # fields missing on a card, comma-separated
HAS_ORDERS = "has_orders"
BUSINESS_FILLED = "business_filled"
CONTACT_FILLED = "contact_filled"
ANALYTIC_FILLED = "analytic_filled"
HISTORY_FILLED = "history_filled"
ITEM = "item"
SECTION = "section"
INPUT = "input"  # reconciliation: the figure on the input side
REPORT = "report"  # reconciliation: the figure the report uses
DIFFERENCE = "difference"
CHECK = "check"  # "ok" / "mismatch" / "" (information only)

# --- client snapshot (reportkit.core.snapshot) -------------------------------------------------------
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
# per-client measures and summary columns of reportkit.analysis.segmentation
VALUE = "value"  # the amount a Pareto classification ranks (revenue or margin)
SHARE = "share"  # value / total positive value
CUM_SHARE = "cum_share"  # cumulative share in descending order of value
RELATIVE_SHARE = "relative_share"  # BCG x: log10(revenue / median revenue)
GROWTH = "growth"  # BCG y: revenue_window / revenue_prev_window - 1
VALUE_SHARE = "value_share"  # share of the total positive value (summaries)
# (summaries also use N_CLIENTS, CLIENT_SHARE and REVENUE_SHARE, defined with the lifecycle names)
# the ABC×XYZ contact policy table (reportkit.io.policy)
CELL = "cell"
LANG = "lang"
OWNER = "owner"
MEETINGS = "meetings"
CALLS = "calls"
OFFER = "offer"

# --- lifecycle ------------------------------------------------------------------------------------
BLOCK = "block"
ZONE = "zone"
REASON = "reason"
N_CLIENTS = "n_clients"  # a count of clients (summaries, migration)
CLIENT_SHARE = "client_share"  # share of all clients
REVENUE_SHARE = "revenue_share"  # share of all revenue
USUAL_INTERVAL_DAYS = "usual_interval_days"  # the purchase cycle used by the reactivation list
BLOCK_FROM = "block_from"  # lifecycle block at the earlier date (migration)
BLOCK_TO = "block_to"  # lifecycle block at the later date (migration)
REVENUE_FROM = "revenue_from"  # revenue_window as of the earlier date (migration)
REVENUE_TO = "revenue_to"  # revenue_window as of the later date (migration)

# --- base dynamics (reportkit.analysis.dynamics) -----------------------------------------------------------
PERIOD = "period"  # "2024-06" (months) or "2024Q2" (quarters)
PERIOD_START = "period_start"
PERIOD_END = "period_end"
BASE_START = "base_start"  # clients in the base at the end of the previous period
NEW = "new"  # first order ever in the period
RETAINED = "retained"  # in the base at the start and not lost during the period
REACTIVATED = "reactivated"  # came back after being dead
LOST = "lost"  # became dead in the period
BASE_END = "base_end"
CHURN_RATE = "churn_rate"  # lost / base_start
CHURN_RATE_ANNUAL = "churn_rate_annual"  # lost over the trailing year / base a year earlier
REVENUE_PREV = "revenue_prev"  # total revenue of the previous period
REVENUE_NEW = "revenue_new"
REVENUE_REACTIVATED = "revenue_reactivated"
REVENUE_RETAINED = "revenue_retained"
REVENUE_RETAINED_PREV = "revenue_retained_prev"
RETAINED_GROWTH = "retained_growth"
RETAINED_DECLINE = "retained_decline"
REVENUE_LOST_12M = (
    "revenue_lost_12m"  # revenue of lost clients in the 12 months to their last order
)
COHORT = "cohort"  # period of the first order
AGE = "age"  # periods since the first order
COHORT_SIZE = "cohort_size"
ACTIVE_CLIENTS = "active_clients"
RETENTION = "retention"
REVENUE_PER_CLIENT = "revenue_per_client"

# --- managers and NPS (reportkit.analysis.managers) --------------------------------------------------------
MANAGER_SOURCE = "manager_source"  # where a client's manager came from: clients / transactions / …
N_ACTIVITIES = "n_activities"  # activities created in the period
OVERDUE_TASKS = "overdue_tasks"  # tasks due before as_of and not done
N_FORGOTTEN = "n_forgotten"  # good clients left without contact longer than allowed
N_LOST = "n_lost"  # clients lost in the period (ids given by the caller)
RISK_SHARE = "risk_share"  # revenue_at_risk / revenue_window
LAST_ACTIVITY = "last_activity"  # day of the latest activity on or before as_of (NaT: none)
DAYS_WITHOUT_CONTACT = "days_without_contact"
ALLOWED_DAYS = "allowed_days"  # the longest gap without contact the contact policy allows
DAYS_OVERDUE = "days_overdue"
N_ANSWERS = "n_answers"  # NPS: clients answering (latest answer each)
PROMOTERS = "promoters"  # score 9–10
PASSIVES = "passives"  # score 7–8
DETRACTORS = "detractors"  # score 0–6
PROMOTER_SHARE = "promoter_share"
DETRACTOR_SHARE = "detractor_share"
NPS = "nps"  # promoter_share − detractor_share, in points (−100 … 100)
NPS_SE = "nps_se"  # standard error of nps, in points
CI_LOW = "ci_low"
CI_HIGH = "ci_high"
TOO_FEW = "too_few"  # fewer answers than min_answers: nps not shown
NPS_CATEGORY = "nps_category"  # promoter / passive / detractor
DIMENSION = "dimension"  # nps_by: which grouping a row belongs to
GROUP = "group"  # nps_by: the group value

# --- buy-till-you-die summary (reportkit.analysis.btyd.rfm_summary; lifetimes' names) -----------------------
FREQUENCY = "frequency"  # repeat purchases: distinct purchase periods - 1
RECENCY = "recency"  # first to last purchase, in periods
T_AGE = "T"  # first purchase to as-of, in periods
MONETARY_VALUE = "monetary_value"  # mean amount per repeat purchase period (0 without)
