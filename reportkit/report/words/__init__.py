"""The report's words for each analysis: labels, reasons and notes in English and Russian.

An analysis returns codes and the facts behind them; the module of the same name here turns
them into sentences. :mod:`reportkit.report.text` merges each module's ``LABELS`` under the
analysis' name (``t("lifecycle.n_clients")``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ...errors import check_param

LANGS = ("en", "ru")


def check_lang(lang: Any) -> str:
    """``lang`` when it is a language of the report, else a ParameterError."""
    check_param(lang in LANGS, "lang", "'en' or 'ru'", lang)
    return lang


def once_per_distinct(keys: pd.DataFrame, word: Callable[..., str]) -> np.ndarray:
    """``word(*row)`` for every row of ``keys``, called once per distinct row: a list of a
    million clients repeats the same few thousand (code, rounded figures) combinations."""
    if not len(keys):
        return np.array([], dtype=object)
    distinct = keys.drop_duplicates()
    words = [word(*values) for values in distinct.itertuples(index=False, name=None)]
    table = distinct.assign(_words=words)
    return keys.merge(table, on=list(keys.columns), how="left")["_words"].to_numpy(dtype=object)
