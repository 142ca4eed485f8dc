"""The report's words for each analysis: labels, reasons and notes in English and Russian.

An analysis returns codes and the facts behind them; the module of the same name here turns
them into sentences. :mod:`reportkit.report.text` merges each module's ``LABELS`` under the
analysis' name (``t("lifecycle.n_clients")``).
"""
