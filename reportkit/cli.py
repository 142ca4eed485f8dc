"""The ``reportkit`` command.

::

    reportkit check DATA [--config FILE] [--rejected DIR]
    reportkit sample OUT [--clients N] [--years Y] [--seed S] [--lang ru]
    reportkit audit DATA [--as-of DATE] [--config FILE] [--lang ru] [--out DIR] [--pdf] [--mask]
                    [--cache DIR]
    reportkit monthly DATA --from YYYY-MM --to YYYY-MM [--jobs N] [--out DIR] [--force] …

Exit codes: 0 done; 2 a problem with the input (file, column, config, parameter; data no audit
can be drawn from: every amount 0, one day of sales, fewer than 20 clients; months all outside
the data), with a message that says what, where and how to fix it; 1 a report that failed to
build. Notes (months outside the data that were not built, data too short for some
conclusions) go to stderr.
"""

from __future__ import annotations

import argparse
import sys

from . import report
from .errors import InputError, ReportkitError
from .io.config import load_config, with_overrides
from .io.load import load, write_rejected
from .io.sample import make_base, write_base
from .progress import PROGRESS
from .version import __version__

#: --mask: what it replaces and where its key lives
MASK_HELP = (
    "show stable pseudonyms instead of client names, ids, phones, e-mails, tax ids "
    "and managers' names in the report and the action lists (every figure stays that "
    "of the real data); key: $REPORTKIT_MASK_KEY, else ~/.config/reportkit/mask.key "
    "($XDG_CONFIG_HOME/reportkit/mask.key), made on first use, never in --out"
)
#: --cache: where the loaded data are kept between runs
TITLE_HELP = (
    "the name in the report's title block, e.g. the company's name (default: [report] title "
    "of the config, else the data folder's name)"
)
#: --engine: how the transactions are read
ENGINE_HELP = (
    "how the transactions are read: 'memory' loads every line; 'duckdb' scans Parquet or UTF-8 "
    "CSV parts (a folder or a glob) out of core, memory following the client-months; 'auto' "
    "(default, [load] engine) takes duckdb from 20 million lines on"
)
CACHE_HELP = (
    "folder for the loaded data and panel the notebooks read, kept so that a re-run on the "
    "same data skips loading (default $XDG_CACHE_HOME/reportkit, else ~/.cache/reportkit); "
    "never inside --out"
)


def _parser() -> argparse.ArgumentParser:

    p = argparse.ArgumentParser(
        prog="reportkit", description="Client-base audit reports from raw sales records."
    )
    p.add_argument("--version", action="version", version=f"reportkit {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("check", help="load the data and print how every row was used")
    c.add_argument("data", help="a transactions file or a folder of table files")
    c.add_argument("--config", help="TOML config file (column mapping, options)")
    c.add_argument("--engine", choices=["auto", "memory", "duckdb"], help=ENGINE_HELP)
    c.add_argument(
        "--rejected",
        metavar="DIR",
        help="write the rejected rows of each table to DIR/rejected_<table>.csv",
    )
    _quiet(c)

    s = sub.add_parser("sample", help="write a synthetic client base as CRM-style files")
    s.add_argument("out", help="output folder")
    s.add_argument("--clients", type=int, default=2000, help="number of clients (default 2000)")
    s.add_argument("--years", type=int, default=3, help="years of history (default 3)")
    s.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    s.add_argument(
        "--lang",
        choices=["en", "ru"],
        default="en",
        help="en: UTF-8, ',' and ISO dates; ru: cp1251, ';', decimal commas",
    )

    a = sub.add_parser("audit", help="the client-base audit report as of a date")
    a.add_argument("data", help="a transactions file or a folder of table files")
    a.add_argument(
        "--as-of",
        dest="as_of",
        help="report date YYYY-MM-DD (default: end of the last full month in the data)",
    )
    a.add_argument("--config", help="TOML config file")
    a.add_argument("--lang", choices=["en", "ru"], help="report language (default en)")
    a.add_argument("--out", default="reports", help="output folder (default ./reports)")
    a.add_argument("--pdf", action="store_true", help="also write a PDF (needs Chromium)")
    a.add_argument("--mask", action="store_true", help=MASK_HELP)
    a.add_argument("--cache", metavar="DIR", help=CACHE_HELP)
    a.add_argument("--title", help=TITLE_HELP)
    a.add_argument("--engine", choices=["auto", "memory", "duckdb"], help=ENGINE_HELP)
    a.add_argument(
        "--allow-future",
        action="store_true",
        help="allow a report date more than a month after the data",
    )
    _quiet(a)

    m = sub.add_parser("monthly", help="one report per month and an index page")
    m.add_argument("data", help="a transactions file or a folder of table files")
    m.add_argument("--from", dest="start", required=True, help="first period, YYYY-MM")
    m.add_argument("--to", dest="end", required=True, help="last period, YYYY-MM")
    m.add_argument("--config", help="TOML config file")
    m.add_argument("--lang", choices=["en", "ru"], help="report language (default en)")
    m.add_argument("--out", default="reports", help="output folder (default ./reports)")
    m.add_argument("--jobs", type=int, default=None, help="parallel periods (default: cores)")
    m.add_argument("--force", action="store_true", help="rebuild reports that are up to date")
    m.add_argument("--pdf", action="store_true", help="also write PDFs (needs Chromium)")
    m.add_argument("--mask", action="store_true", help=MASK_HELP)
    m.add_argument("--cache", metavar="DIR", help=CACHE_HELP)
    m.add_argument("--title", help=TITLE_HELP)
    m.add_argument("--engine", choices=["auto", "memory", "duckdb"], help=ENGINE_HELP)
    _quiet(m)
    return p


def _quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress on the terminal (it is shown only on a terminal)",
    )


def _check(args) -> int:

    cfg = load_config(args.config)
    if args.engine:
        cfg = with_overrides(cfg, {"load": {"engine": args.engine}})
    ds = load(args.data, cfg)
    for table_report in ds.reports.values():
        print(table_report)
        print()
    if args.rejected:
        for table, path in write_rejected(ds, args.rejected).items():
            print(f"rejected {table} rows written to {path}")
    return 0


def _sample(args) -> int:

    base = make_base(args.clients, args.years, random_state=args.seed, lang=args.lang)
    paths = write_base(base, args.out, lang=args.lang)
    for table, path in paths.items():
        print(f"{table}: {path}")
    return 0


def _audit(args) -> int:

    result = report.audit(
        args.data,
        as_of=args.as_of,
        config=args.config,
        lang=args.lang,
        out=args.out,
        pdf=args.pdf,
        mask=args.mask,
        allow_future=args.allow_future,
        cache=args.cache,
        title=args.title,
        engine=args.engine,
    )
    print(result)
    for note in result.notes:
        print(f"reportkit audit: {note}", file=sys.stderr)
    return 0


def _monthly(args) -> int:

    result = report.monthly(
        args.data,
        start=args.start,
        end=args.end,
        config=args.config,
        lang=args.lang,
        out=args.out,
        jobs=args.jobs,
        force=args.force,
        pdf=args.pdf,
        mask=args.mask,
        cache=args.cache,
        title=args.title,
        engine=args.engine,
    )
    print(result)
    for note in result.notes:
        print(f"reportkit monthly: {note}", file=sys.stderr)
    if result.failed:
        print(f"{len(result.failed)} period(s) failed: {', '.join(result.failed)}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)

    if not getattr(args, "quiet", True) and sys.stderr.isatty():
        PROGRESS.enable(sys.stderr)
    run = {"check": _check, "sample": _sample, "audit": _audit, "monthly": _monthly}[args.command]
    try:
        return run(args)
    except InputError as exc:
        print(f"reportkit {args.command}: {exc}", file=sys.stderr)
        return 2
    except ReportkitError as exc:
        print(f"reportkit {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    finally:
        PROGRESS.disable()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["main"]
