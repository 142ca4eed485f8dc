"""The ABC×XYZ contact policy: who owns a client, how often to meet and call, what to offer.

The default policy ships with the package as ``reportkit/policy_abcxyz.csv`` (English and
Russian). A company replaces it by pointing ``[segmentation] contact_policy`` in the config file at
a CSV with the same columns; start from a copy of :func:`default_policy_path`.

The CSV has one row per cell and language:

========  ===========================================================================
column    meaning
========  ===========================================================================
cell      ``AX`` … ``CZ`` (all nine required for every language in the file), and
          optionally ``new`` (clients too young for XYZ, whatever their ABC class)
lang      language code of the texts, e.g. ``en``, ``ru``
owner     who owns the client (personal manager, sales team, marketing …)
meetings  how often to meet
calls     how often to call
offer     what to offer / what to do
========  ===========================================================================

Extra columns are kept; empty texts are allowed. The file may use ``,`` or ``;`` as the
delimiter and be encoded in UTF-8 (with or without BOM) or cp1251.
"""

from __future__ import annotations

from importlib.resources import files
from io import StringIO
from pathlib import Path

import pandas as pd

from ..errors import InputError
from . import schema as S

#: the nine ABC×XYZ cells, every one required for each language of a policy table
POLICY_CELLS: tuple[str, ...] = ("AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ")
#: the optional cell shared by the young clients of every ABC class
NEW_CELL = "new"
#: the columns of a policy table, in order
POLICY_COLUMNS: tuple[str, ...] = (S.CELL, S.LANG, S.OWNER, S.MEETINGS, S.CALLS, S.OFFER)
_FIX = (
    f"The file needs the columns {', '.join(POLICY_COLUMNS)} and one row per cell "
    f"({', '.join(POLICY_CELLS)}; optionally {NEW_CELL}) and language; start from a copy of "
    "reportkit.io.policy.default_policy_path()."
)


def default_policy_path() -> Path:
    """Path of the packaged default policy CSV (works from a wheel and from a checkout).

    Examples
    --------
    >>> default_policy_path().name
    'policy_abcxyz.csv'
    """
    return Path(str(files("reportkit.io").joinpath("policy_abcxyz.csv")))


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","

    try:
        return pd.read_csv(StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"contact policy file {path} cannot be read as CSV ({exc}). {_FIX}"
        ) from None


def validate_contact_policy(
    table: pd.DataFrame, *, source: str = "the contact policy table"
) -> pd.DataFrame:
    """Check a policy table and return a clean copy (cells and languages normalised).

    Parameters
    ----------
    table : DataFrame
        Columns ``cell, lang, owner, meetings, calls, offer`` (extra columns are kept).
    source : str
        Where the table came from, for error messages (a file name).

    Returns
    -------
    DataFrame
        ``cell`` (``AX`` … ``CZ`` or ``new``), ``lang``, ``owner``, ``meetings``, ``calls``,
        ``offer`` and any extra columns; texts are strings, missing texts ``""``.

    Raises
    ------
    InputError
        A missing column, an unknown or repeated cell, or a language without all nine cells.

    Examples
    --------
    >>> t = load_contact_policy()
    >>> sorted(t["lang"].unique())
    ['en', 'ru']
    """
    out, raw_cells = _normalised(table, source)
    _check_cells(out, raw_cells, source)
    return out


def _normalised(table: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.Series]:
    """The table with its columns checked and its texts stripped, cells upper-cased (``new``
    lower-cased) and languages lower-cased; and the cells as they were written (for messages)."""
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"{source} must be a DataFrame or the path of a CSV file, "
            f"got {type(table).__name__}. {_FIX}"
        )
    missing = [c for c in POLICY_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"{source} has no column {', '.join(missing)} "
            f"(found: {', '.join(map(str, table.columns))}). {_FIX}"
        )
    out = table.reset_index(drop=True)
    raw_cells = out[S.CELL].copy()
    for col in out.columns:
        if col in POLICY_COLUMNS:
            out[col] = out[col].fillna("").astype(str).str.strip()
    cell = out[S.CELL]
    out[S.CELL] = cell.where(cell.str.lower() == NEW_CELL, cell.str.upper())
    out.loc[out[S.CELL].str.lower() == NEW_CELL, S.CELL] = NEW_CELL
    out[S.LANG] = out[S.LANG].str.lower()
    return out, raw_cells


def _check_cells(out: pd.DataFrame, raw_cells: pd.Series, source: str) -> None:
    """Every cell known, every row with a language, each (cell, language) once, and all nine
    cells for every language of a table that has rows."""
    known = set(POLICY_CELLS) | {NEW_CELL}
    bad = out.index[~out[S.CELL].isin(known)]
    if len(bad):
        examples = ", ".join(f"{raw_cells.iloc[i]!r} (row {i + 2})" for i in bad[:3])
        raise InputError(
            f"{source}: unknown cell {examples}; cells are "
            f"{', '.join(POLICY_CELLS)} and {NEW_CELL}. {_FIX}"
        )
    if (out[S.LANG] == "").any():
        row = int((out[S.LANG] == "").to_numpy().argmax()) + 2
        raise InputError(
            f"{source}: empty `lang` in row {row}; write the language code of the "
            f"texts (e.g. en, ru). {_FIX}"
        )
    dup = out.duplicated([S.CELL, S.LANG], keep="first")
    if dup.any():
        pos = int(dup.to_numpy().argmax())
        raise InputError(
            f"{source}: cell {out[S.CELL].iloc[pos]} appears twice for language "
            f"{out[S.LANG].iloc[pos]!r} (second time in row {pos + 2}); keep one "
            "row per cell and language."
        )
    if out.empty:
        raise InputError(f"{source} has no rows. {_FIX}")
    for lang, cells in out.groupby(S.LANG, sort=True)[S.CELL]:
        absent = [c for c in POLICY_CELLS if c not in set(cells)]
        if absent:
            raise InputError(
                f"{source}: language {lang!r} has no row for cell "
                f"{', '.join(absent)}; add one row per missing cell. {_FIX}"
            )


def load_contact_policy(path: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and validate a contact policy table.

    Parameters
    ----------
    path : str, Path, DataFrame or None, default None
        A CSV file (see the module docstring for its columns), a table already in memory, or
        None for the packaged default (:func:`default_policy_path`). A relative path is taken
        from the current working directory.

    Returns
    -------
    DataFrame
        ``cell, lang, owner, meetings, calls, offer`` (see :func:`validate_contact_policy`).

    Examples
    --------
    >>> t = load_contact_policy()
    >>> t.loc[(t["cell"] == "CZ") & (t["lang"] == "en"), "offer"].item()
    'Automated mailings only'
    """
    if isinstance(path, pd.DataFrame):
        return validate_contact_policy(path)
    p = default_policy_path() if path is None else Path(path)
    if not p.is_file():
        raise InputError(
            f"contact policy file {p} does not exist; set [segmentation] "
            "contact_policy to the path of an existing CSV, or remove the key to "
            "use the default policy."
        )
    return validate_contact_policy(_read_csv(p), source=f"contact policy file {p}")


def contact_policy(
    lang: str = "en", *, path: str | Path | pd.DataFrame | None = None
) -> pd.DataFrame:
    """The policy texts of one language, one row per cell.

    Parameters
    ----------
    lang : str, default "en"
        Language of the texts; the table must hold rows for it.
    path : str, Path, DataFrame or None, default None
        As in :func:`load_contact_policy`.

    Returns
    -------
    DataFrame
        ``cell, owner, meetings, calls, offer`` (and extra columns), cells in the order
        AX … CZ, then ``new`` when the table has it.

    Examples
    --------
    >>> contact_policy("ru").set_index("cell").loc["AX", "calls"]
    'Звонок раз в неделю'
    """
    table = load_contact_policy(path)
    lang_key = str(lang).strip().lower()
    sub = table[table[S.LANG] == lang_key]
    if sub.empty:
        where = (
            "the default policy"
            if path is None
            else (
                "the policy table"
                if isinstance(path, pd.DataFrame)
                else f"contact policy file {path}"
            )
        )
        raise InputError(
            f"{where} has no texts for language {lang!r} (it has: "
            f"{', '.join(sorted(table[S.LANG].unique()))}); add rows with "
            f"lang = {lang_key} or choose one of those languages."
        )
    order = {c: i for i, c in enumerate((*POLICY_CELLS, NEW_CELL))}
    sub = sub.sort_values(S.CELL, key=lambda s: s.map(order)).drop(columns=S.LANG)
    return sub.reset_index(drop=True)
