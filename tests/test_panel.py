"""The client-month panel: a hand-worked fixture, input kinds, invariances and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from reportkit.io.dataset import Dataset
from reportkit.errors import InputError, MissingColumnError, ReportkitError
from reportkit.core.panel import Panel, build_panel
from reportkit.io.schema import (AMOUNT, CLIENT_ID, CREATED, DATE, FIRST_ORDER_DAY, LAST_ORDER_DAY,
                              MARGIN, MONTH, ORDER_ID, ORDERS, REVENUE)

T = pd.Timestamp
NaT = pd.NaT


def tx_fixture() -> pd.DataFrame:
    """Transactions whose panel is worked out by hand in ``expected_panel``."""
    rows = [
        # client A: order o1 of two lines, o4 the same day, o2 later, a return of o1
        ("A", "2024-01-03 10:00", 100.0, "o1", 30.0),
        ("A", "2024-01-03 10:05", 50.0, "o1", 10.0),
        ("A", "2024-01-03 16:00", 25.0, "o4", 5.0),
        ("A", "2024-01-15 09:00", 30.0, "o2", 6.0),
        ("A", "2024-01-20 11:00", -20.0, "o1", -6.0),
        ("A", "2024-03-31 23:59", 200.0, "o3", np.nan),     # missing margin counts as 0
        # client B: only a return
        ("B", "2024-02-10 12:00", -40.0, "r1", -8.0),
        # client C: empty / missing order ids fall back to the day
        ("C", "2024-02-01 09:00", 10.0, "", 2.0),
        ("C", "2024-02-01 17:00", 5.0, None, 1.0),
        ("C", "2024-02-02 09:00", 7.0, "", 1.0),
        ("C", "2024-02-02 10:00", 3.0, "o9", 1.0),
        # client D: a zero amount is not an order; first order one hour into January
        ("D", "2023-12-31 23:00", 0.0, "z1", 0.0),
        ("D", "2024-01-01 00:30", 80.0, "o5", 20.0),
    ]
    df = pd.DataFrame(rows, columns=[CLIENT_ID, DATE, AMOUNT, ORDER_ID, MARGIN])
    df[CLIENT_ID] = df[CLIENT_ID].astype(object)
    df[ORDER_ID] = df[ORDER_ID].astype(object)
    df[DATE] = pd.to_datetime(df[DATE]).astype("datetime64[ns]")
    return df


def expected_panel(with_order_id: bool = True) -> pd.DataFrame:
    # A, Jan 2024: revenue 100+50+25+30-20 = 185; orders {o1, o4, o2} = 3 (by day: 01-03 and
    #   01-15 = 2); purchases on 01-03 and 01-15 (the 01-20 return is not a purchase);
    #   margin 30+10+5+6-6 = 45.
    # A, Mar 2024: 200, one order on 03-31, margin NaN -> 0.
    # B, Feb 2024: -40, no order, no purchase day, margin -8.
    # C, Feb 2024: 25; with order ids: o9 + days without id {02-01, 02-02} = 3; by day: 2;
    #   margin 5.
    # D, Dec 2023: 0.0 is not an order -> 0 orders, NaT; Jan 2024: 80, 1 order on 01-01.
    rows = [
        ("A", "2024-01-01", 185.0, 3 if with_order_id else 2, 45.0, "2024-01-03", "2024-01-15"),
        ("A", "2024-03-01", 200.0, 1, 0.0, "2024-03-31", "2024-03-31"),
        ("B", "2024-02-01", -40.0, 0, -8.0, None, None),
        ("C", "2024-02-01", 25.0, 3 if with_order_id else 2, 5.0, "2024-02-01", "2024-02-02"),
        ("D", "2023-12-01", 0.0, 0, 0.0, None, None),
        ("D", "2024-01-01", 80.0, 1, 20.0, "2024-01-01", "2024-01-01"),
    ]
    df = pd.DataFrame(rows, columns=[CLIENT_ID, MONTH, REVENUE, ORDERS, MARGIN, FIRST_ORDER_DAY,
                                     LAST_ORDER_DAY])
    df[CLIENT_ID] = df[CLIENT_ID].astype(object)
    for c in (MONTH, FIRST_ORDER_DAY, LAST_ORDER_DAY):
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    return df


def test_hand_worked_panel():
    panel = build_panel(tx_fixture())
    pd.testing.assert_frame_equal(panel.frame, expected_panel())
    assert isinstance(panel, Panel)
    assert len(panel) == 6
    assert panel.has_margin
    assert panel.orders_from == ORDER_ID
    assert panel.start == T("2023-12-31") and panel.end == T("2024-03-31")
    assert panel.n_clients == 4
    assert panel.leads.empty and list(panel.leads.columns) == [CLIENT_ID, CREATED]
    assert "6 client-months" in repr(panel)


def test_orders_from_dates_without_order_id():
    tx = tx_fixture().drop(columns=[ORDER_ID, MARGIN])
    panel = build_panel(tx)
    expected = expected_panel(with_order_id=False).drop(columns=[MARGIN])
    pd.testing.assert_frame_equal(panel.frame, expected)
    assert not panel.has_margin and panel.orders_from == DATE


def test_frame_dtypes():
    f = build_panel(tx_fixture()).frame
    assert f[CLIENT_ID].dtype == object
    assert f[MONTH].dtype == "datetime64[ns]"
    assert f[ORDERS].dtype == np.int64
    assert f[REVENUE].dtype == np.float64
    assert list(f.index) == list(range(len(f)))


def test_many_orders_in_one_client_month_counted_exactly():
    """Distinct order ids are told apart by their hash: thousands of ids in one client-month
    (similar strings, lines repeated, returns among them) still count one by one."""
    rng = np.random.default_rng(3)
    ids = [f"ORD-{i:06d}" for i in range(4000)] + [f"ord-{i:06d}" for i in range(4000)]
    lines = pd.DataFrame({ORDER_ID: pd.Series(rng.choice(ids, 20_000), dtype=object)})
    lines[CLIENT_ID] = pd.Series(np.where(rng.random(len(lines)) < 0.9, "big", "small"),
                                 dtype=object)
    lines[DATE] = pd.Timestamp("2024-05-01") + pd.to_timedelta(rng.integers(0, 30 * 24, len(lines)),
                                                               unit="h")
    lines[AMOUNT] = np.where(rng.random(len(lines)) < 0.05, -5.0, 10.0)
    by_hand = lines[lines[AMOUNT] > 0].groupby(CLIENT_ID)[ORDER_ID].nunique()
    f = build_panel(lines).frame.set_index(CLIENT_ID)
    assert f[ORDERS].to_dict() == by_hand.to_dict()
    assert by_hand["big"] > 7000


def test_row_order_and_input_not_mutated():
    tx = tx_fixture()
    before = tx.copy()
    shuffled = tx.sample(frac=1.0, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(build_panel(shuffled).frame, expected_panel())
    build_panel(tx)
    pd.testing.assert_frame_equal(tx, before)


def test_microsecond_and_other_datetime_units():
    tx = tx_fixture()
    tx[DATE] = tx[DATE].astype("datetime64[us]")
    pd.testing.assert_frame_equal(build_panel(tx).frame, expected_panel())


def test_leads_from_clients_table_and_dataset():
    clients = pd.DataFrame({
        CLIENT_ID: pd.Series(["A", "E", "F", "E"], dtype=object),
        CREATED: pd.to_datetime(["2023-01-01", "2023-06-01", None, "2023-05-01"]),
    })
    expected = pd.DataFrame({
        CLIENT_ID: pd.Series(["E", "F"], dtype=object),
        CREATED: pd.to_datetime(["2023-05-01", None]).astype("datetime64[ns]"),
    })
    panel = build_panel(tx_fixture(), clients=clients)
    pd.testing.assert_frame_equal(panel.leads, expected)     # E listed twice: earliest created
    pd.testing.assert_frame_equal(panel.frame, expected_panel())
    ds = Dataset(transactions=tx_fixture(), clients=clients)
    pd.testing.assert_frame_equal(build_panel(ds).leads, expected)
    # a clients table without `created`
    p2 = build_panel(tx_fixture(), clients=clients[[CLIENT_ID]])
    assert p2.leads[CLIENT_ID].tolist() == ["E", "F"] and p2.leads[CREATED].isna().all()


def test_polars_and_parquet_inputs(tmp_path):
    tx = tx_fixture()
    pd.testing.assert_frame_equal(build_panel(pl.from_pandas(tx)).frame, expected_panel())
    pd.testing.assert_frame_equal(build_panel(pl.from_pandas(tx).lazy()).frame, expected_panel())
    path = tmp_path / "tx.parquet"
    tx.to_parquet(path)
    pd.testing.assert_frame_equal(build_panel(path).frame, expected_panel())
    pd.testing.assert_frame_equal(build_panel(str(path)).frame, expected_panel())


def test_integer_client_ids_become_text():
    tx = pl.DataFrame({CLIENT_ID: [7, 7, 12], DATE: [pd.Timestamp("2024-01-01")] * 3,
                       AMOUNT: [1.0, 2.0, 3.0]})
    f = build_panel(tx).frame
    assert f[CLIENT_ID].tolist() == ["12", "7"]       # sorted as text
    assert f[REVENUE].tolist() == [3.0, 3.0]


def test_timezone_aware_dates_use_local_day():
    tx = pd.DataFrame({CLIENT_ID: ["a"], AMOUNT: [5.0],
                       DATE: pd.to_datetime(["2024-01-31 23:30"]).tz_localize("Europe/Moscow")})
    f = build_panel(tx).frame
    assert f[MONTH].tolist() == [T("2024-01-01")]
    assert f[FIRST_ORDER_DAY].tolist() == [T("2024-01-31")]


def test_empty_transactions_give_empty_panel_with_leads():
    tx = pd.DataFrame({CLIENT_ID: pd.Series([], dtype=object),
                       DATE: pd.Series([], dtype="datetime64[ns]"),
                       AMOUNT: pd.Series([], dtype=float)})
    clients = pd.DataFrame({CLIENT_ID: ["x"]})
    panel = build_panel(tx, clients=clients)
    assert len(panel) == 0 and panel.frame.empty and panel.start is NaT
    assert panel.leads[CLIENT_ID].tolist() == ["x"]


# --- errors -----------------------------------------------------------------------------------


def test_missing_column_error():
    with pytest.raises(MissingColumnError, match=r"'amount'.*reportkit.load"):
        build_panel(tx_fixture().drop(columns=[AMOUNT]))


def test_text_dates_are_refused():
    tx = tx_fixture()
    tx[DATE] = tx[DATE].dt.strftime("%d.%m.%Y")
    with pytest.raises(InputError, match=r"'date' must hold dates"):
        build_panel(tx)


def test_text_amounts_are_refused():
    tx = tx_fixture()
    tx[AMOUNT] = tx[AMOUNT].astype(str)
    with pytest.raises(InputError, match=r"'amount' must hold numbers"):
        build_panel(tx)


@pytest.mark.parametrize("column, value, what", [
    (CLIENT_ID, None, "no client_id"), (CLIENT_ID, "", "no client_id"),
    (DATE, pd.NaT, "no date"), (AMOUNT, np.nan, "no amount"),
    (AMOUNT, np.inf, "an infinite amount"),
])
def test_rows_without_required_values(column, value, what):
    tx = tx_fixture()
    tx.loc[4, column] = value
    with pytest.raises(InputError, match=rf"1 rows with {what} \(rows 4, counted from 0\)"):
        build_panel(tx)


def test_bad_data_type_and_paths(tmp_path):
    with pytest.raises(InputError, match=r"`data` must be a Dataset.*got a builtins.list"):
        build_panel([1, 2])
    with pytest.raises(InputError, match="no such file"):
        build_panel(tmp_path / "nope.parquet")
    book = tmp_path / "t.xlsx"
    book.write_bytes(b"PK")
    with pytest.raises(InputError, match=r"t\.xlsx: cannot open the spreadsheet"):
        build_panel(book)


@pytest.mark.parametrize("engine", ["auto", "memory", "duckdb"])
def test_csv_path(tmp_path, engine):
    """A CSV path is read in memory or out of core; the panel is the same (worked by hand:
    a's January is 100 + 50 - 30 = 120 over one order day, b's February 80)."""
    csv = tmp_path / "t.csv"
    csv.write_text(
        "client_id,date,amount\na,2024-01-05 10:00:00,100\na,2024-01-05 12:00:00,50\n"
        "a,2024-01-20 09:00:00,-30\nb,2024-02-03 18:30:00,80\n"
    )
    f = build_panel(csv, engine=engine).frame
    assert f[CLIENT_ID].tolist() == ["a", "b"]
    assert f["revenue"].tolist() == [120.0, 80.0]
    assert f["orders"].tolist() == [1, 1]
    assert f["last_order_day"].astype(str).tolist() == ["2024-01-05", "2024-02-03"]


def test_bad_clients_table():
    with pytest.raises(MissingColumnError, match="the clients table"):
        build_panel(tx_fixture(), clients=pd.DataFrame({"id": ["a"]}))
    with pytest.raises(InputError, match="'created' must hold dates"):
        build_panel(tx_fixture(), clients=pd.DataFrame({CLIENT_ID: ["a"], CREATED: ["2024"]}))
    with pytest.raises(InputError, match="1 rows have no client_id"):
        build_panel(tx_fixture(), clients=pd.DataFrame({CLIENT_ID: ["a", None]}))
    with pytest.raises(InputError, match="`clients` must be"):
        build_panel(tx_fixture(), clients={"client_id": ["a"]})


def test_changed_parquet_file_is_detected(tmp_path):
    from reportkit.core.snapshot import snapshot

    path = tmp_path / "tx.parquet"
    tx_fixture().to_parquet(path)
    panel = build_panel(path)
    snapshot(panel, as_of="2024-01-31")            # month end: the file is not read again
    extra = pd.concat([tx_fixture(), tx_fixture().iloc[[0]]], ignore_index=True)
    extra.to_parquet(path)
    with pytest.raises(ReportkitError, match="changed .* build_panel"):
        snapshot(panel, as_of="2024-01-10")        # A has January rows on both sides


def test_centuries_apart_and_absurd_dates():
    tx = pd.DataFrame({CLIENT_ID: ["a", "a", "b"], AMOUNT: [1.0, 2.0, 4.0],
                       DATE: pd.to_datetime(["1700-01-05", "2100-03-01", "1999-12-31"])
                       .astype("datetime64[s]")})
    f = build_panel(tx).frame
    assert f[MONTH].tolist() == [T("1700-01-01"), T("2100-03-01"), T("1999-12-01")]
    assert f[REVENUE].tolist() == [1.0, 2.0, 4.0]
    tx.loc[2, DATE] = pd.Timestamp("4900-01-01")
    with pytest.raises(InputError, match="more than 2,700 years from 1970"):
        build_panel(tx)


def test_rows_sorted_by_client_id_then_month_with_unicode_ids():
    """The panel's rows are in (client_id, month) order, ids compared as Python compares them
    (reportkit.core.snapshot and reportkit.analysis.churn rely on this); the rows' values against pandas."""
    rng = np.random.default_rng(5)
    names = ["ООО Ромашка", "ИП Иванов", "Acme", "acme", "Ärzte", "zeta", "00123", "123", "Ω",
             "emoji 🙂", "Z"] + [f"c{i}" for i in range(300)]
    n = 3000
    tx = pd.DataFrame({
        CLIENT_ID: pd.Series(rng.choice(names, n), dtype=object),
        DATE: pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365 * 24, n),
                                                            unit="h"),
        AMOUNT: rng.normal(50, 40, n).round(2),
    })
    panel = build_panel(tx)
    f = panel.frame
    expected_order = sorted(zip(f[CLIENT_ID], f[MONTH]))
    assert list(zip(f[CLIENT_ID], f[MONTH])) == expected_order
    assert list(panel.ids) == sorted(set(tx[CLIENT_ID]))
    key = panel.rows.code.astype(np.int64) * 10_000 + panel.rows.month
    assert (np.diff(key) > 0).all()
    by_hand = tx.assign(month=tx[DATE].dt.to_period("M").dt.start_time).groupby(
        [CLIENT_ID, "month"])[AMOUNT].sum()
    internal = pd.Series(panel.rows.revenue, index=pd.MultiIndex.from_arrays(
        [panel.ids[panel.rows.code], _months(panel.rows.month)]))
    pd.testing.assert_series_equal(internal, by_hand, check_names=False, check_index_type=False)


def _months(month_no: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(month_no.astype("datetime64[M]").astype("datetime64[ns]"))


def test_panel_survives_pickle():
    """reportkit.report.render caches panels as pickles for the notebooks."""
    import pickle

    from reportkit.core.snapshot import snapshot

    panel = build_panel(tx_fixture())
    again = pickle.loads(pickle.dumps(panel))
    pd.testing.assert_frame_equal(again.frame, panel.frame)
    # a mid-month snapshot still reads the retained transactions
    pd.testing.assert_frame_equal(snapshot(again, as_of="2024-01-10"),
                                  snapshot(panel, as_of="2024-01-10"))
