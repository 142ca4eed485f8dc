"""Pseudonyms for the report handed to a client: client names, ids, phones, e-mails, tax ids and
managers' names replaced by stable codes where the report and the action lists are written (the
analyses always run on the real data). The key comes from ``$REPORTKIT_MASK_KEY`` or a per-user
file, never from an output folder."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis.managers import NO_MANAGER
from ..errors import (
    OutputFolderError,
    ParameterError,
    ReportError,
    check_param,
)
from ..io import schema as S
from ..io.dataset import Dataset
from . import text as T
from .words.quality import LABELS as QL


def _check_lang(lang: str) -> None:
    check_param(lang in T.LANGS, "lang", 'one of "en", "ru"', lang)


#: environment variable holding the key of the pseudonyms (else a per-user key file, see
#: :func:`mask_key_path`)
MASK_KEY_ENV = "REPORTKIT_MASK_KEY"

# ----------------------------------------------------------------------------------------------
# masking
# ----------------------------------------------------------------------------------------------
#: the key file's name in the per-user folder (``$XDG_CONFIG_HOME/reportkit`` or
#: ``~/.config/reportkit``)
MASK_KEY_FILE = "mask.key"


def mask_key_path() -> Path:
    """Where the per-user key of the pseudonyms is kept: ``$XDG_CONFIG_HOME/reportkit/mask.key``,
    else ``~/.config/reportkit/mask.key`` -- never in an output folder."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "reportkit" / MASK_KEY_FILE


def mask_key(*, path: str | os.PathLike | None = None) -> bytes:
    """The key of the pseudonyms: ``$REPORTKIT_MASK_KEY`` when set, else a random key kept in a
    per-user file (``path``, default :func:`mask_key_path`), made with mode 0600 on first use.
    The same key gives the same pseudonyms across runs, periods and output folders; the key
    itself is never written into a report's folder.

    Raises :class:`~reportkit.errors.ReportError` when the key file can be neither read nor
    made (the message says to set ``$REPORTKIT_MASK_KEY`` instead).
    """
    env = os.environ.get(MASK_KEY_ENV)
    if env:
        return env.encode("utf-8")
    file = Path(path) if path is not None else mask_key_path()
    try:
        if file.is_file():
            key = file.read_bytes().strip()
            if key:
                return key
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_hex(16).encode()
        # written under a private name, then linked to the key's name: a run that starts at the
        # same moment either makes the key or reads the one just made, never half of one
        tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        try:
            os.write(fd, key + b"\n")
        finally:
            os.close(fd)
        try:
            os.link(tmp, file)
        except FileExistsError:
            key = file.read_bytes().strip() or key
        finally:
            tmp.unlink(missing_ok=True)
        return key
    except OSError as exc:
        raise ReportError(
            f"cannot keep the masking key in {file}: {exc.strerror or exc}. Set "
            f"{MASK_KEY_ENV} to a secret of your own (the same secret gives the "
            "same pseudonyms) and run again."
        ) from None


def check_key_outside(out: Path) -> None:
    """Masking: make (or read) the key before any notebook runs, and refuse a key file that would
    lie inside the output folder handed to the client."""
    if os.environ.get(MASK_KEY_ENV):
        return
    path = mask_key_path()
    try:
        inside = path.resolve().is_relative_to(out.resolve())
    except OSError:  # pragma: no cover - unresolvable path
        inside = False
    if inside:
        raise OutputFolderError(
            f"the masking key {path} would lie inside the output folder "
            f"{out}, which is handed to the client; choose another --out "
            f"folder, or set {MASK_KEY_ENV}."
        )
    mask_key()


def _mac(key: bytes, text: str) -> bytes:
    """Keyed hash (BLAKE2b in its MAC mode) of a text; keys longer than 64 bytes are hashed."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    return hashlib.blake2b(text.encode("utf-8"), key=key, digest_size=16).digest()


def _norm_phone(v: str) -> str:
    digits = re.sub(r"\D", "", v)
    return digits[-10:] if len(digits) >= 10 else digits


def _norm_text(v: str) -> str:
    return re.sub(r"\s+", " ", v).strip().lower()


_MASK_RULES = {
    # column: how its pseudonym looks (names are keyed on the client id, the rest on the value)
    S.NAME: "client",
    S.CONTACT_PERSON: "person",
    S.DECISION_MAKER: "person",
    S.PHONE: "phone",
    S.EMAIL: "email",
    S.TAX_ID: "tax_id",
    S.MANAGER: "manager",
}
#: columns holding client ids, masked with ``ids=True`` (the same code as the client's name)
_ID_COLUMNS = (S.CLIENT_ID, S.SURVIVOR, S.CLIENT_ID_A, S.CLIENT_ID_B)
_KINDS = ("client", "person", "phone", "email", "tax_id", "manager", "id")


def _pseudonymiser(kind: str, key: bytes, lang: str):
    """A function value -> pseudonym for one kind (the text template is looked up once)."""
    if kind in ("client", "person", "manager", "id"):
        template = f"mask.{kind}"
        prefix = T.t(template, lang, code="\x00").split("\x00")
        rules: dict[str, tuple[str, Callable[[str], str]]] = {
            "client": ("client:", str),
            "id": ("client:", str),
            "person": ("person:", _norm_text),
            "manager": ("manager:", _norm_text),
        }
        salt, norm = rules[kind]
        return lambda v: prefix[0] + _mac(key, salt + norm(v)).hex()[:8].upper() + prefix[1]
    if kind == "phone":
        return lambda v: (
            "+000 "
            + str(int.from_bytes(_mac(key, "phone:" + _norm_phone(v))[:8], "big") % 10**8).zfill(8)
        )
    if kind == "email":
        return lambda v: f"client-{_mac(key, 'email:' + _norm_text(v)).hex()[:8]}@masked.invalid"
    if kind == "tax_id":
        return lambda v: (
            "00"
            + str(
                int.from_bytes(_mac(key, "tax:" + re.sub(r"\s", "", v))[:8], "big") % 10**8
            ).zfill(8)
        )
    raise ParameterError(f"`kind` must be one of {', '.join(_KINDS)}, got {kind!r}")


def pseudonym(value: Any, key: bytes | str, *, kind: str = "client", lang: str = "en") -> str:
    """The stable pseudonym of one value (a client id for ``kind="client"`` and ``"id"``, a
    manager's name for ``kind="manager"``).

    >>> pseudonym("C001", b"k", lang="en") == pseudonym("C001", b"k", lang="en")
    True
    >>> pseudonym("C001", b"k", lang="ru").startswith("Клиент ")
    True
    >>> pseudonym("C001", b"k", kind="id")[2:] == pseudonym("C001", b"k")[7:]
    True
    """
    _check_lang(lang)
    k = key.encode("utf-8") if isinstance(key, str) else key
    return _pseudonymiser(kind, k, lang)(str(value))


def _map_unique(values: pd.Series, fn) -> pd.Series:
    """``fn`` applied once per distinct present value; missing and blank values kept."""
    present = values.notna() & (values.astype(str).str.strip() != "")
    uniq = pd.unique(values[present].astype(str))
    table = {u: fn(u) for u in uniq}
    new = values.astype(object).copy()
    new[present] = values[present].astype(str).map(table)
    return new


def _id_text_masker(key: bytes, lang: str):
    """Functions that mask the client ids inside the duplicates list's texts: ``evidence``
    ("phone ~ C002; name 95 ~ C007") and ``action`` ("merge into C002")."""
    idp = _pseudonymiser("id", key, lang)

    def evidence(text: str) -> str:
        parts = []
        for part in text.split("; "):
            head, sep, tail = part.rpartition(" ~ ")
            parts.append(head + sep + idp(tail) if sep and tail else part)
        return "; ".join(parts)

    prefixes = [QL[lg]["action.merge"].split("{survivor}")[0] for lg in (lang, "en", "ru")]

    def action(text: str) -> str:
        for prefix in prefixes:
            if prefix and text.startswith(prefix) and len(text) > len(prefix):
                return prefix + idp(text[len(prefix) :])
        return text

    return {S.EVIDENCE: evidence, S.ACTION: action}


def mask_frame(
    df: pd.DataFrame,
    key: bytes | str,
    *,
    lang: str = "en",
    columns: Mapping[str, str] | None = None,
    ids: bool = False,
) -> pd.DataFrame:
    """Replace client names, contact persons, phones, e-mails, tax ids and managers' names by
    pseudonyms (and, with ``ids=True``, the client ids too).

    Names become "Client 4F2A9C1D" ("Клиент 4F2A9C1D"), a keyed hash (BLAKE2b MAC) of the
    ``client_id`` of the row (of the name itself when the frame has no ``client_id``): the same
    client gets the same pseudonym in every period and list for the same key. Phones, e-mails,
    tax ids, contact persons and managers ("Manager 1B2C3D4E") are keyed on their own
    normalised value, so records sharing a phone still share it after masking. With ``ids``,
    client ids become "C-4F2A9C1D" (the code of the client's name pseudonym) in the id columns
    and inside the duplicates list's ``evidence`` and ``action`` texts. Missing values stay
    missing; the "(no manager)" row label stays; other columns are untouched; the input is not
    modified.

    Parameters
    ----------
    df : DataFrame
    key : bytes or str
        The secret key (see :func:`mask_key`).
    lang : {"en", "ru"}, default "en"
    columns : dict of column to canonical column, optional
        For frames with other headers (e.g. the rejected rows of a load report):
        ``{"Наименование": "name"}``. Default: the canonical names.
    ids : bool, default False
        Also mask the client ids (what a report or an action list shows).

    Returns
    -------
    DataFrame
        A copy with the same columns.

    Examples
    --------
    >>> df = pd.DataFrame({"client_id": ["1", "2"], "name": ["Alpha LLC", None],
    ...                    "phone": ["+7 (495) 123-45-67", "84951234567"]})
    >>> m = mask_frame(df, b"secret")
    >>> m["name"].iloc[0].startswith("Client "), pd.isna(m["name"].iloc[1])
    (True, True)
    >>> m["phone"].iloc[0] == m["phone"].iloc[1]
    True
    >>> mask_frame(df, b"secret", ids=True)["client_id"].iloc[0][2:] == m["name"].iloc[0][7:]
    True
    """
    _check_lang(lang)
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"`df` must be a pandas DataFrame, got {type(df).__name__}")
    k = key.encode("utf-8") if isinstance(key, str) else key
    check_param(isinstance(k, bytes) and len(k) > 0, "key", "a non-empty key", key)
    mapping = dict(columns) if columns is not None else {c: c for c in _MASK_RULES}
    id_col = next(
        (c for c, canon in mapping.items() if canon == S.CLIENT_ID and c in df),
        S.CLIENT_ID if S.CLIENT_ID in df else None,
    )
    out = df.copy()
    for col, canon in mapping.items():
        if col in out.columns and canon in _MASK_RULES:
            out[col] = _mask_column(df, out[col], _MASK_RULES[canon], id_col, k, lang)
    if ids:
        _mask_ids(out, k, lang)
    return out


def _mask_column(
    df: pd.DataFrame, values: pd.Series, kind: str, id_col: str | None, key: bytes, lang: str
) -> pd.Series:
    """One column of :func:`mask_frame` as pseudonyms of ``kind``: a name keyed on the row's
    client id (``id_col`` of ``df``) when there is one, the rest on their own value; missing
    and blank values, and the "(no manager)" label, kept."""
    present = values.notna() & (values.astype(str).str.strip() != "")
    if kind == "client" and id_col is not None:
        keys = df[id_col].astype(str)
        present &= df[id_col].notna()
    else:
        keys = values.astype(str)
    if kind == "manager":
        present &= keys != NO_MANAGER
    uniq = pd.unique(keys[present])
    make = _pseudonymiser(kind, key, lang)
    table = {u: make(u) for u in uniq}
    new = values.astype(object).where(~present, keys.map(table))
    return new.where(present, values.astype(object))


def _mask_ids(out: pd.DataFrame, key: bytes, lang: str) -> None:
    """:func:`mask_frame` with ``ids=True``: the client id columns of ``out`` and the ids inside
    the duplicates list's texts replaced (in place) by the ids' pseudonyms."""
    idp = _pseudonymiser("id", key, lang)
    for col in _ID_COLUMNS:
        if col in out.columns:
            out[col] = _map_unique(out[col], idp)
    for col, fn in _id_text_masker(key, lang).items():
        if col in out.columns and not pd.api.types.is_numeric_dtype(out[col].dtype):
            out[col] = _map_unique(out[col], fn)


def mask_dataset(dataset: Dataset, key: bytes | str, *, lang: str = "en") -> Dataset:
    """:func:`mask_frame` applied to every table of a Dataset and to the rejected rows of its
    load reports (whose headers are the file's own): for sharing the data themselves. The
    reports do not use it -- an analysis of masked data differs from the real one (duplicates
    found by name are lost); they mask where they are written (``Audit.build(mask=True)``)."""
    tables = {}
    for name in ("transactions", "clients", "activities", "surveys"):
        table = getattr(dataset, name)
        tables[name] = None if table is None else mask_frame(table, key, lang=lang)
    reports = {}
    for name, rep in (dataset.reports or {}).items():
        rejected = getattr(rep, "rejected", None)
        cols = getattr(rep, "columns", {}) or {}
        if isinstance(rejected, pd.DataFrame) and len(rejected):
            mapping = {
                header: canon
                for canon, header in cols.items()
                if canon in _MASK_RULES or canon == S.CLIENT_ID
            }
            rep = replace(rep, rejected=mask_frame(rejected, key, lang=lang, columns=mapping))
        reports[name] = rep
    return replace(dataset, reports=reports, **tables)
