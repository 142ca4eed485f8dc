"""The Spark path of the panel (#18): a PySpark DataFrame aggregated by Spark SQL gives the
panel of the in-memory polars query and of DuckDB over files, and counts the lines it rejects.

One local Spark session serves the module. Without pyspark or Java the tests are skipped only
when REPORTKIT_REQUIRE_SPARK is unset; CI sets it, so there they fail instead.
"""

from __future__ import annotations

import os
import shutil
import time

import numpy as np
import pandas as pd
import pytest

import reportkit as rk
from reportkit.core.outofcore import SparkSource
from reportkit.io.reasons import BAD_AMOUNT, BAD_DATE, DUPLICATE_ROW, HUGE_AMOUNT, MISSING_ID
from reportkit.io.schema import AMOUNT, CLIENT_ID, DATE, MARGIN, ORDER_ID

try:
    from pyspark.sql import SparkSession
except ImportError:  # checked by the fixture
    SparkSession = None

pytestmark = pytest.mark.filterwarnings(
    # pyspark's own notice about pandas 3; reportkit's warnings still fail the tests
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.isfile(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


@pytest.fixture(scope="module")
def spark():
    """A local session: 2 threads, no UI, UTC, 4 shuffle partitions, 1 GB driver."""
    missing = [what for what, ok in (("pyspark", SparkSession is not None),
                                     ("java", _java() is not None)) if not ok]
    if missing:
        why = f"{' and '.join(missing)} not installed"
        if "REPORTKIT_REQUIRE_SPARK" in os.environ:
            pytest.fail(f"REPORTKIT_REQUIRE_SPARK is set but {why}")
        pytest.skip(f"{why}; the Spark path is tested where REPORTKIT_REQUIRE_SPARK is set "
                    "(CI installs both)")
    t0 = time.perf_counter()
    session = (SparkSession.builder.master("local[2]").appName("reportkit-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.driver.memory", "1g")
               .getOrCreate())
    print(f"\nSpark session started in {time.perf_counter() - t0:.1f} s")
    yield session
    session.stop()


# --- data -------------------------------------------------------------------------------------

def messy_transactions(seed: int = 18, n_orders: int = 900) -> pd.DataFrame:
    """Generated lines of 60 clients over 2021-2023: orders of 1-4 lines (several a day),
    amounts with cents, returns as negative amounts, purchases without an order id (None and
    ''), a margin with some nulls, and about 4 % of the lines repeated exactly."""
    rng = np.random.default_rng(seed)
    clients = np.array([f"C{i:03d}" for i in range(57)] + ["Ёлка", "Ω-7", "z 9"], dtype=object)
    days = pd.date_range("2021-01-01", "2023-12-31", freq="D")
    rows = []
    for k in range(n_orders):
        client = clients[rng.integers(len(clients))]
        day = days[rng.integers(len(days))]
        kind = rng.random()
        order = f"O{k:05d}" if kind < 0.75 else (None if kind < 0.87 else "")
        for _ in range(rng.integers(1, 5)):
            when = day + pd.Timedelta(seconds=int(rng.integers(0, 86_400)))
            amount = round(float(rng.uniform(0.5, 900.0)), 2)
            if rng.random() < 0.12:
                amount = -amount  # a return
            margin = np.nan if rng.random() < 0.1 else round(amount * rng.uniform(0.05, 0.4), 2)
            rows.append((client, when, amount, order, margin))
    df = pd.DataFrame(rows, columns=[CLIENT_ID, DATE, AMOUNT, ORDER_ID, MARGIN])
    repeats = df.sample(frac=0.04, random_state=seed)
    df = pd.concat([df, repeats], ignore_index=True)
    df = df.sample(frac=1.0, random_state=seed + 1).reset_index(drop=True)
    df[DATE] = df[DATE].astype("datetime64[ns]")
    return df


@pytest.fixture(scope="module")
def messy() -> pd.DataFrame:
    return messy_transactions()


def _parquet_folder(df: pd.DataFrame, folder) -> str:
    """The frame as three Parquet parts in ``folder``."""
    folder.mkdir()
    for i, part in enumerate(np.array_split(np.arange(len(df)), 3)):
        df.iloc[part].to_parquet(folder / f"part-{i}.parquet", index=False)
    return str(folder)


MONEY = ["revenue", "margin"]


def to_the_cent(frame: pd.DataFrame) -> pd.DataFrame:
    """The money columns rounded to the cent (the data's amounts are whole cents)."""
    return frame.assign(**{c: frame[c].round(2) for c in MONEY if c in frame})


def assert_same_panel(got: rk.Panel, want: rk.Panel, *, bitwise: bool = False) -> None:
    """Same rows, counts, days and span; money equal to the cent, or to the last bit.

    The engines all sum exact millionths, but polars' in-memory group-by divides the sum by
    1e6 as a product with 1e-6 (polars 2.1; its streaming engine divides): -30.10 comes back
    as -30.099999999999998 in memory and as -30.1 from Spark and DuckDB. So money is compared
    to the cent against the in-memory panel, and bit for bit between Spark and DuckDB.
    """
    if bitwise:
        pd.testing.assert_frame_equal(got.frame, want.frame, check_exact=True)
    else:
        pd.testing.assert_frame_equal(to_the_cent(got.frame), to_the_cent(want.frame),
                                      check_exact=True)
    assert (got.start, got.end, got.n_clients) == (want.start, want.end, want.n_clients)


# --- the tests --------------------------------------------------------------------------------

def test_messy_lines_same_panel_in_spark_memory_and_duckdb(spark, messy, tmp_path):
    """Spark keeps exact duplicate lines, as build_panel of a frame does, so it must equal the
    in-memory panel of the whole frame. DuckDB over a folder applies the loader's rule (an
    order_id column -> exact duplicates rejected): it must equal the in-memory panel of the
    de-duplicated frame, and count the repeats as duplicates."""
    n_dup = int(messy.duplicated().sum())
    assert n_dup > 20  # the generator's repeats are there
    assert messy[ORDER_ID].isna().sum() > 50 and (messy[ORDER_ID] == "").sum() > 50
    assert (messy[AMOUNT] < 0).sum() > 100 and messy[MARGIN].isna().sum() > 50
    assert messy[DATE].dt.year.nunique() == 3

    t0 = time.perf_counter()
    from_spark = rk.build_panel(spark.createDataFrame(messy))
    print(f"\nfirst Spark panel of {len(messy):,} lines: {time.perf_counter() - t0:.1f} s")
    in_memory = rk.build_panel(messy)
    assert_same_panel(from_spark, in_memory)
    assert from_spark.orders_from == ORDER_ID and from_spark.has_margin
    acc = from_spark.accounting
    assert (acc.rows_read, acc.rows_kept, acc.rejected_by_reason) == (len(messy), len(messy), {})
    # the sums of the accounting against the frame, to the cent
    assert round(acc.total_amount, 2) == round(messy[AMOUNT].sum(), 2)
    assert acc.returns_count == int((messy[AMOUNT] < 0).sum())

    deduplicated = messy.drop_duplicates()
    from_files = rk.build_panel(_parquet_folder(messy, tmp_path / "parts"), engine="duckdb")
    assert_same_panel(from_files, rk.build_panel(deduplicated))
    assert from_files.accounting.rejected_by_reason == {DUPLICATE_ROW: n_dup}
    assert_same_panel(rk.build_panel(spark.createDataFrame(deduplicated)), from_files,
                      bitwise=True)
    # and the repeats do change the panel: the two comparisons are not the same one
    assert not to_the_cent(in_memory.frame).equals(to_the_cent(from_files.frame))


def test_no_order_id_no_margin(spark, messy, tmp_path):
    """Orders are purchase days; no margin column. Without an order_id DuckDB keeps exact
    duplicates too, so all three engines see the same lines."""
    plain = messy[[CLIENT_ID, DATE, AMOUNT]]
    from_spark = rk.build_panel(spark.createDataFrame(plain))
    in_memory = rk.build_panel(plain)
    assert_same_panel(from_spark, in_memory)
    assert from_spark.orders_from == DATE and not from_spark.has_margin
    from_files = rk.build_panel(_parquet_folder(plain, tmp_path / "parts"), engine="duckdb")
    assert_same_panel(from_files, in_memory)
    assert_same_panel(from_spark, from_files, bitwise=True)
    assert from_files.accounting.rejected_by_reason == {}


def test_mid_month_snapshot(spark, messy, monkeypatch, tmp_path):
    """A snapshot as of the 15th aggregates that month up to the 15th again, inside Spark
    (SparkSource.part). It equals the in-memory snapshot (floats to 1e-12: see
    assert_same_panel) and, bit for bit, DuckDB's snapshot of the same lines (the
    de-duplicated frame, see the first test)."""
    as_of = "2022-06-15"
    june = messy[messy[DATE].dt.to_period("M") == "2022-06"]
    # clients with June lines on both sides of the cut-off: the partial month matters
    before = set(june.loc[june[DATE] < "2022-06-16", CLIENT_ID])
    after = set(june.loc[june[DATE] >= "2022-06-16", CLIENT_ID])
    assert len(before) >= 3 and len(after - before) >= 1 and len(before & after) >= 1
    calls = []
    part = SparkSource.part
    monkeypatch.setattr(SparkSource, "part",
                        lambda self, start, end: calls.append((start, end)) or part(self, start, end))
    from_spark = rk.snapshot(rk.build_panel(spark.createDataFrame(messy)), as_of=as_of)
    assert calls == [(pd.Timestamp("2022-06-01"), pd.Timestamp("2022-06-16"))]
    in_memory = rk.snapshot(rk.build_panel(messy), as_of=as_of)
    pd.testing.assert_frame_equal(from_spark, in_memory, check_exact=False, rtol=1e-12, atol=0)

    deduplicated = messy.drop_duplicates()
    spark_once = rk.snapshot(rk.build_panel(spark.createDataFrame(deduplicated)), as_of=as_of)
    folder = _parquet_folder(messy, tmp_path / "parts")
    duckdb_once = rk.snapshot(rk.build_panel(folder, engine="duckdb"), as_of=as_of)
    pd.testing.assert_frame_equal(spark_once, duckdb_once, check_exact=True)


def test_rejected_lines_are_counted(spark):
    """Lines without a client id, a date or a usable amount are counted by reason and left
    out; the others make the panel. The first failing check names the reason (client id,
    then date, then amount)."""
    T = pd.Timestamp
    good = [("a", T("2024-01-05 10:00"), 100.25, "o1"),
            ("a", T("2024-01-05 11:00"), 20.00, "o1"),
            ("a", T("2024-02-10 09:30"), -30.10, "o2"),
            ("b", T("2024-02-29 23:59"), 70.00, None)]
    bad = [(None, T("2024-01-07"), 5.0, "x1"),         # missing client id
           ("", T("2024-01-08"), 5.0, "x2"),           # missing client id (empty)
           (None, pd.NaT, np.nan, "x3"),               # missing client id (checked first)
           ("a", pd.NaT, 5.0, "x4"),                   # unparseable date
           ("b", pd.NaT, np.nan, "x5"),                # unparseable date (checked before amount)
           ("a", T("2024-01-09"), np.nan, "x6"),       # unparseable amount
           ("b", T("2024-01-09"), np.inf, "x7"),       # unparseable amount
           ("b", T("2024-01-10"), 2e15, "x8")]         # implausible amount
    rows = [bad[0], good[0], bad[1], bad[2], good[1], bad[3], bad[4], good[2], bad[5],
            bad[6], good[3], bad[7]]
    df = pd.DataFrame(rows, columns=[CLIENT_ID, DATE, AMOUNT, ORDER_ID])
    df[DATE] = df[DATE].astype("datetime64[ns]")
    panel = rk.build_panel(spark.createDataFrame(df))
    acc = panel.accounting
    assert acc.rejected_by_reason == {MISSING_ID: 3, BAD_DATE: 2, BAD_AMOUNT: 2, HUGE_AMOUNT: 1}
    assert (acc.rows_read, acc.rows_kept, acc.clients) == (12, 4, 2)
    # a: January 100.25 + 20.00 in one order; February a return of 30.10; b: 70.00
    assert panel.frame[CLIENT_ID].tolist() == ["a", "a", "b"]
    assert panel.frame["revenue"].tolist() == [120.25, -30.10, 70.0]
    assert panel.frame["orders"].tolist() == [1, 0, 1]
    assert acc.returns_count == 1 and acc.returns_amount == -30.10
    good_frame = pd.DataFrame(good, columns=[CLIENT_ID, DATE, AMOUNT, ORDER_ID])
    assert_same_panel(panel, rk.build_panel(good_frame.astype({DATE: "datetime64[ns]"})))


def test_missing_or_mistyped_columns_are_refused(spark):
    """reportkit's InputError names the column, before Spark runs anything (a text column
    would stop Spark's ANSI casts on the first bad value)."""
    df = pd.DataFrame({CLIENT_ID: ["a"], DATE: pd.to_datetime(["2024-01-05"]), AMOUNT: [1.0]})
    with pytest.raises(rk.InputError, match="required column.*'amount'"):
        rk.build_panel(spark.createDataFrame(df.drop(columns=[AMOUNT])))
    with pytest.raises(rk.InputError, match="'date' must hold dates"):
        rk.build_panel(spark.createDataFrame(df.astype({DATE: str})))
    with pytest.raises(rk.InputError, match="'amount' must hold numbers"):
        rk.build_panel(spark.createDataFrame(df.astype({AMOUNT: str})))
    with pytest.raises(rk.InputError, match="'client_id' must hold text"):
        rk.build_panel(spark.createDataFrame(df.assign(**{CLIENT_ID: [1.5]})))


def test_local_time_of_another_session_time_zone(spark):
    """Dates are the wall-clock time of the session's time zone: a line at 00:30 on the
    1st of a month belongs to that month and day, and is the panel's end (the span came
    back in UTC, a day early, before the dates were read as TIMESTAMP_NTZ)."""
    df = pd.DataFrame({CLIENT_ID: ["a", "a", "b"],
                       DATE: pd.to_datetime(["2024-01-31 23:30", "2024-02-01 00:30",
                                             "2024-01-01 00:10"]).astype("datetime64[ns]"),
                       AMOUNT: [1.0, 2.0, 4.0]})
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")
    try:
        panel = rk.build_panel(spark.createDataFrame(df))
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    assert_same_panel(panel, rk.build_panel(df))
    assert (panel.start, panel.end) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01"))
