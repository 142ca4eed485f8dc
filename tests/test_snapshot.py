"""The client snapshot: a hand-worked fixture, no leakage, invariances, and a slow reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reportkit.errors import InputError, ParameterError
from reportkit.core.panel import build_panel
from reportkit.io.schema import (ACTIVE_MONTHS, AMOUNT, AOV, AS_OF, BEST12_REVENUE, CLIENT_ID,
                              CREATED, CV, DATE, FIRST_ORDER, FIRST_ORDER_DAY, INTERVAL_DAYS,
                              IS_LEAD, LAST_ORDER, LAST_ORDER_DAY, MARGIN, MARGIN_TOTAL,
                              MARGIN_WINDOW, MONTH, ORDER_ID, ORDERS, ORDERS_TOTAL, ORDERS_WINDOW,
                              RECENCY_DAYS, REVENUE, REVENUE_LAST3, REVENUE_PREV3,
                              REVENUE_PREV_WINDOW, REVENUE_TOTAL, REVENUE_WINDOW, TENURE_DAYS,
                              TREND)
from reportkit.core.snapshot import snapshot, snapshots

T = pd.Timestamp
nan = np.nan

COLUMNS = [CLIENT_ID, AS_OF, FIRST_ORDER, LAST_ORDER, RECENCY_DAYS, TENURE_DAYS, ORDERS_WINDOW,
           REVENUE_WINDOW, REVENUE_PREV_WINDOW, ORDERS_TOTAL, REVENUE_TOTAL, INTERVAL_DAYS,
           ACTIVE_MONTHS, CV, AOV, REVENUE_LAST3, REVENUE_PREV3, TREND, BEST12_REVENUE, IS_LEAD]


def frame(rows, columns):
    df = pd.DataFrame(rows, columns=columns)
    df[CLIENT_ID] = df[CLIENT_ID].astype(object)
    return df


def tx_fixture() -> pd.DataFrame:
    df = frame([
        ("K", "2023-11-10 08:00", 100.0),
        ("K", "2024-01-10 08:00", 100.0),
        ("K", "2024-03-10 08:00", 120.0),
        ("K", "2024-04-10 08:00", 80.0),
        ("K", "2024-05-10 08:00", 100.0),
        ("K", "2024-05-10 18:00", -20.0),     # same-day return: still one order, net 80
        ("K", "2024-06-10 08:00", 100.0),
        ("K", "2024-06-20 08:00", 500.0),     # after as_of: ignored (June straddles as_of)
        ("L", "2023-02-01 08:00", 1000.0),
        ("L", "2023-03-05 08:00", -200.0),
        ("L", "2024-06-14 23:59", -100.0),
        ("M", "2024-05-20 08:00", -50.0),     # returns only
        ("N", "2024-06-16 00:00", 10.0),      # first transaction the day after as_of
        ("T", "2024-07-01 08:00", 10.0),      # after as_of, not in the clients table
    ], [CLIENT_ID, DATE, AMOUNT])
    df[DATE] = pd.to_datetime(df[DATE], format="ISO8601").astype("datetime64[ns]")
    return df


def clients_fixture() -> pd.DataFrame:
    df = frame([("K", "2023-01-01"), ("N", "2024-06-01"), ("Q", "2024-01-01"),
                ("R", "2024-07-01"), ("S", None)], [CLIENT_ID, CREATED])
    df[CREATED] = pd.to_datetime(df[CREATED])
    return df


def expected_fixture() -> pd.DataFrame:
    """as_of 2024-06-15, window_months=4, worked out by hand.

    Window = Mar-Jun 2024 (June up to the 15th), previous window = Nov 2023-Feb 2024,
    last3 = Apr-Jun 2024, prev3 = Jan-Mar 2024.

    K: orders on 11-10, 01-10, 03-10, 04-10, 05-10, 06-10 -> 6; revenue 100+100+120+80+80+100
       = 580. recency 06-15 - 06-10 = 5; tenure 2023-11-10 -> 2024-06-15 = 30+31+31+29+31+30
       +31+5 = 218 days; interval (218-5)/5 = 42.6. Window: 4 orders, 120+80+80+100 = 380,
       4 active months; previous window 100 (Nov) + 100 (Jan) = 200. cv over Mar-Jun
       [120, 80, 80, 100]: mean 95, variance (625+225+225+25)/4 = 275 -> sqrt(275)/95.
       aov 580/6; last3 80+80+100 = 260; prev3 100+0+120 = 220; trend 260/220-1 = 2/11;
       best12: every amount is positive, Jul23-Jun24 holds all -> 580.
    L: one order (2023-02-01), revenue 1000-200-100 = 700; recency = tenure = 2023-02-01 ->
       2024-06-15 = 365+29+31+30+31+14 = 500; window revenue -100 (the 06-14 23:59 return
       counts), no order, no active month; cv over Mar-Jun [0,0,0,-100]: mean < 0 -> NaN;
       aov 700; last3 -100, prev3 0 -> trend NaN; best12: the window ending Feb 2023 holds
       1000 only -> 1000.
    M: returns only: 0 orders, revenue -50, no first/last order, best12 -50, not a lead.
    N: its only transaction is the day after as_of; listed with created 2024-06-01 -> lead.
    Q: lead created 2024-01-01; S: lead without created date; R: created 2024-07-01 -> absent.
    T: only a later transaction, not listed -> absent.
    """
    d = T("2024-06-15")
    lead = (d, pd.NaT, pd.NaT, nan, nan, 0, 0.0, 0.0, 0, 0.0, nan, 0, nan, nan, 0.0, 0.0, nan,
            0.0, True)
    rows = [
        ("K", d, T("2023-11-10"), T("2024-06-10"), 5.0, 218.0, 4, 380.0, 200.0, 6, 580.0, 42.6,
         4, np.sqrt(275.0) / 95.0, 580.0 / 6, 260.0, 220.0, 2.0 / 11.0, 580.0, False),
        ("L", d, T("2023-02-01"), T("2023-02-01"), 500.0, 500.0, 0, -100.0, 0.0, 1, 700.0, nan,
         0, nan, 700.0, -100.0, 0.0, nan, 1000.0, False),
        ("M", d, pd.NaT, pd.NaT, nan, nan, 0, -50.0, 0.0, 0, -50.0, nan, 0, nan, nan, -50.0, 0.0,
         nan, -50.0, False),
        ("N", *lead), ("Q", *lead), ("S", *lead),
    ]
    df = frame(rows, COLUMNS)
    for c in (AS_OF, FIRST_ORDER, LAST_ORDER):
        df[c] = df[c].astype("datetime64[ns]")
    return df


def test_hand_worked_snapshot_mid_month():
    snap = snapshot(build_panel(tx_fixture(), clients=clients_fixture()), as_of="2024-06-15",
                    window_months=4)
    pd.testing.assert_frame_equal(snap, expected_fixture(), check_exact=False, rtol=1e-12)


def test_snapshot_accepts_transactions_directly_and_timestamps():
    a = snapshot(tx_fixture(), as_of=T("2024-06-15 17:45"), window_months=4)
    expected = expected_fixture()
    expected = expected[~expected[IS_LEAD]].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, expected, check_exact=False, rtol=1e-12)


def test_later_transactions_change_nothing():
    clients = clients_fixture()
    base = snapshot(build_panel(tx_fixture(), clients=clients), as_of="2024-06-15",
                    window_months=4)
    later = frame([("K", "2024-06-16 00:00", 999.0), ("L", "2024-06-30", 5.0),
                   ("Q", "2024-06-16 00:00", 7.0), ("NEW", "2024-06-16", 1.0),
                   ("M", "2025-01-01", 3.0)], [CLIENT_ID, DATE, AMOUNT])
    later[DATE] = pd.to_datetime(later[DATE], format="ISO8601").astype("datetime64[ns]")
    leaked = pd.concat([tx_fixture(), later], ignore_index=True)
    snap = snapshot(build_panel(leaked, clients=clients), as_of="2024-06-15", window_months=4)
    pd.testing.assert_frame_equal(snap, base)
    # ...while a transaction in the last second of the as_of day does count
    last_second = frame([("K", "2024-06-15 23:59:59", 1.0)], [CLIENT_ID, DATE, AMOUNT])
    last_second[DATE] = pd.to_datetime(last_second[DATE], format="ISO8601").astype("datetime64[ns]")
    snap = snapshot(pd.concat([leaked, last_second], ignore_index=True), as_of="2024-06-15",
                    window_months=4)
    k = snap.set_index(CLIENT_ID).loc["K"]
    assert k[REVENUE_TOTAL] == 581.0 and k[ORDERS_TOTAL] == 7 and k[RECENCY_DAYS] == 0.0


def test_row_order_invariance_and_no_mutation():
    tx = tx_fixture()
    before = tx.copy()
    shuffled = tx.sample(frac=1.0, random_state=7).reset_index(drop=True)
    a = snapshot(build_panel(tx, clients=clients_fixture()), as_of="2024-06-15",
                 window_months=4)
    b = snapshot(build_panel(shuffled, clients=clients_fixture().iloc[::-1]),
                 as_of="2024-06-15", window_months=4)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(tx, before)


def test_month_end_uses_the_monthly_panel_only():
    panel = build_panel(tx_fixture())
    snapshot(panel, as_of="2024-05-31")
    snapshot(panel, as_of="2024-06-30")
    snapshot(panel, as_of="2024-07-15")          # mid-month, but after the last transaction
    assert panel.end == T("2024-07-01")
    assert panel._partials == {}
    panel._source = None                         # nothing may be re-read from here on
    snapshot(panel, as_of="2024-02-29")
    snapshot(panel, as_of="2030-01-01")


def test_mid_month_partial_is_aggregated_once_and_cached():
    panel = build_panel(tx_fixture())
    a = snapshot(panel, as_of="2024-06-15")
    assert list(panel._partials) == [int((T("2024-06-15") - T("1970-01-01")).days)]
    panel._source = None                         # the cached partial month is enough
    pd.testing.assert_frame_equal(snapshot(panel, as_of="2024-06-15"), a)


def test_snapshots_equal_single_snapshots():
    panel = build_panel(tx_fixture(), clients=clients_fixture())
    dates = ["2023-12-31", "2024-06-15", T("2024-03-10")]
    many = snapshots(panel, dates, window_months=6)
    assert list(many) == [T(d) for d in dates]
    for d in dates:
        pd.testing.assert_frame_equal(many[T(d)], snapshot(panel, as_of=d, window_months=6))
    assert list(snapshots(tx_fixture(), ["2024-01-31"])) == [T("2024-01-31")]


def test_before_any_transaction_only_dated_leads():
    panel = build_panel(tx_fixture(), clients=clients_fixture())
    with pytest.raises(InputError, match=r"is before the data \(2023-02-01 – 2024-07-01\)"):
        snapshot(panel, as_of="2022-01-01")
    snap = snapshot(panel, as_of="2022-01-01", empty_ok=True)
    assert snap[CLIENT_ID].tolist() == ["S"]         # K is created 2023-01-01; S is undated
    snap = snapshot(panel, as_of="2023-01-01", empty_ok=True)  # K is known, bought nothing
    assert snap[CLIENT_ID].tolist() == ["K", "S"] and snap[IS_LEAD].all()
    assert (snap[ORDERS_TOTAL] == 0).all() and (snap[REVENUE_TOTAL] == 0).all()


def test_margin_columns_only_with_margin():
    tx = tx_fixture()
    assert MARGIN_WINDOW not in snapshot(tx, as_of="2024-06-15").columns
    tx[MARGIN] = tx[AMOUNT] * 0.25
    snap = snapshot(tx, as_of="2024-06-15", window_months=4).set_index(CLIENT_ID)
    assert snap.loc["K", MARGIN_TOTAL] == pytest.approx(580.0 * 0.25)
    assert snap.loc["K", MARGIN_WINDOW] == pytest.approx(380.0 * 0.25)
    cols = list(snap.reset_index().columns)
    assert cols.index(MARGIN_WINDOW) == cols.index(REVENUE_WINDOW) + 1
    assert cols.index(MARGIN_TOTAL) == cols.index(REVENUE_TOTAL) + 1


def test_dtypes():
    snap = snapshot(build_panel(tx_fixture(), clients=clients_fixture()), as_of="2024-06-15")
    assert snap[CLIENT_ID].dtype == object
    assert snap[IS_LEAD].dtype == bool
    for c in (ORDERS_WINDOW, ORDERS_TOTAL, ACTIVE_MONTHS):
        assert snap[c].dtype == np.int64
    for c in (AS_OF, FIRST_ORDER, LAST_ORDER):
        assert snap[c].dtype == "datetime64[ns]"
    assert list(snap.index) == list(range(len(snap)))


@pytest.mark.parametrize("kwargs, match", [
    ({"as_of": "yesterday"}, r"`as_of` must be a date such as '2024-06-30'.*got 'yesterday'"),
    ({"as_of": None}, r"`as_of` must be a date.*got None"),
    ({"as_of": 20240630}, r"`as_of` must be a date.*got 20240630"),
    ({"as_of": "3000-01-01"}, r"`as_of` must be a date between 1678 and 2261"),
    ({"as_of": "2024-06-30", "window_months": 0}, r"`window_months` must be a positive integer, "
                                                   r"got 0"),
    ({"as_of": "2024-06-30", "window_months": 1.5}, r"`window_months` must be a positive"),
    ({"as_of": "2024-06-30", "window_months": True}, r"`window_months` must be a positive"),
])
def test_parameter_errors(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        snapshot(tx_fixture(), **kwargs)


# --- reference check on a random base ------------------------------------------------------


def random_base(seed: int = 11, n_clients: int = 120, n_orders: int = 900):
    rng = np.random.default_rng(seed)
    start = T("2022-01-01").value // 10**9
    span = 3 * 365 * 86400
    order_client = rng.integers(0, n_clients, n_orders)
    order_time = start + rng.integers(0, span, n_orders)
    lines = rng.integers(1, 4, n_orders)
    rows = []
    for o, (c, t, k) in enumerate(zip(order_client, order_time, lines)):
        oid = f"o{o}" if rng.random() > 0.15 else rng.choice(["", None])
        for _ in range(k):
            amount = float(np.round(rng.lognormal(3, 1), 2))
            if rng.random() < 0.1:
                amount = -amount                   # a return
            elif rng.random() < 0.03:
                amount = 0.0
            tt = t + int(rng.integers(0, 3 * 86400)) if rng.random() < 0.2 else t
            margin = nan if rng.random() < 0.05 else amount * 0.3
            rows.append((f"c{c:03d}", tt, amount, oid, margin))
    tx = pd.DataFrame(rows, columns=[CLIENT_ID, DATE, AMOUNT, ORDER_ID, MARGIN])
    tx[CLIENT_ID] = tx[CLIENT_ID].astype(object)
    tx[ORDER_ID] = tx[ORDER_ID].astype(object)
    tx[DATE] = pd.to_datetime(tx[DATE], unit="s").astype("datetime64[ns]")
    # a few clients whose only transactions are returns
    extra = pd.DataFrame({CLIENT_ID: pd.Series(["r1", "r2", "r2"], dtype=object),
                          DATE: pd.to_datetime(["2023-05-05", "2022-02-02", "2024-11-30 22:00"],
                                               format="ISO8601"),
                          AMOUNT: [-10.0, -5.0, -7.5],
                          ORDER_ID: pd.Series([None, "x", ""], dtype=object),
                          MARGIN: [-1.0, -2.0, nan]})
    extra[DATE] = extra[DATE].astype("datetime64[ns]")
    # steady clients buying every month (full 12-month windows), with some net-negative months
    steady = []
    for s in range(3):
        for m, month in enumerate(pd.date_range("2022-01-01", "2024-12-01", freq="MS")):
            amount = float(np.round(rng.lognormal(4, 0.5), 2)) * (-1 if rng.random() < 0.1 else 1)
            steady.append((f"s{s}", month + pd.Timedelta(days=int(rng.integers(0, 28))), amount,
                           f"s{s}-{m}", amount * 0.2))
    steady = pd.DataFrame(steady, columns=[CLIENT_ID, DATE, AMOUNT, ORDER_ID, MARGIN])
    steady[CLIENT_ID] = steady[CLIENT_ID].astype(object)
    steady[ORDER_ID] = steady[ORDER_ID].astype(object)
    steady[DATE] = steady[DATE].astype("datetime64[ns]")
    tx = pd.concat([tx, extra, steady], ignore_index=True)
    ids = sorted(set(tx[CLIENT_ID]))
    listed = [c for c in ids if rng.random() < 0.7] + [f"lead{i}" for i in range(15)]
    created = start + rng.integers(-span // 3, span, len(listed))
    created = pd.to_datetime(created, unit="s").astype("datetime64[ns]")
    created = created.where(rng.random(len(listed)) > 0.2)
    clients = pd.DataFrame({CLIENT_ID: pd.Series(listed, dtype=object), CREATED: created})
    return tx.sample(frac=1.0, random_state=seed).reset_index(drop=True), clients


def month_no(ts: pd.Timestamp) -> int:
    return ts.year * 12 + ts.month - 1


def count_orders(rows: pd.DataFrame, by_order_id: bool) -> int:
    purchases = rows[rows[AMOUNT] > 0]
    days = purchases[DATE].dt.normalize()
    if not by_order_id:
        return days.nunique()
    has_id = purchases[ORDER_ID].notna() & (purchases[ORDER_ID] != "")
    return purchases.loc[has_id, ORDER_ID].nunique() + days[~has_id].nunique()


def reference_panel(tx: pd.DataFrame) -> pd.DataFrame:
    out = []
    for (cid, m), rows in tx.groupby([CLIENT_ID, tx[DATE].dt.to_period("M")]):
        purchases = rows.loc[rows[AMOUNT] > 0, DATE].dt.normalize()
        out.append({CLIENT_ID: cid, MONTH: m.to_timestamp(), REVENUE: rows[AMOUNT].sum(),
                    ORDERS: count_orders(rows, ORDER_ID in tx), MARGIN: rows[MARGIN].sum(),
                    FIRST_ORDER_DAY: purchases.min(), LAST_ORDER_DAY: purchases.max()})
    df = pd.DataFrame(out).sort_values([CLIENT_ID, MONTH]).reset_index(drop=True)
    df[CLIENT_ID] = df[CLIENT_ID].astype(object)
    for c in (MONTH, FIRST_ORDER_DAY, LAST_ORDER_DAY):
        df[c] = df[c].astype("datetime64[ns]")
    return df


def reference_snapshot(tx, clients, as_of, window):
    """Every field straight from the transactions, client by client, month by month."""
    day = T(as_of).normalize()
    t = tx[tx[DATE] < day + pd.Timedelta(days=1)]
    m_a = month_no(day)
    by_id = ORDER_ID in tx
    known = set(t[CLIENT_ID])
    listed = {}
    for cid, created in zip(clients[CLIENT_ID], clients[CREATED]):
        if pd.isna(created) or created.normalize() <= day:
            listed[cid] = True
    out = []
    for cid in sorted(known | set(listed)):
        g = t[t[CLIENT_ID] == cid]
        months = {}
        for m, rows in g.groupby(g[DATE].map(month_no)):
            months[m] = (rows[AMOUNT].sum(), count_orders(rows, by_id), rows[MARGIN].sum())

        def rev(lo, hi):
            return sum(v[0] for m, v in months.items() if lo <= m <= hi)

        def orders(lo, hi):
            return sum(v[1] for m, v in months.items() if lo <= m <= hi)

        purchases = g.loc[g[AMOUNT] > 0, DATE].dt.normalize()
        first, last = (purchases.min(), purchases.max()) if len(purchases) else (pd.NaT, pd.NaT)
        n_orders = orders(-10**9, 10**9)
        total = rev(-10**9, 10**9)
        if len(purchases):
            lo = max(m_a - window + 1, month_no(first))
            series = np.array([months.get(m, (0.0,))[0] for m in range(lo, m_a + 1)])
            cv = series.std() / series.mean() if len(series) >= 2 and series.mean() > 0 else nan
        else:
            cv = nan
        if len(g):
            best12 = max(rev(e - 11, e) for e in range(min(months), m_a + 1))
        else:
            best12 = 0.0
        last3, prev3 = rev(m_a - 2, m_a), rev(m_a - 5, m_a - 3)
        out.append({
            CLIENT_ID: cid, AS_OF: day, FIRST_ORDER: first, LAST_ORDER: last,
            RECENCY_DAYS: (day - last).days if len(purchases) else nan,
            TENURE_DAYS: (day - first).days if len(purchases) else nan,
            ORDERS_WINDOW: orders(m_a - window + 1, m_a),
            REVENUE_WINDOW: rev(m_a - window + 1, m_a),
            MARGIN_WINDOW: sum(v[2] for m, v in months.items() if m > m_a - window),
            REVENUE_PREV_WINDOW: rev(m_a - 2 * window + 1, m_a - window),
            ORDERS_TOTAL: n_orders, REVENUE_TOTAL: total,
            MARGIN_TOTAL: sum(v[2] for v in months.values()),
            INTERVAL_DAYS: (last - first).days / (n_orders - 1) if n_orders >= 2 else nan,
            ACTIVE_MONTHS: sum(1 for m, v in months.items() if m > m_a - window and v[1] > 0),
            CV: cv, AOV: total / n_orders if n_orders else nan,
            REVENUE_LAST3: last3, REVENUE_PREV3: prev3,
            TREND: last3 / prev3 - 1 if prev3 > 0 else nan,
            BEST12_REVENUE: best12, IS_LEAD: len(g) == 0,
        })
    return pd.DataFrame(out)


@pytest.fixture(scope="module")
def base():
    tx, clients = random_base()
    return tx, clients, build_panel(tx, clients=clients)


def test_panel_matches_reference(base):
    tx, _, panel = base
    pd.testing.assert_frame_equal(panel.frame, reference_panel(tx), check_exact=False, rtol=1e-9,
                                  check_dtype=False)


@pytest.mark.parametrize("as_of, window", [
    ("2021-12-15", 12), ("2022-01-01", 12), ("2023-02-28", 12), ("2023-07-15", 12),
    ("2024-02-29", 5), ("2024-11-30", 1), ("2024-12-31", 12), ("2025-03-10", 3),
])
def test_snapshot_matches_reference(base, as_of, window):
    tx, clients, panel = base
    got = snapshot(panel, as_of=as_of, window_months=window, empty_ok=True)
    want = reference_snapshot(tx, clients, as_of, window)
    assert list(got.columns) == list(want.columns)
    assert got[CLIENT_ID].tolist() == want[CLIENT_ID].tolist()
    for col in want.columns:
        a, b = got[col].to_numpy(), want[col].to_numpy()
        if col in (CLIENT_ID, IS_LEAD) or a.dtype.kind == "M":
            pd.testing.assert_series_equal(pd.Series(a, dtype=a.dtype),
                                           pd.Series(b, dtype=a.dtype), obj=col)
        else:
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-9, atol=1e-9,
                                       err_msg=col)


def test_reference_base_covers_the_edge_cases(base):
    """The random base really exercises mid-month straddles, returns-only clients and leads."""
    tx, clients, panel = base
    snap = snapshot(panel, as_of="2023-07-15")
    assert snap[IS_LEAD].sum() > 5
    assert ((snap[ORDERS_TOTAL] == 0) & ~snap[IS_LEAD]).sum() >= 1
    assert panel._partials                          # July 2023 was aggregated on demand
    assert (snap[BEST12_REVENUE] < snap[REVENUE_TOTAL]).any()
    assert snap[CV].notna().sum() > 20


@pytest.mark.parametrize("chunk", [1, 7, 50])
def test_blocks_of_clients_give_the_same_snapshot(base, monkeypatch, chunk):
    """The snapshot is computed in blocks of whole clients; tiny blocks change nothing."""
    import importlib

    snapshot_module = importlib.import_module("reportkit.core.snapshot")   # the module, not rk.snapshot
    _, _, panel = base
    whole = snapshot(panel, as_of="2023-07-15", window_months=5)
    monkeypatch.setattr(snapshot_module, "_CHUNK_ROWS", chunk)
    assert len(snapshot_module._blocks(panel.rows.code)) > 10
    pd.testing.assert_frame_equal(snapshot(panel, as_of="2023-07-15", window_months=5), whole)
