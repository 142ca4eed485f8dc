"""How :meth:`ChurnModel.fit` goes: the time split, the backtest of the candidates and the
baselines, the choice, the calibration and the final refit; or the BG/NBD fallback when the
history is too short, or nothing when the data is too thin (see the package docstring)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ...io.schema import CLIENT_ID
from .card import ModelCard
from .codes import (
    BASELINE_BGNBD,
    BASELINES,
    CUTOFF,
    LABEL,
    STATUS_BASELINE,
    STATUS_INSUFFICIENT,
    STATUS_MODEL,
    STATUS_NOT_BACKTESTED,
)
from .features import build_examples, fully_observed_cutoffs, unusable_features
from .reasons import _REASONS_METHOD, _linear_parts
from .scorers import (
    _Isotonic,
    _one_line,
    _raw_score,
    _reliability,
    _scorer_metrics,
    _seeded,
    default_candidates,
    evaluate,
)

if TYPE_CHECKING:
    from typing_extensions import Self


class _FitSteps:
    """The steps of :meth:`ChurnModel.fit` (a mixin of :class:`ChurnModel`)."""

    # the estimator's parameters and the attributes the steps set
    horizon_days: int
    n_cutoffs: int
    window_months: int
    candidates: dict | None
    features: list[str] | None
    min_clients: int
    min_churners: int
    dead_days: int
    dead_interval_multiple: float
    max_examples_per_cutoff: int | None
    random_state: int
    chosen_: str | None
    model_: Any
    calibrator_: _Isotonic | None
    features_: list[str]
    backtest_: pd.DataFrame
    examples_: pd.DataFrame
    dropped_features_: dict[str, str]
    failed_: dict[str, str]
    card_: ModelCard

    def _insufficient(self, why: str, as_of, **population) -> Self:
        self.chosen_ = None
        self.model_ = None
        self.calibrator_ = None
        self.card_ = ModelCard(
            status=STATUS_INSUFFICIENT,
            chosen=None,
            reason=why,
            horizon_days=self.horizon_days,
            as_of=pd.Timestamp(as_of),
            population=population,
            dropped_features=self.dropped_features_,
            failed=self.failed_,
        )
        return self

    def _fit(self, panel, as_of: pd.Timestamp) -> Self:
        h = pd.Timedelta(days=self.horizon_days)
        all_cuts = fully_observed_cutoffs(panel, as_of=as_of, horizon_days=self.horizon_days)
        if not all_cuts:
            return self._insufficient(
                f"too little history: no month end before {as_of - h:%Y-%m-%d} "
                f"(as of minus the {self.horizon_days}-day horizon)",
                as_of,
            )
        test_cut = all_cuts[-1]
        cal_cands = [c for c in all_cuts if c + h <= test_cut]
        cal_cut = cal_cands[-1] if cal_cands else None
        train_cuts = (
            [c for c in all_cuts if c + h <= cal_cut][-self.n_cutoffs :]
            if cal_cut is not None
            else []
        )
        cuts = [*train_cuts, cal_cut, test_cut] if train_cuts else [test_cut]
        ex = build_examples(
            panel,
            cutoffs=cuts,
            horizon_days=self.horizon_days,
            window_months=self.window_months,
            dead_days=self.dead_days,
            dead_interval_multiple=self.dead_interval_multiple,
            max_per_cutoff=self.max_examples_per_cutoff,
            random_state=self.random_state,
        )
        self.examples_ = ex
        test = ex[ex[CUTOFF] == test_cut]
        short = None
        if cal_cut is None:
            short = (
                "too little history for a time-split backtest (needs a calibration cut-off "
                "a full horizon before the test one)"
            )
        elif not train_cuts:
            short = (
                "too little history for a time-split backtest: training needs cut-offs at "
                f"least two horizons ({2 * self.horizon_days} days) before "
                f"{test_cut:%Y-%m-%d}"
            )
        if len(test) < self.min_clients:
            return self._insufficient(
                f"too few clients: {len(test):,} alive at the latest fully observed cut-off "
                f"({test_cut:%Y-%m-%d}), the model needs {self.min_clients:,}"
                + (f"; and {short}" if short else ""),
                as_of,
                **{"clients at the test cut-off": len(test)},
            )
        if short:
            return self._not_backtested(test, as_of, short)
        train = ex[ex[CUTOFF].isin(train_cuts)]
        cal = ex[ex[CUTOFF] == cal_cut]
        population = {
            "clients at the test cut-off": len(test),
            "churners at the test cut-off": int(test[LABEL].sum()),
            "training examples": len(train),
            "churners in training": int(train[LABEL].sum()),
        }
        for name, part in (("training", train), ("calibration", cal), ("test", test)):
            n_churn = int(part[LABEL].sum())
            n_stay = int(len(part) - n_churn)
            if min(n_churn, n_stay) < self.min_churners:
                return self._not_backtested(
                    test,
                    as_of,
                    f"too few churners or stayers in the {name} examples for a "
                    f"learned model ({n_churn:,} churned, {n_stay:,} stayed; it needs "
                    f"{self.min_churners} of each)",
                )
        return self._backtest(ex, train_cuts, cal_cut, test_cut, as_of, population)

    def _not_backtested(self, latest: pd.DataFrame, as_of: pd.Timestamp, why: str) -> Self:
        """Score with BG/NBD P(no purchase), isotonic-calibrated on the latest fully observed
        cut-off (``latest``: its examples)."""
        cut = pd.Timestamp(latest[CUTOFF].iloc[0])
        y = latest[LABEL].to_numpy()
        population = {
            "clients at the calibration cut-off": len(latest),
            "churners at the calibration cut-off": int(y.sum()),
        }
        rows = {}
        calibrators = {}
        for name in BASELINES:
            try:
                raw = _raw_score(name, None, latest, [])
                calibrators[name] = _Isotonic().fit(raw, y)
                rows[name] = _scorer_metrics(y, raw, calibrators[name].transform(raw))
            except Exception as exc:  # noqa: BLE001 - recorded in the card
                self.failed_[name] = _one_line(exc)
        chosen = BASELINE_BGNBD
        if chosen not in calibrators:
            return self._insufficient(
                f"{why}; and the BG/NBD fallback failed ({self.failed_.get(chosen)})",
                as_of,
                **population,
            )
        table = pd.DataFrame(rows).T
        table.index.name = "scorer"
        table["chosen"] = table.index == chosen
        self.chosen_ = chosen
        self.model_ = None
        self.calibrator_ = calibrators[chosen]
        self.features_ = []
        self.backtest_ = table
        reason = (
            f"not backtested: {why}. Every alive client is scored with the BG/NBD "
            f"probability of no purchase within {self.horizon_days} days, calibrated "
            f"(isotonic) on the latest fully observed cut-off ({cut:%Y-%m-%d})"
        )
        self.card_ = ModelCard(
            status=STATUS_NOT_BACKTESTED,
            chosen=chosen,
            reason=reason,
            horizon_days=self.horizon_days,
            as_of=as_of,
            calibration_cutoff=cut,
            population=population,
            metrics=table,
            dropped_features=self.dropped_features_,
            failed=self.failed_,
            reasons_method=_REASONS_METHOD["baseline percentiles"],
        )
        return self

    def _candidates(self) -> dict:
        from sklearn.base import clone

        given = (
            self.candidates
            if self.candidates is not None
            else default_candidates(self.random_state)
        )
        return {name: _seeded(clone(est), self.random_state) for name, est in given.items()}

    def _backtest(self, ex: pd.DataFrame, train_cuts, cal_cut, test_cut, as_of, population) -> Self:
        """Backtest every scorer on the time split, choose the best on the test ROC AUC, refit
        and calibrate it, and write the card."""
        train = ex[ex[CUTOFF].isin(train_cuts)]
        cal = ex[ex[CUTOFF] == cal_cut]
        test = ex[ex[CUTOFF] == test_cut]
        available = [c for c in ex.columns if c not in (CUTOFF, CLIENT_ID, LABEL)]
        wanted = [c for c in self.features if c in available] if self.features else available
        self.dropped_features_.update(unusable_features(train[wanted]))
        feats = [c for c in wanted if c not in self.dropped_features_]
        self.features_ = feats
        candidates = self._candidates()
        runs = self._run_scorers(candidates, train, cal, test, feats)
        table = pd.DataFrame({name: run["metrics"] for name, run in runs.items()}).T
        if table.empty or not table["roc_auc"].notna().any():
            return self._not_backtested(test, as_of, "no scorer could be backtested")
        table.index.name = "scorer"
        chosen = str(table["roc_auc"].idxmax())
        table["chosen"] = table.index == chosen
        self.chosen_ = chosen
        self.backtest_ = table
        is_baseline = chosen in BASELINES
        importance = pd.DataFrame(columns=["feature", "importance"])
        if not is_baseline:
            importance = self._importance(runs[chosen]["model"], test, feats)
            final_train = ex[ex[CUTOFF].isin([*train_cuts, cal_cut])]
            self.model_ = self._final_model(
                candidates[chosen], runs[chosen]["model"], final_train, test
            )
        else:
            self.model_ = None
        self.calibrator_ = _Isotonic().fit(
            _raw_score(chosen, self.model_, test, feats), test[LABEL]
        )
        self.card_ = ModelCard(
            status=STATUS_BASELINE if is_baseline else STATUS_MODEL,
            chosen=chosen,
            reason=_choice_reason(table, chosen),
            horizon_days=self.horizon_days,
            as_of=as_of,
            train_cutoffs=train_cuts,
            calibration_cutoff=cal_cut,
            test_cutoff=test_cut,
            population=population,
            metrics=table,
            brier_uncalibrated=runs[chosen]["brier_uncalibrated"],
            importance=importance,
            reliability=_reliability(
                test[LABEL].to_numpy(), runs[chosen]["calibrator"].transform(runs[chosen]["raw"])
            ),
            dropped_features=self.dropped_features_,
            failed=self.failed_,
            reasons_method=_REASONS_METHOD[self._reasons_method(chosen, feats)],
        )
        return self

    def _run_scorers(
        self,
        candidates: dict,
        train: pd.DataFrame,
        cal: pd.DataFrame,
        test: pd.DataFrame,
        feats: list[str],
    ) -> dict[str, dict[str, Any]]:
        """Each scorer that works, by name: its fitted ``model`` (None for a baseline), its
        ``calibrator`` (fitted on the calibration cut-off), its ``raw`` test scores, its test
        ``metrics`` and ``brier_uncalibrated`` (candidates only); a failing one is recorded in
        ``failed_`` and skipped."""
        from sklearn.base import clone

        runs = {}
        for name in [*BASELINES, *candidates]:
            try:
                model = None
                if name in candidates:
                    if not feats:
                        raise ValueError("no usable feature (all constant or missing)")
                    model = clone(candidates[name]).fit(train[feats], train[LABEL])
                raw_cal = _raw_score(name, model, cal, feats)
                raw_test = _raw_score(name, model, test, feats)
                if not (np.isfinite(raw_cal).all() and np.isfinite(raw_test).all()):
                    raise ValueError("non-finite scores")
                calib = _Isotonic().fit(raw_cal, cal[LABEL])
                metrics = _scorer_metrics(test[LABEL], raw_test, calib.transform(raw_test))
            except Exception as exc:  # noqa: BLE001 - a failing scorer is skipped, not fatal
                self.failed_[name] = _one_line(exc)
                continue
            runs[name] = {
                "model": model,
                "calibrator": calib,
                "raw": raw_test,
                "metrics": metrics,
                "brier_uncalibrated": (
                    evaluate(test[LABEL], raw_test)["brier"] if name in candidates else None
                ),
            }
        return runs

    def _importance(self, model, test: pd.DataFrame, feats: list[str]) -> pd.DataFrame:
        """Permutation importance of the features for the chosen model on the test cut-off (on
        a sample of 20,000 clients at most); empty, with a note in ``failed_``, if it fails."""
        from sklearn.inspection import permutation_importance

        sample = test if len(test) <= 20000 else test.sample(20000, random_state=self.random_state)
        try:
            imp = permutation_importance(
                model,
                sample[feats],
                sample[LABEL],
                scoring="roc_auc",
                n_repeats=3,
                random_state=self.random_state,
                n_jobs=1,
            )
        except Exception as exc:  # noqa: BLE001 - the card says so; scoring goes on
            self.failed_["permutation importance"] = _one_line(exc)
            return pd.DataFrame(columns=["feature", "importance"])
        return pd.DataFrame({"feature": feats, "importance": imp.importances_mean}).sort_values(
            "importance", ascending=False, ignore_index=True
        )

    def _final_model(self, candidate, backtested, final_train: pd.DataFrame, test: pd.DataFrame):
        """The chosen candidate refitted on every example up to the calibration cut-off; the
        backtested fit when the refit fails."""
        from sklearn.base import clone

        feats = self.features_
        chosen = self.chosen_
        assert chosen is not None  # set by _backtest before
        try:
            model = clone(candidate).fit(final_train[feats], final_train[LABEL])
            if not np.isfinite(_raw_score(chosen, model, test, feats)).all():
                raise ValueError("non-finite scores")
        except Exception as exc:  # noqa: BLE001 - keep the model fitted for the backtest
            self.failed_[f"{chosen} (final refit)"] = _one_line(exc)
            return backtested
        return model

    def _reasons_method(self, chosen: str, feats: list[str]) -> str:
        if chosen in BASELINES:
            return "baseline percentiles"
        if _linear_parts(self.model_, feats) is not None:
            return "exact linear contributions"
        return "median replacement"


def _choice_reason(table: pd.DataFrame, chosen: str) -> str:
    """The card's sentence on the choice (a baseline, or a candidate against the best one)."""
    auc = table.loc[chosen, "roc_auc"]
    if chosen in BASELINES:
        return (
            f"a simple baseline ({chosen}) ranked churners best on the test cut-off "
            f"(ROC AUC {auc:.3f}); the report uses it"
        )
    done = [b for b in BASELINES if b in table.index]
    best_baseline = table.loc[done, "roc_auc"].max() if done else np.nan
    return (
        f"{chosen} ranked churners best on the test cut-off (ROC AUC "
        f"{auc:.3f} vs {best_baseline:.3f} for the best baseline)"
    )
