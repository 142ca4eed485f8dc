"""Why an input row is rejected: the reasons the load reports count (in memory and out of core)."""

MALFORMED = "malformed line (wrong number of fields)"
EMPTY_ROW = "empty row"
REPEATED_HEADER = "the header row repeated"
TOTAL_ROW = "total row"
MISSING_ID = "missing client id"
BAD_DATE = "unparseable date"
BAD_AMOUNT = "unparseable amount"
BAD_SCORE = "score missing or outside 0–10"
EARLY_DATE = "date before [load] earliest_date"
FUTURE_DATE = "date in the future"
HUGE_AMOUNT = "implausible amount (1e15 or more)"
_HUGE = 1e15  # no sale is worth a quadrillion; 1e308 would make every total infinite
DUPLICATE_ROW = "exact duplicate row"
REPEATED_ID = "repeated client id (first record kept)"

__all__ = [
    "BAD_AMOUNT",
    "BAD_DATE",
    "BAD_SCORE",
    "DUPLICATE_ROW",
    "EARLY_DATE",
    "EMPTY_ROW",
    "FUTURE_DATE",
    "HUGE_AMOUNT",
    "MALFORMED",
    "MISSING_ID",
    "REPEATED_HEADER",
    "REPEATED_ID",
    "TOTAL_ROW",
]
