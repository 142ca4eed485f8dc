"""The catalogue machinery: look a key up, fill its placeholders, register more labels.

:data:`~reportkit.report.text.labels.TEXT` holds the built-in keys; :func:`register` adds others
(a words module's ``LABELS`` dict, ``{"en": {...}, "ru": {...}}``); the words modules named in
:data:`PROVIDERS` are imported and merged under their namespace on first use, so
``t("segmentation.champions", "ru")`` works without this module importing them up front.
"""

from __future__ import annotations

import difflib
import importlib
import string
from collections.abc import Mapping
from typing import Any

from ...errors import ReportkitError
from .formats import LANGS, MISSING, _check_lang, _is_missing
from .labels import TEXT

#: modules whose ``LABELS`` dict is merged under their own name on first use
PROVIDERS: dict[str, str] = {
    "audit": "reportkit.report.words.audit",
    "segmentation": "reportkit.report.words.segmentation",
    "lifecycle": "reportkit.report.words.lifecycle",
    "dynamics": "reportkit.report.words.dynamics",
    "quality": "reportkit.report.words.quality",
    "managers": "reportkit.report.words.managers",
}

_REGISTERED: dict[str, dict[str, str]] = {}
_LOADED_PROVIDERS: set[str] = set()


def placeholders(text: str) -> set[str]:
    """Names of the ``{placeholders}`` in a text.

    >>> sorted(placeholders("{lost} of {total} clients"))
    ['lost', 'total']
    """
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _flatten(mapping: Mapping, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in mapping.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = value
    return out


def _normalise(labels: Mapping, where: str) -> dict[str, dict[str, str]]:
    """Turn ``{"en": {...}, "ru": {...}}`` or ``{key: {"en":..., "ru":...}}`` into the latter."""
    if not isinstance(labels, Mapping) or not labels:
        raise ReportkitError(f"{where}: labels must be a non-empty dict, got {labels!r}")
    if set(labels) <= set(LANGS):  # language first, possibly nested
        flat = {
            lang: _flatten(labels[lang])
            for lang in LANGS
            if lang in labels and isinstance(labels[lang], Mapping)
        }
        for lang in LANGS:
            if lang not in flat:
                raise ReportkitError(
                    f"{where}: labels have no {lang!r} dict; give every label "
                    "in both English and Russian"
                )
        missing = set(flat["en"]) ^ set(flat["ru"])
        if missing:
            raise ReportkitError(
                f"{where}: labels {sorted(missing)[:5]} are not given in both "
                "languages; add the missing translations"
            )
        return {key: {"en": flat["en"][key], "ru": flat["ru"][key]} for key in flat["en"]}
    out = {}
    for key, entry in labels.items():
        if not (isinstance(entry, Mapping) and set(entry) >= set(LANGS)):
            raise ReportkitError(
                f"{where}: label {key!r} must be a dict with 'en' and 'ru' texts, got {entry!r}"
            )
        out[str(key)] = {lang: entry[lang] for lang in LANGS}
    return out


def _validate(key: str, entry: Mapping[str, str], where: str) -> None:
    for lang in LANGS:
        if not isinstance(entry.get(lang), str):
            raise ReportkitError(
                f"{where}: label {key!r} has no {lang!r} text (got "
                f"{entry.get(lang)!r}); give it a string in both languages"
            )
    if placeholders(entry["en"]) != placeholders(entry["ru"]):
        raise ReportkitError(
            f"{where}: label {key!r} has placeholders {sorted(placeholders(entry['en']))} in "
            f"English but {sorted(placeholders(entry['ru']))} in Russian; make them the same"
        )


def register(labels: Mapping, *, namespace: str | None = None, overwrite: bool = False) -> int:
    """Merge labels into the translation table.

    Parameters
    ----------
    labels : dict
        Either ``{"en": {key: text}, "ru": {key: text}}`` (nested dicts become dotted keys) or
        ``{key: {"en": text, "ru": text}}``.
    namespace : str or None, default None
        Prefix of every key: ``namespace="segmentation"`` registers ``"segmentation.<key>"``.
    overwrite : bool, default False
        Replace a key that is already registered with a different text. Without it such a
        conflict raises :class:`~reportkit.errors.ReportkitError`; the built-in :data:`TEXT`
        keys can never be replaced.

    Returns
    -------
    int
        The number of keys added or replaced.

    Examples
    --------
    >>> register({"en": {"champions": "Champions"}, "ru": {"champions": "Чемпионы"}},
    ...          namespace="example")
    1
    >>> t("example.champions", "ru")
    'Чемпионы'
    """
    where = f"register(namespace={namespace!r})"
    entries = _normalise(labels, where)
    prefix = f"{namespace}." if namespace else ""
    changed = 0
    for key, entry in entries.items():
        _validate(key, entry, where)
        full = prefix + key
        if full in TEXT:
            if dict(entry) == TEXT[full]:
                continue
            raise ReportkitError(
                f"{where}: key {full!r} is built into reportkit.report.text.TEXT; "
                "use another key or a namespace"
            )
        old = _REGISTERED.get(full)
        if old is not None and old != dict(entry) and not overwrite:
            raise ReportkitError(
                f"{where}: key {full!r} is already registered as {old!r}; "
                "pass overwrite=True to replace it"
            )
        if old != dict(entry):
            _REGISTERED[full] = dict(entry)
            changed += 1
    return changed


def _load_provider(namespace: str) -> None:
    if namespace in _LOADED_PROVIDERS or namespace not in PROVIDERS:
        return
    _LOADED_PROVIDERS.add(namespace)
    try:
        module = importlib.import_module(PROVIDERS[namespace])
    except ImportError:
        return
    labels = getattr(module, "LABELS", None)
    if labels:
        register(labels, namespace=namespace, overwrite=True)


def _lookup(key: str) -> dict[str, str] | None:
    entry = TEXT.get(key) or _REGISTERED.get(key)
    if entry is None and "." in key:
        _load_provider(key.split(".", 1)[0])
        entry = _REGISTERED.get(key)
    return entry


def has(key: str) -> bool:
    """Whether ``key`` is in the translation table (loading its provider module if needed)."""
    return _lookup(key) is not None


def keys() -> list[str]:
    """Every key known so far (built-in and registered), sorted."""
    return sorted(set(TEXT) | set(_REGISTERED))


def t(key: str, lang: str = "en", **fmt: Any) -> str:
    """The text of ``key`` in ``lang``, with its placeholders filled from ``fmt``.

    Parameters
    ----------
    key : str
        A key of :data:`TEXT` or a registered one, e.g. ``"report.contents"``.
    lang : {"en", "ru"}, default "en"
    **fmt
        Values of the placeholders; format numbers first (:func:`fmt_int`, :func:`fmt_pct`).

    Examples
    --------
    >>> t("report.contents", "ru")
    'Содержание'
    >>> t("sentence.base_lost", "en", lost="12", total="120", share="10.0%")
    '12 of 120 clients (10.0%) left the base this period.'
    """
    _check_lang(lang)
    entry = _lookup(key)
    if entry is None:
        close = difflib.get_close_matches(key, keys(), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ReportkitError(
            f"unknown text key {key!r}.{hint} Add it to reportkit.report.text.TEXT "
            "(in English and Russian) or register() it."
        )
    text = entry[lang]
    try:
        return text.format(**fmt) if fmt or placeholders(text) else text
    except KeyError as exc:
        raise ReportkitError(
            f"text {key!r} needs the value of {{{exc.args[0]}}}; pass {exc.args[0]}=... to t()"
        ) from None


def label(value: Any, lang: str = "en", namespace: str | None = None) -> str:
    """Display name of a category value, or the value itself when it has no translation.

    >>> label("dead_lost", "en", "block")
    'Dead, lost'
    >>> label("AX", "ru", "segmentation_example")
    'AX'
    """
    _check_lang(lang)
    if _is_missing(value):
        return MISSING
    key = f"{namespace}.{value}" if namespace else str(value)
    entry = _lookup(key)
    return entry[lang] if entry else str(value)


def load_reason(reason: str, lang: str = "en") -> str:
    """A reason of :mod:`reportkit.io.load` for rejecting a row, in ``lang``; a reason without a
    ``load.*`` translation is returned as it is.

    >>> load_reason("unparseable date", "ru")
    'нечитаемая дата'
    >>> load_reason("something new", "ru")
    'something new'
    """
    _check_lang(lang)
    for key, entry in TEXT.items():
        if key.startswith("load.") and entry["en"] == reason:
            return entry[lang]
    return str(reason)


def block_label(block: str, lang: str = "en") -> str:
    """Display name of a lifecycle block.

    >>> block_label("dead_reanimatable"), block_label("regular", "ru")
    ('Dead, can be reactivated', 'Постоянные')
    """

    return label(block, lang, "block")
