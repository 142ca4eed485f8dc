"""Settings of every stage, their defaults, and the TOML config file that overrides them.

All defaults live here, one dataclass per section of the config file. A config file only names
what it changes::

    [files]                      # file names inside the data folder (optional)
    transactions = "sales_2024.xlsx"

    [columns.transactions]       # canonical column = header in your file
    client_id = "Код контрагента"
    amount = "Сумма с НДС"

    [load]
    sheet = "Продажи"
    dayfirst = true

    [segmentation]
    abc_cutoffs = [0.8, 0.95]

Unknown sections or keys, and values of the wrong type, raise :class:`ConfigError` naming the
file, the key and the fix.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .schema import OPTIONAL, REQUIRED, TABLES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class LoadSettings:
    """How files are read.

    encoding : str or None, default None
        None detects UTF-8 (with or without BOM) or cp1251.
    delimiter : str or None, default None
        None detects ``,`` ``;`` tab or ``|``.
    sheet : str or None, default None
        Excel sheet to read; None reads the first sheet.
    dayfirst : bool, default True
        Read ambiguous dates such as 03.04.2024 as 3 April.
    drop_duplicate_rows : bool or None, default None
        Reject rows that repeat an earlier row exactly (every column equal). None (the default)
        decides by the table: a sales row that repeats another is rejected when the file has an
        order or document number, and kept (two real purchases of the same amount on the same
        day) when it has none -- the load notes count such rows and their amount either way.
        Activities and surveys that repeat exactly are rejected.
    earliest_date : str, default "1980-01-01"
        Reject sales dated before it: dates such as 01.01.1900 are what empty date cells turn
        into in Excel exports, not sales.
    reject_future : bool, default True
        Reject sales dated after tomorrow (of the day the data are loaded): typing errors such
        as 2031 for 2021 would otherwise date the whole report in the future.
    engine : {"auto", "memory", "duckdb"}, default "auto"
        How the transactions are aggregated. "memory" loads every line (every column, every
        section of the report); "duckdb" scans Parquet or UTF-8 CSV parts out of core with
        DuckDB, so memory follows the client-months, not the lines (the sections that need
        the lines themselves -- where the money is, cross-sell, the forecast by product --
        are left out, said in the report); "auto" takes DuckDB for Parquet or CSV
        transactions of ``out_of_core_rows`` lines or more.
    out_of_core_rows : int, default 20_000_000
        Where "auto" switches to DuckDB (exact for Parquet, from the footers; estimated from
        the first megabyte for CSV). 10 million lines take about 5 GB in memory end to end.
    memory_limit : str or None, default None
        DuckDB's memory limit ("6GB"); None: 40 % of the machine's memory, at most 8 GB.
    spill_dir : str or None, default None
        Where DuckDB spills beyond its limit; None: the system's temporary folder.
    """

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    dayfirst: bool = True
    drop_duplicate_rows: bool | None = None
    earliest_date: str = "1980-01-01"
    reject_future: bool = True
    engine: str = "auto"
    out_of_core_rows: int = 20_000_000
    memory_limit: str | None = None
    spill_dir: str | None = None


@dataclass(frozen=True)
class SegmentationSettings:
    """ABC, XYZ, RFM, BCG and size tiers.

    abc_by : {"revenue", "margin"}, default "revenue"
    abc_cutoffs : (float, float), default (0.80, 0.95)
        Cumulative shares that close class A and class B.
    xyz_cutoffs : (float, float), default (0.5, 1.0)
        Coefficient of variation of monthly revenue that closes X and Y.
    min_tenure_months : int, default 3
        Clients younger than this are ``new`` in XYZ, not Z.
    rfm_bins : int, default 5
    rfm_recency_days, rfm_frequency, rfm_monetary : list of 4 floats or None, default None
        Fixed score thresholds instead of quantiles (ascending).
    bcg_growth : float, default 0.0
        Revenue growth against the previous window that separates growing from not.
    size_cutoffs : (float, float), default (0.80, 0.95)
        Cumulative revenue shares closing the large and medium tiers.
    size_by : str, default "revenue_window"
        Snapshot column the size tiers rank: ``revenue_window``, ``best12_revenue``,
        ``revenue_total`` or ``margin_window``.
    contact_policy : str or None, default None
        Path of a CSV that replaces the default ABC×XYZ contact policy table.
    """

    abc_by: str = "revenue"
    abc_cutoffs: tuple[float, float] = (0.80, 0.95)
    xyz_cutoffs: tuple[float, float] = (0.5, 1.0)
    min_tenure_months: int = 3
    rfm_bins: int = 5
    rfm_recency_days: tuple[float, ...] | None = None
    rfm_frequency: tuple[float, ...] | None = None
    rfm_monetary: tuple[float, ...] | None = None
    bcg_growth: float = 0.0
    size_cutoffs: tuple[float, float] = (0.80, 0.95)
    size_by: str = "revenue_window"
    contact_policy: str | None = None


@dataclass(frozen=True)
class LifecycleRules:
    """Thresholds of the eight-block lifecycle.

    regular_orders : int, default 3
    proven_orders : int, default 10
    proven_tenure_months : int, default 12
    dead_days : int, default 365
        A client is dead when silent for longer than max(dead_days, dead_interval_multiple ×
        its usual interval between orders).
    dead_interval_multiple : float, default 3.0
    reanimatable_min_orders : int, default 2
    deal_cycle_days : int or None, default None
        If set, the reactivation list uses it instead of each client's usual interval.
    active_statuses : tuple of str
        Values of ``clients.status`` (lower-cased) that mean the lead agreed to work.
    refused_statuses : tuple of str
        Values of ``clients.status`` that mean the client refused (not reanimatable).
    derive_key : bool, default True
        Without a ``key_account`` column, derive ``key`` clients: proven, in the top
        ``key_revenue_share`` of revenue over the window, not declining (and with a positive margin
        when margin is known).
    key_revenue_share : float, default 0.80
    """

    regular_orders: int = 3
    proven_orders: int = 10
    proven_tenure_months: int = 12
    dead_days: int = 365
    dead_interval_multiple: float = 3.0
    reanimatable_min_orders: int = 2
    deal_cycle_days: int | None = None
    active_statuses: tuple[str, ...] = (
        "active",
        "agreed",
        "in work",
        "активный",
        "согласован",
        "в работе",
    )
    refused_statuses: tuple[str, ...] = ("refused", "closed", "отказ", "закрыт")
    derive_key: bool = True
    key_revenue_share: float = 0.80


@dataclass(frozen=True)
class ChurnSettings:
    """The churn model.

    horizon_days : int, default 90
        Label: no order within this many days after the cut-off.
    n_cutoffs : int, default 6
        Monthly cut-offs used to build training examples.
    min_clients : int, default 200
    min_churners : int, default 30
    max_examples_per_cutoff : int, default 30000
        A larger base trains and backtests on a seeded sample of this many alive clients per
        cut-off (every client is still scored).
    random_state : int, default 0
    """

    horizon_days: int = 90
    n_cutoffs: int = 6
    min_clients: int = 200
    min_churners: int = 30
    max_examples_per_cutoff: int = 30_000
    random_state: int = 0


@dataclass(frozen=True)
class QualitySettings:
    """Duplicate detection and card completeness.

    name_similarity : float, default 92.0
        RapidFuzz score (0–100) from which two normalised names are a duplicate candidate.
    name_medium_similarity : float, default 97.0
        A link by name alone is of medium confidence from this score, low below it.
    shared_key_limit : int, default 5
        A phone, e-mail, tax id or normalised name shared by more records than this is generic
        (a call-centre number, info@ mailbox, placeholder) and links nothing; it is listed.
    max_group_size : int, default 20
        A duplicate group larger than this is split by dropping its low-, then medium-confidence
        links (it is most likely a chain of weak links, not one client).
    name_block_size : int, default 500
        Names sharing a blocking key are compared all against all up to this block size; larger
        blocks are compared by sorted neighbourhood (each name with the next ``name_window``).
    name_window : int, default 20
    common_word_min : int, default 10
        A word in at least this many names (and 0.1 % of them) is common ("строй", "групп"):
        two fuzzy names that share their common words must also match on the other words.
    group_filled_share : float, default 0.5
        A card group (business, contact, analytic, history) is filled when at least this share
        of its fields is present.
    client_base_score : float, default 0.6
        Verdict "client_base" from this mean card completeness (and enough contacts) …
    client_base_contact_share : float, default 0.5
        … with the contact group filled on at least this share of cards.
    list_of_names_score : float, default 0.3
        Verdict "list_of_names" below this mean card completeness; "partial_base" in between.
    """

    name_similarity: float = 92.0
    name_medium_similarity: float = 97.0
    shared_key_limit: int = 5
    max_group_size: int = 20
    name_block_size: int = 500
    name_window: int = 20
    common_word_min: int = 10
    group_filled_share: float = 0.5
    client_base_score: float = 0.6
    client_base_contact_share: float = 0.5
    list_of_names_score: float = 0.3


@dataclass(frozen=True)
class ReportSettings:
    """Report generation.

    lang : {"en", "ru"}, default "en"
    title : str or None, default None
        Name of the client base shown in the title block.
    window_months : int, default 12
        Look-back window of the snapshot.
    period : {"month", "quarter"}, default "month"
    """

    lang: str = "en"
    title: str | None = None
    window_months: int = 12
    period: str = "month"


@dataclass(frozen=True)
class Config:
    """Everything configurable, section by section. ``Config()`` holds the defaults."""

    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    load: LoadSettings = field(default_factory=LoadSettings)
    segmentation: SegmentationSettings = field(default_factory=SegmentationSettings)
    lifecycle: LifecycleRules = field(default_factory=LifecycleRules)
    churn: ChurnSettings = field(default_factory=ChurnSettings)
    quality: QualitySettings = field(default_factory=QualitySettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    source: str | None = None


_SECTIONS = {
    "load": LoadSettings,
    "segmentation": SegmentationSettings,
    "lifecycle": LifecycleRules,
    "churn": ChurnSettings,
    "quality": QualitySettings,
    "report": ReportSettings,
}
_ALL_SECTIONS = ("files", "columns", *_SECTIONS)


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean `{close[0]}`?" if close else ""


def _coerce(value: Any, default: Any, annotation: str, where: str) -> Any:
    """Check a TOML value against the type of the dataclass field it overrides."""

    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{where} must be {expected}, got {value!r}.")

    ann = annotation.replace(" ", "")
    if ann.startswith("tuple"):
        if value is None and "None" in ann:
            return None
        if not isinstance(value, list):
            raise bad("a list, e.g. [0.8, 0.95]")
        inner_str = "tuple[str" in ann
        for item in value:
            ok = (
                isinstance(item, str)
                if inner_str
                else (
                    isinstance(item, (int, float))
                    and not isinstance(item, bool)
                    and math.isfinite(item)
                )
            )
            if not ok:
                raise bad("a list of " + ("strings" if inner_str else "numbers"))
        if not inner_str and "..." not in ann and len(value) != len(default):
            raise bad(f"a list of {len(default)} numbers")
        return tuple(float(v) if not inner_str else v for v in value)
    if ann.startswith("bool"):
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if ann.startswith("int"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad("an integer")
        return value
    if ann.startswith("float"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise bad("a number")
        if not math.isfinite(value):
            raise bad("a finite number (not nan or inf)")
        return float(value)
    if ann.startswith("str"):
        if not isinstance(value, str):
            raise bad("a string in quotes")
        return value
    return value  # pragma: no cover


def _validate_section(cls, values: dict, name: str, path: str):
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in fields:
            raise ConfigError(
                f"{path}: unknown key `{key}` in section [{name}].{_suggest(key, fields)} "
                f"Valid keys: {', '.join(fields)}."
            )
        default = fields[key].default
        kwargs[key] = _coerce(value, default, str(fields[key].type), f"{path}: [{name}] {key}")
    try:
        obj = cls(**kwargs)
    except ValueError as exc:  # raised by a section's own checks
        raise ConfigError(f"{path}: [{name}] {exc}") from None
    return obj


def _check_choices(cfg: Config, path: str) -> None:
    checks = [
        ("load", "dayfirst", True, None),
        ("load", "engine", cfg.load.engine, ("auto", "memory", "duckdb")),
        ("segmentation", "abc_by", cfg.segmentation.abc_by, ("revenue", "margin")),
        ("report", "lang", cfg.report.lang, ("en", "ru")),
        ("report", "period", cfg.report.period, ("month", "quarter")),
    ]
    for section, key, value, choices in checks:
        if choices and value not in choices:
            raise ConfigError(
                f"{path}: [{section}] {key} must be one of {', '.join(map(repr, choices))}, "
                f"got {value!r}."
            )
    for section, key in (("segmentation", "abc_cutoffs"), ("segmentation", "size_cutoffs")):
        lo, hi = getattr(getattr(cfg, section), key)
        if not 0 < lo < hi <= 1:
            raise ConfigError(
                f"{path}: [{section}] {key} must be two shares with 0 < first < second <= 1, "
                f"got [{lo}, {hi}]."
            )
    lo, hi = cfg.segmentation.xyz_cutoffs
    if not 0 <= lo < hi:
        raise ConfigError(
            f"{path}: [segmentation] xyz_cutoffs must be two numbers with 0 <= first < second, "
            f"got [{lo}, {hi}]."
        )
    try:
        datetime.date.fromisoformat(cfg.load.earliest_date)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{path}: [load] earliest_date must be a date such as 1980-01-01, "
            f"got {cfg.load.earliest_date!r}."
        ) from None
    for section, key, lo, hi in _RANGES:
        value = getattr(getattr(cfg, section), key)
        if value is None:
            continue
        if not lo <= value <= hi:
            bounds = f"at least {lo}" if hi == math.inf else f"from {lo} to {hi}"
            raise ConfigError(f"{path}: [{section}] {key} must be {bounds}, got {value}.")
    if cfg.lifecycle.proven_orders < cfg.lifecycle.regular_orders:
        raise ConfigError(
            f"{path}: [lifecycle] proven_orders ({cfg.lifecycle.proven_orders}) "
            f"must not be below regular_orders ({cfg.lifecycle.regular_orders})."
        )
    for key in ("rfm_recency_days", "rfm_frequency", "rfm_monetary"):
        edges = getattr(cfg.segmentation, key)
        if edges is not None and (
            len(edges) != cfg.segmentation.rfm_bins - 1 or list(edges) != sorted(set(edges))
        ):
            raise ConfigError(
                f"{path}: [segmentation] {key} must be {cfg.segmentation.rfm_bins - 1} "
                f"increasing numbers (one fewer than rfm_bins), got {list(edges)}."
            )
    check_delimiter(cfg.load.delimiter, path)


def check_delimiter(d: str | None, path: str) -> None:
    """``[load] delimiter``: one single-byte character that is not a quote or a line break."""
    if d is not None and (len(d) != 1 or d in '"\r\n' or len(d.encode("utf-8")) != 1):
        raise ConfigError(
            f'{path}: [load] delimiter must be one character such as ";" or '
            f'"," ("\\t" for tab), got {d!r}.'
        )


#: (section, key, lowest, highest) of every number a config file may set; checked when the
#: config is read, so a value out of range stops the run before any work
_RANGES = [
    ("segmentation", "min_tenure_months", 0, 120),
    ("segmentation", "rfm_bins", 2, 10),
    ("segmentation", "bcg_growth", -1, 100),
    ("lifecycle", "regular_orders", 1, math.inf),
    ("lifecycle", "proven_orders", 1, math.inf),
    ("lifecycle", "proven_tenure_months", 0, 1200),
    ("lifecycle", "dead_days", 1, 36500),
    ("lifecycle", "dead_interval_multiple", 0.1, 1000),
    ("lifecycle", "reanimatable_min_orders", 1, math.inf),
    ("lifecycle", "deal_cycle_days", 1, 36500),
    ("lifecycle", "key_revenue_share", 0.01, 1),
    ("churn", "horizon_days", 7, 3650),
    ("churn", "n_cutoffs", 1, 60),
    ("churn", "min_clients", 1, math.inf),
    ("churn", "min_churners", 1, math.inf),
    ("churn", "max_examples_per_cutoff", 100, math.inf),
    ("churn", "random_state", 0, 2**32 - 1),
    ("quality", "name_similarity", 0, 100),
    ("quality", "name_medium_similarity", 0, 100),
    ("quality", "shared_key_limit", 1, math.inf),
    ("quality", "max_group_size", 2, math.inf),
    ("quality", "name_block_size", 1, math.inf),
    ("quality", "name_window", 1, math.inf),
    ("quality", "common_word_min", 1, math.inf),
    ("quality", "group_filled_share", 0, 1),
    ("quality", "client_base_score", 0, 1),
    ("quality", "client_base_contact_share", 0, 1),
    ("quality", "list_of_names_score", 0, 1),
    ("report", "window_months", 1, 120),
]


def config_from_dict(data: dict, source: str = "<config>") -> Config:
    """Build a :class:`Config` from a parsed TOML mapping, checking every key and value."""
    kwargs: dict[str, Any] = {"source": source}
    for name, value in data.items():
        if name not in _ALL_SECTIONS:
            raise ConfigError(
                f"{source}: unknown section [{name}].{_suggest(name, _ALL_SECTIONS)} "
                f"Valid sections: {', '.join(_ALL_SECTIONS)}."
            )
        if not isinstance(value, dict):
            raise ConfigError(f"{source}: `{name}` must be a section ([{name}]), got {value!r}.")
        if name == "files":
            for table, fname in value.items():
                if table not in TABLES:
                    raise ConfigError(
                        f"{source}: unknown table `{table}` in [files].{_suggest(table, TABLES)} "
                        f"Valid tables: {', '.join(TABLES)}."
                    )
                if not isinstance(fname, str):
                    raise ConfigError(
                        f"{source}: [files] {table} must be a file name in quotes, got {fname!r}."
                    )
            kwargs["files"] = dict(value)
        elif name == "columns":
            cols: dict[str, dict[str, str]] = {}
            for table, mapping in value.items():
                if table not in TABLES:
                    raise ConfigError(
                        f"{source}: unknown table [columns.{table}].{_suggest(table, TABLES)} "
                        f"Valid tables: {', '.join(TABLES)}."
                    )
                if not isinstance(mapping, dict):
                    raise ConfigError(
                        f"{source}: [columns.{table}] must be a section of "
                        f'`canonical = "header"` lines, got {mapping!r}.'
                    )
                known = REQUIRED[table] + OPTIONAL[table]
                for canon, header in mapping.items():
                    if canon not in known:
                        raise ConfigError(
                            f"{source}: unknown column `{canon}` in [columns.{table}]."
                            f"{_suggest(canon, known)} Valid columns: {', '.join(known)}."
                        )
                    if not isinstance(header, str):
                        raise ConfigError(
                            f"{source}: [columns.{table}] {canon} must be the header "
                            f"in your file, in quotes, got {header!r}."
                        )
                cols[table] = dict(mapping)
            kwargs["columns"] = cols
        else:
            kwargs[name] = _validate_section(_SECTIONS[name], value, name, source)
    cfg = Config(**kwargs)
    _check_choices(cfg, source)
    return cfg


def check_paths(cfg: Config, data: Any) -> None:
    """A file the config names besides the data must lie inside the data folder or the config
    file's folder (symlinks resolved): reportkit reads only what it was given.

    >>> check_paths(config_from_dict({"segmentation": {"contact_policy": "/etc/passwd"}}),
    ...             "/tmp")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    reportkit.errors.ConfigError: <config>: [segmentation] contact_policy = '/etc/passwd' lies ...
    """
    policy = cfg.segmentation.contact_policy
    if not policy:
        return
    target = Path(policy).resolve()
    allowed = []
    source = getattr(data, "source", data)
    if source is not None and not isinstance(source, (dict, list)):
        folder = Path(source).resolve()
        allowed.append(folder if folder.is_dir() else folder.parent)
    if cfg.source and Path(cfg.source).is_file():
        allowed.append(Path(cfg.source).resolve().parent)
    if not any(target.is_relative_to(a) for a in allowed):
        where = " or ".join(str(a) for a in allowed) or "the data folder"
        raise ConfigError(
            f"{cfg.source or 'config'}: [segmentation] contact_policy = {policy!r} "
            f"lies outside {where}; reportkit reads only the files it was given. "
            "Put the policy file beside the data or the config file."
        )


def with_overrides(config: Config, overrides: Mapping[str, Mapping[str, Any]] | None) -> Config:
    """``config`` with some settings replaced, each checked as in a TOML file.

    ``overrides`` maps a section to its settings, e.g. ``{"churn": {"horizon_days": 60}}``;
    empty sections are ignored. Unknown keys and values out of range raise
    :class:`~reportkit.errors.ConfigError` naming the setting.

    >>> with_overrides(Config(), {"churn": {"horizon_days": 60}, "report": {}}).churn.horizon_days
    60
    """
    given = {section: dict(values) for section, values in (overrides or {}).items() if values}
    if not given:
        return config
    checked = config_from_dict(given, source="overrides")
    sections = {
        section: replace(
            getattr(config, section),
            **{key: getattr(getattr(checked, section), key) for key in values},
        )
        for section, values in given.items()
    }
    return replace(config, **sections)


def load_config(config: Config | str | Path | dict | None = None) -> Config:
    """Return a :class:`Config` from a path to a TOML file, a dict, a Config, or None (defaults).

    Examples
    --------
    >>> load_config().segmentation.abc_cutoffs
    (0.8, 0.95)
    >>> load_config({"churn": {"horizon_days": 60}}).churn.horizon_days
    60
    """
    if config is None:
        return Config()
    if isinstance(config, Config):
        return config
    if isinstance(config, dict):
        return config_from_dict(config)
    path = Path(config)
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist; pass the path of a .toml file.")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid TOML ({exc}). Check quotes and [section] lines."
        ) from None
    return config_from_dict(data, source=str(path))
