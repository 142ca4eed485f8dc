"""The churn model: :class:`ChurnModel` (a scikit-learn estimator) and its scoring."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from ...core.panel import Panel
from ...errors import ParameterError, check_param
from ...io.schema import (
    CLIENT_ID,
    INTERVAL_DAYS,
    LAST_ORDER,
    ORDERS_WINDOW,
    RECENCY_DAYS,
    REVENUE_WINDOW,
    TENURE_DAYS,
)
from ..btyd import BTYDForecast
from ..value import expected_revenue
from .backtest import _FitSteps
from .card import ChurnScores
from .codes import (
    BAND,
    BANDS,
    BASELINES,
    CHURN_PROBABILITY,
    CUTOFF,
    EXPECTED_NEXT_ORDER,
    EXPECTED_REVENUE_12M,
    HORIZON_DAYS,
    LABEL,
    P_NO_PURCHASE,
    REASON_1,
    REASON_2,
    REVENUE_AT_RISK,
    SPEND_CHANGE,
    SPEND_CHANGE_3M,
)
from .features import alive_population, bgnbd_forecast, make_features
from .reasons import _facts, explain, explain_reference, facts_medians, reason_codes
from .scorers import _Isotonic, _one_line, _raw_score


def _int_param(value, minimum: int) -> bool:
    return (
        isinstance(value, (int, np.integer))
        and not isinstance(value, bool)
        and bool(value >= minimum)
    )


class ChurnModel(_FitSteps, BaseEstimator):
    """Learn churn from the base's past, backtest it, and score the base.

    A scikit-learn estimator: the constructor only stores the parameters (``get_params``,
    ``set_params`` and :func:`sklearn.base.clone` work); :meth:`predict_proba`,
    :meth:`contributions` and :meth:`score_clients` raise
    :class:`~sklearn.exceptions.NotFittedError` before :meth:`fit`.

    Parameters
    ----------
    horizon_days : int, default 90 (:data:`HORIZON_DAYS`)
        Churn = no order within this many days after the cut-off.
    n_cutoffs : int, default 6
        Monthly cut-offs used for training (before the calibration and test cut-offs).
    window_months : int, default 12
        Look-back window of the snapshots.
    candidates : dict of name -> estimator, optional
        scikit-learn classifiers with ``predict_proba``; default :func:`default_candidates`.
        Each is cloned before fitting; a ``random_state`` left at None is set to
        ``random_state``.
    features : list of str, optional
        Feature columns for the learned candidates (default: every column of
        :func:`make_features`). The baselines always read the recency ratio and the BG/NBD
        probability.
    min_clients : int, default 200
        Fewer alive clients at the latest fully observed cut-off: nothing is scored.
    min_churners : int, default 30
        Fewer churners (or stayers) in the training, calibration or test examples: no learned
        model; the base is scored with BG/NBD, calibrated but not backtested.
    dead_days, dead_interval_multiple : int, float, default 365, 3.0
        The lifecycle's dead rule, which defines the population.
    max_examples_per_cutoff : int or None, default 30000
        A cut-off with more alive clients keeps a seeded random sample of this many examples
        (training, calibration and the backtest's test cut-off); the whole base is still scored.
        30,000 a cut-off is 180,000 training examples over six cut-offs: enough for a dozen
        features, and the fit no longer grows with the base. None uses every client.
    random_state : int, default 0
        Seeds every random choice (sampling, candidates, permutation importance).

    Attributes
    ----------
    card_ : ModelCard
    examples_ : DataFrame
        Every example built (cut-off, client, features, label).
    chosen_ : str or None
        The name of the scorer in use ("insufficient data" -> None).
    features_ : list of str
        The features of the learned candidates (after dropping the unusable ones).
    backtest_ : DataFrame
        The card's metrics table (empty without a backtest).
    """

    def __init__(
        self,
        *,
        horizon_days: int = HORIZON_DAYS,
        n_cutoffs: int = 6,
        window_months: int = 12,
        candidates: dict | None = None,
        features: list[str] | None = None,
        min_clients: int = 200,
        min_churners: int = 30,
        dead_days: int = 365,
        dead_interval_multiple: float = 3.0,
        max_examples_per_cutoff: int | None = 30_000,
        random_state: int = 0,
    ):
        self.horizon_days = horizon_days
        self.n_cutoffs = n_cutoffs
        self.window_months = window_months
        self.candidates = candidates
        self.features = features
        self.min_clients = min_clients
        self.min_churners = min_churners
        self.dead_days = dead_days
        self.dead_interval_multiple = dead_interval_multiple
        self.max_examples_per_cutoff = max_examples_per_cutoff
        self.random_state = random_state

    @classmethod
    def from_settings(cls, settings, lifecycle=None, *, window_months: int = 12, **kwargs):
        """Build from :class:`reportkit.io.config.ChurnSettings` (and LifecycleRules)."""
        extra = {}
        if lifecycle is not None:
            extra = {
                "dead_days": lifecycle.dead_days,
                "dead_interval_multiple": lifecycle.dead_interval_multiple,
            }
        return cls(
            horizon_days=settings.horizon_days,
            n_cutoffs=settings.n_cutoffs,
            min_clients=settings.min_clients,
            min_churners=settings.min_churners,
            max_examples_per_cutoff=settings.max_examples_per_cutoff,
            random_state=settings.random_state,
            window_months=window_months,
            **extra,
            **kwargs,
        )

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "card_")

    def _check(self) -> None:
        check_param(
            _int_param(self.horizon_days, 7),
            "horizon_days",
            "an integer of at least 7",
            self.horizon_days,
        )
        check_param(
            _int_param(self.n_cutoffs, 1), "n_cutoffs", "a positive integer", self.n_cutoffs
        )
        check_param(
            _int_param(self.window_months, 1),
            "window_months",
            "a positive integer",
            self.window_months,
        )
        check_param(
            _int_param(self.min_clients, 1), "min_clients", "a positive integer", self.min_clients
        )
        check_param(
            _int_param(self.min_churners, 1),
            "min_churners",
            "a positive integer",
            self.min_churners,
        )
        check_param(
            _int_param(self.dead_days, 1), "dead_days", "a positive integer", self.dead_days
        )
        check_param(
            isinstance(self.dead_interval_multiple, (int, float, np.number))
            and not isinstance(self.dead_interval_multiple, bool)
            and np.isfinite(self.dead_interval_multiple)
            and self.dead_interval_multiple > 0,
            "dead_interval_multiple",
            "a positive number",
            self.dead_interval_multiple,
        )
        check_param(
            self.max_examples_per_cutoff is None or _int_param(self.max_examples_per_cutoff, 1),
            "max_examples_per_cutoff",
            "a positive integer or None",
            self.max_examples_per_cutoff,
        )
        check_param(
            _int_param(self.random_state, 0),
            "random_state",
            "a non-negative integer",
            self.random_state,
        )
        check_param(
            self.features is None
            or (
                not isinstance(self.features, str)
                and all(isinstance(f, str) for f in self.features)
            ),
            "features",
            "a list of column names or None",
            self.features,
        )
        cands = self.candidates
        check_param(
            cands is None
            or (
                isinstance(cands, dict)
                and all(
                    isinstance(k, str)
                    and k not in BASELINES
                    and hasattr(v, "fit")
                    and hasattr(v, "predict_proba")
                    for k, v in cands.items()
                )
            ),
            "candidates",
            "a dict of name -> classifier with fit and predict_proba (names other than the "
            "baselines')",
            cands,
        )

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(
                "This ChurnModel instance is not fitted yet. Call 'fit' with "
                "a panel and as_of before using this method."
            )

    def _start(self, as_of: pd.Timestamp) -> None:
        """Forget a previous fit."""
        for name in (
            "card_",
            "examples_",
            "backtest_",
            "model_",
            "calibrator_",
            "chosen_",
            "features_",
        ):
            self.__dict__.pop(name, None)
        self.as_of_ = as_of
        self.chosen_: str | None = None
        self.model_ = None
        self.calibrator_: _Isotonic | None = None
        self.features_: list[str] = []
        self.backtest_ = pd.DataFrame()
        self.examples_ = pd.DataFrame(columns=[CUTOFF, CLIENT_ID, LABEL])
        self.dropped_features_: dict[str, str] = {}
        self.failed_: dict[str, str] = {}

    def fit(self, panel, *, as_of) -> ChurnModel:
        """Build examples, backtest candidates and baselines, choose, calibrate, refit.

        Never raises because of the data (see the module docstring): the card's ``status``
        says what could be done. Raises :class:`~reportkit.errors.ParameterError` for invalid
        parameters.

        Parameters
        ----------
        panel : Panel
            The client-month panel (:func:`reportkit.build_panel`).
        as_of : date
            The report date; only cut-offs whose horizon ends by ``as_of`` are used.
        """

        self._check()
        check_param(
            isinstance(panel, Panel),
            "panel",
            "a Panel (reportkit.build_panel)",
            type(panel).__name__,
        )
        try:
            as_of = pd.Timestamp(as_of)
        except (TypeError, ValueError):
            as_of = pd.NaT
        check_param(
            isinstance(as_of, pd.Timestamp) and not pd.isna(as_of), "as_of", "a date", as_of
        )
        self._start(as_of)
        try:
            return self._fit(panel, as_of)
        except Exception as exc:  # noqa: BLE001 - a data problem must never break a report
            return self._insufficient(
                f"the churn model could not be built ({_one_line(exc)})", as_of
            )

    def _chosen(self) -> str:
        """The chosen scorer; ParameterError when the fit found insufficient data."""
        if self.chosen_ is None:
            raise ParameterError(
                "the churn model has no scorer (insufficient data: "
                f"{self.card_.reason}); use the reactivation list instead"
            )
        return self.chosen_

    def _scored(self, snapshot: pd.DataFrame, btyd: BTYDForecast | None = None):
        """(alive mask, feature frame of the alive rows, calibrated probability); ``btyd``: the
        BG/NBD fitted on the snapshot (fitted here when None)."""
        self._check_fitted()
        chosen = self._chosen()
        pop = alive_population(
            snapshot, dead_days=self.dead_days, dead_interval_multiple=self.dead_interval_multiple
        )
        if btyd is None:
            btyd = bgnbd_forecast(snapshot, self.horizon_days)
        X = make_features(snapshot.loc[pop], horizon_days=self.horizon_days, btyd=btyd)
        p = np.zeros(0)
        if len(X):
            assert self.calibrator_ is not None  # fitted together with chosen_
            p = self.calibrator_.transform(_raw_score(chosen, self.model_, X, self.features_))
        return pop, X, p

    def predict_proba(self, snapshot: pd.DataFrame) -> pd.Series:
        """Calibrated churn probability for each row of a snapshot (NaN outside the population).

        Raises NotFittedError before :meth:`fit`, ParameterError when the fit found
        insufficient data.
        """
        pop, _, p = self._scored(snapshot)
        out = pd.Series(np.nan, index=snapshot.index, name=CHURN_PROBABILITY)
        out[pop.to_numpy()] = p
        return out

    def contributions(self, snapshot: pd.DataFrame) -> pd.DataFrame:
        """Per-feature contributions to each alive client's risk against a typical client of
        the snapshot's population (see :func:`explain`); index = the alive rows of
        ``snapshot``."""
        _, X, _ = self._scored(snapshot)
        return explain(self._chosen(), self.model_, X, self.features_)[0]

    def score_clients(
        self, snapshot: pd.DataFrame, *, clients: pd.DataFrame | None = None
    ) -> ChurnScores:
        """Score the base: probability, band, expected revenue, revenue at risk and reasons.

        BG/NBD and Gamma-Gamma are fitted once on the snapshot
        (:func:`reportkit.analysis.btyd.fit_predict`): the features read the forecast over the
        churn horizon, the expected revenue over 12 months.

        Returns
        -------
        ChurnScores
            ``clients``: one row per client in the population (has ordered, not dead), ranked
            by revenue at risk: ``client_id``, ``churn_probability``, ``band`` (low < 0.3 <=
            medium < 0.6 <= high), ``expected_revenue_12m``
            (:func:`reportkit.analysis.value.expected_revenue`, estimated on the whole
            snapshot), ``revenue_at_risk`` (probability × expected revenue), ``reason_1``,
            ``reason_2`` (codes of :data:`REASON_CODES`, None when fewer reasons exist),
            ``last_order``, ``recency_days``, ``interval_days``, ``expected_next_order`` (last
            order + usual interval), ``orders_window``, ``tenure_days``, ``revenue_window``,
            ``spend_change`` (revenue_window / revenue_prev_window - 1), ``spend_change_3m``
            (last 3 months / the 3 before - 1), ``p_no_purchase`` (BG/NBD, over the horizon),
            and ``name`` / ``manager`` when a clients table is given. ``summary``, ``notes``
            and ``params``: see :class:`ChurnScores`.
        """
        self._check_fitted()
        chosen = self._chosen()
        btyd = bgnbd_forecast(snapshot, self.horizon_days, gamma_gamma=True)
        # the expected revenue first, on the whole snapshot, and only its one column kept
        value = expected_revenue(snapshot, btyd=btyd)
        er_all, notes = _column_by_row(value.clients, snapshot, EXPECTED_REVENUE_12M), value.notes
        del value
        pop, X, p = self._scored(snapshot, btyd)
        del btyd
        rows = np.flatnonzero(pop.to_numpy())
        reference = explain_reference(chosen, self.model_, X, self.features_)
        medians = facts_medians(
            pd.DataFrame(
                {
                    c: snapshot[c].to_numpy(dtype=float)[rows]
                    for c in (REVENUE_WINDOW, ORDERS_WINDOW)
                    if c in snapshot.columns
                }
            )
        )
        # block by block of the population: at millions of clients the explanation and the
        # reason codes make several temporaries per client and feature
        parts = []
        for lo in range(0, max(len(rows), 1), _SCORE_ROWS):  # one empty block: the columns
            at = rows[lo : lo + _SCORE_ROWS]
            s = snapshot.iloc[at]
            part = pd.DataFrame(
                {CLIENT_ID: s[CLIENT_ID].to_numpy(), CHURN_PROBABILITY: p[lo : lo + len(at)]}
            )
            part[BAND] = pd.cut(
                part[CHURN_PROBABILITY],
                [-0.01, 0.3, 0.6, 1.01],
                labels=[b for b, _ in BANDS],
                right=False,
            ).astype(str)
            er = er_all[at]
            part[EXPECTED_REVENUE_12M] = np.where(np.isnan(er), 0.0, er)
            part[REVENUE_AT_RISK] = part[CHURN_PROBABILITY] * part[EXPECTED_REVENUE_12M]
            reasons = self._reasons(s, X.iloc[lo : lo + len(at)], reference, medians)
            parts.append(pd.concat([part, reasons], axis=1))
        out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        del parts, X
        for column in (REASON_1, REASON_2):  # None where fewer reasons exist, as one block has
            out[column] = out[column].astype(object).where(out[column].notna(), None)
        if clients is not None:
            extra = [c for c in ("name", "manager") if c in clients.columns]
            if extra:
                out = out.merge(
                    clients[[CLIENT_ID, *extra]].drop_duplicates(CLIENT_ID),
                    on=CLIENT_ID,
                    how="left",
                )
        out = out.sort_values(
            [REVENUE_AT_RISK, CLIENT_ID], ascending=[False, True], ignore_index=True
        )
        return self._scores(out, notes)

    def _reasons(
        self, s: pd.DataFrame, X: pd.DataFrame, reference=None, medians=None
    ) -> pd.DataFrame:
        """The reason codes of the scored rows ``s`` and the figures they rest on (a frame on a
        fresh index, in the order of ``s``); ``reference`` and ``medians``:
        :func:`explain_reference` and :func:`facts_medians` of the whole population when ``s``
        is a block of it."""
        facts = _facts(s, X)
        if len(s):
            contrib, direction, _ = explain(
                self._chosen(), self.model_, X, self.features_, reference
            )
            reasons = reason_codes(contrib, direction, facts, medians)
        else:
            reasons = pd.DataFrame({REASON_1: [], REASON_2: []}, dtype=object)
        return pd.DataFrame(
            {
                REASON_1: reasons[REASON_1].to_numpy(),
                REASON_2: reasons[REASON_2].to_numpy(),
                LAST_ORDER: s[LAST_ORDER].to_numpy(),
                RECENCY_DAYS: s[RECENCY_DAYS].to_numpy(),
                INTERVAL_DAYS: s[INTERVAL_DAYS].to_numpy(),
                EXPECTED_NEXT_ORDER: (
                    s[LAST_ORDER] + pd.to_timedelta(s[INTERVAL_DAYS], unit="D")
                ).to_numpy(),
                ORDERS_WINDOW: s[ORDERS_WINDOW].to_numpy(),
                TENURE_DAYS: s[TENURE_DAYS].to_numpy(),
                REVENUE_WINDOW: s[REVENUE_WINDOW].to_numpy(),
                SPEND_CHANGE: facts[SPEND_CHANGE].to_numpy(),
                SPEND_CHANGE_3M: facts[SPEND_CHANGE_3M].to_numpy(),
                P_NO_PURCHASE: X[P_NO_PURCHASE].to_numpy(),
            }
        )

    def _scores(self, out: pd.DataFrame, notes: list) -> ChurnScores:
        summary = {
            "clients": len(out),
            "bands": {b: int((out[BAND] == b).sum()) for b, _ in BANDS},
            EXPECTED_REVENUE_12M: float(out[EXPECTED_REVENUE_12M].sum()),
            REVENUE_AT_RISK: float(out[REVENUE_AT_RISK].sum()),
            "scorer": self.chosen_,
            "status": self.card_.status,
        }
        params = {"horizon_days": self.horizon_days, "as_of": self.as_of_}
        return ChurnScores(clients=out, summary=summary, notes=list(notes), params=params)


_SCORE_ROWS = 1 << 19  # clients per block when the base is scored


def _column_by_row(frame: pd.DataFrame, snapshot: pd.DataFrame, column: str) -> np.ndarray:
    """``frame[column]`` for each row of ``snapshot``, matched by client_id (by position when
    ``frame`` lists the snapshot's clients in its order, as the value estimate does); NaN for a
    client ``frame`` does not have."""
    ids = snapshot[CLIENT_ID].to_numpy()
    theirs = frame[CLIENT_ID].to_numpy()
    if len(theirs) == len(ids) and bool((theirs == ids).all()):
        return frame[column].to_numpy(dtype=float)
    return frame.set_index(CLIENT_ID)[column].reindex(ids).to_numpy(dtype=float)
