"""The Explainer's views over a tabular model's data: its schema and rows, cohort importance,
feature effects, groups, similar cases, rules.

These are methods of :class:`~explainer_nlg.explainer.Explainer` (kept in their own file so the
facade stays short); each returns a record with a documented schema and a JSON round-trip:
``FeatureEffect`` (``evidence/effects.py``), ``GroupComparison`` (``evidence/groups.py``),
``SimilarCases`` (``evidence/similar.py``) and ``RuleEvidence`` (``evidence/rules.py``).

>>> from explainer_nlg import Explainer
>>> ex = Explainer.demo("loan")
>>> ex.protected, ex.positive_class
(['Age', 'Marital'], 'good')
"""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd

from .errors import ExplainerInputError, resolve_class
from .evidence.effects import FeatureEffect
from .evidence.groups import GroupComparison
from .evidence.rules import RuleEvidence
from .evidence.similar import SimilarCases

_LOCK = threading.Lock()


class TabularViews:
    """Mixed into Explainer; every method needs a tabular explainer."""

    _attributor: Any
    info: dict
    kind: str

    # ---- what the explainer knows about the data ----------------------------------------------

    @property
    def protected(self) -> list[str]:
        """Features marked protected (``from_sklearn(..., protected=[...])``): counterfactuals keep
        them fixed, and no answer presents them as something to change."""
        return list(self.info.get("protected") or [])

    @property
    def positive_class(self) -> str | None:
        """The favourable class that rates count (``info["positive_class"]``; for two classes
        default the second, scikit-learn's positive label); None for several classes unless set."""
        named = self.info.get("positive_class")
        classes = list(self._attributor.class_names)
        if named is not None:
            return classes[resolve_class(named, classes)]
        return classes[1] if len(classes) == 2 else None

    def reasons(self, x: Any, k: int = 4, counterfactual: bool = True, budget: int | None = None,
                record: bool = True, operator: str | None = None, session: str = ""):
        """The principal reasons for an adverse decision on ``x``: a verified ``ReasonNotice`` (see
        ``explainer_notices``): up to ``k`` (at most 4) features that pushed the prediction
        furthest from the favourable class, never a protected one, each with the applicant's
        value compared with approved applicants; close calls flagged; an illustrative
        counterfactual line. The notice is put on the record (the audit log) unless ``record=False``.

        >>> from explainer_nlg import Explainer
        >>> n = Explainer.demo("loan").reasons(3, k=2, counterfactual=False, record=False)
        >>> print(n.lines[3])
        1. A requested amount of 2,000 counted against “good”. That is high compared with approved applicants (their median is 1,000).
        """
        from .explainer_notices import reason_notice, record_notice

        notice = reason_notice(self, x, k=k, counterfactual=counterfactual, budget=budget)
        return record_notice(self, notice, x, operator=operator, session=session) if record else notice

    def data_probabilities(self):
        """The model's probabilities for every row of the data ((rows, classes), computed once)."""
        return self._tabular().data_probabilities()

    def labels(self) -> pd.Series | None:
        """The true classes of the data's rows (as text, missing where unknown), or None."""
        target = self.info.get("target")
        data = self._tabular().data
        if not target or target not in data.columns:
            return None
        s = data[target]
        names = getattr(getattr(self, "predictor", None), "label_names", None)
        # (as the predictor names the classes: "will abstain" where the data holds "A", so that a
        # neighbour's true class and its prediction compare)
        text = pd.Series(names(s) if names and not getattr(self.predictor, "is_regression", False) else s.astype(str),
                         index=s.index)
        return text.where(s.notna(), None)

    @property
    def schema(self):
        """What a valid row looks like (tabular explainers): features, categories, numeric ranges.

        >>> from explainer_nlg import Explainer
        >>> Explainer.demo("loan").schema.numeric_range["Income"]
        (6.0, 959.0)
        """
        schema = getattr(self._attributor, "schema", None)
        if schema is None:
            raise ExplainerInputError(f"A {self.kind} explainer has no table schema.")
        return schema

    def rows(self) -> pd.DataFrame:
        """The rows a tabular explainer was given (with their ids as index)."""
        data = getattr(self._attributor, "data", None)
        if data is None:
            raise ExplainerInputError(f"A {self.kind} explainer has no table of rows.")
        return data

    def row_id(self, x: Any) -> Any:
        """The id of the row ``x`` names (``"17"`` finds row 17), or an ExplainerInputError that says
        which ids exist.

        >>> from explainer_nlg import Explainer
        >>> Explainer.demo("loan").row_id("17")
        17
        """
        from .attribution.tabular_attributor import lookup_id

        return lookup_id(self.rows(), x)

    def cohort_importance(self, ids: list, budget: int | None = None, max_rows: int | None = None,
                          seed: int = 0):
        """Which features matter for a group of rows (``ids``): the mean |Shapley value| of each
        feature, each row explained toward its own predicted class (a ``CohortImportance``; see
        ``attribution.cohort_shapley`` for the method and the row caps).

        >>> from explainer_nlg import Explainer
        >>> imp = Explainer.demo("loan").cohort_importance([17, 18, 19], budget=64)
        >>> imp.rows_used, len(imp.mean_abs)
        (3, 13)
        """
        from .attribution.cohort_shapley import cohort_importance

        self.rows()  # a clear error for an explainer without a table
        return cohort_importance(self._attributor, ids, budget=budget, max_rows=max_rows, seed=seed)

    def cohort_interactions(self, ids: list):
        """Which feature pairs interact over the rows ``ids`` (a ``CohortInteractions``), or None for a
        model shap has no SHAP interaction values for (see ``attribution.cohort_shapley``)."""
        from .attribution.cohort_shapley import cohort_interactions

        self.rows()
        return cohort_interactions(self._attributor, ids)

    def _named(self, record: Any) -> Any:
        """``record`` with what this explainer's rows are called ("applicants"), for its sentences."""
        import dataclasses

        return dataclasses.replace(record, row_noun=self.info.get("row_noun") or "rows")

    def _tabular(self):
        if self.kind != "tabular":
            raise ExplainerInputError(f"This needs a table of rows; this explainer is {self.kind}.")
        return self._attributor

    def _class_index(self, target: Any, default: str | None) -> int:
        classes = list(self._attributor.class_names)
        if target is None:
            if default is None:
                raise ExplainerInputError(f"Name the class to count as the outcome: one of {', '.join(classes)}.")
            target = default
        return resolve_class(target, classes)

    # ---- feature effects ----------------------------------------------------------------------

    def effect(self, feature: str, x: Any = None, target: Any = None, rows: int | None = None,
               within: list[dict] | None = None) -> FeatureEffect:
        """How ``feature`` moves the probability of ``target`` (default: the positive class for two
        classes, else the predicted one for an input, else the commonest prediction).

        Without ``x``: partial dependence over at most ``rows`` sampled rows (default 300) with the
        10th-90th percentile band of their ICE curves, and the SHAP dependence view (mean Shapley
        value per value bin); ``within``: filters that restrict the rows to a cohort. With ``x`` (a
        row id or row): that input's ICE curve and where its decision flips.

        >>> from explainer_nlg import Explainer
        >>> ex = Explainer.demo("loan")
        >>> fe = ex.effect("Income")
        >>> fe.scope, fe.target_label, fe.shape["direction"], fe.rows_used
        ('global', 'good', 'rising', 300)
        >>> local = ex.effect("Amount", x=3)            # applicant 3 asks for 2,000 and is denied
        >>> local.current["value"], local.current["predicted_label"], local.flips[0]["from"], local.flips[0]["at"]
        (2000, 'bad', 'good', 1553)
        """
        from .attribution.feature_effect import ICE_ROWS, feature_effect

        att = self._tabular()
        default = self.positive_class
        if default is None:

            classes = list(att.class_names)
            if x is not None:
                default = classes[int(att.predictor.predict_proba(att.prepare(x).batch1)[0].argmax())]
            else:
                default = classes[int(pd.Series(att.data_predictions()).mode()[0])]
        t = self._class_index(target, default)
        ids = None
        if within:
            from .attribution.row_filters import describe, select

            ids = list(att.data.index[select(att.data, within).to_numpy()])
            if not ids:
                raise ExplainerInputError(f"No rows match {describe(within)}.")
        return self._named(feature_effect(att, feature, x=x, target=t, rows=rows or ICE_ROWS,
                              protected=feature in self.protected, ids=ids, cohort=within))

    # ---- groups and fairness ------------------------------------------------------------------

    def compare(self, by: str | None = None, groups: list | None = None, within: list[dict] | None = None,
                split: float | None = None, positive: Any = None, resamples: int = 1000) -> GroupComparison:
        """Compare groups of rows: rates, accuracy, error rates, mean probability, the group
        feature's mean contribution, and the fairness gaps, with bootstrap intervals.

        ``by``: a feature; a categorical one gives a group per category, a numeric one two groups
        split at ``split`` (default: its median). ``groups``: instead, a list of filter lists
        (``[{"feature", "cmp", "value"}]``) or of ``{"name", "filters"}``. ``within``: filters all
        groups share. ``positive``: the favourable class (default ``positive_class``).

        >>> from explainer_nlg import Explainer
        >>> ex = Explainer.demo("loan")
        >>> gc = ex.compare(by="Records")
        >>> [g.name for g in gc.groups], gc.protected
        (['Records = no', 'Records = yes'], False)
        >>> gap = gc.gaps["demographic_parity_difference"]
        >>> round(gap["value"], 3) == round(gc.groups[0].positive_rate - gc.groups[1].positive_rate, 3)
        True
        >>> gap["exceeds_uncertainty"]
        True
        """
        from .attribution.group_comparison import compare_groups
        from .attribution.row_filters import describe

        att = self._tabular()
        pos = self._class_index(positive, self.positive_class)
        feature = by
        if by is not None:
            pairs = self.groups_by(by, split)
        elif groups:
            pairs = []
            for g in groups:
                filters = list(g.get("filters") or []) if isinstance(g, dict) else list(g)
                name = g.get("name") if isinstance(g, dict) and g.get("name") else describe(filters)
                pairs.append((name, filters))
            named = {f.get("feature") for _, fs in pairs for f in fs}
            feature = next(iter(named)) if len(named) == 1 else None
        else:
            raise ExplainerInputError("Say which groups to compare: by a feature (by=\"Marital\") or as filters.")
        from .attribution.row_filters import select

        base = select(att.data, within)
        for name, filters in pairs:
            if not (select(att.data, filters) & base).any():
                raise ExplainerInputError(f"No rows match the group {name}" +
                                          (f" where {describe(within)}" if within else "") + ".")
        if feature is not None and feature not in att.predictor.features:
            feature = None
        return self._named(compare_groups(att, pairs, pos, labels=self.labels(), feature=feature, within=within,
                              resamples=resamples, protected=feature in self.protected))

    def groups_by(self, by: str, split: float | None = None) -> list[tuple[str, list[dict]]]:
        """The groups ``compare(by=...)`` makes: (name, filters) per category, or for a number the
        rows at or below ``split`` (default its median) and the rest.

        >>> from explainer_nlg import Explainer
        >>> [name for name, _ in Explainer.demo("loan").groups_by("Home")][:2]
        ['Home = ignore', 'Home = other']
        """
        from .attribution.feature_effect import check_feature

        att = self._tabular()
        kind, values = check_feature(att, by, one_value=": there are no groups to compare.")
        if kind == "numeric":
            at = float(values.median()) if split is None else float(split)
            at = int(at) if at.is_integer() else at
            return [(f"{by} <= {at}", [{"feature": by, "cmp": "<=", "value": at}]),
                    (f"{by} > {at}", [{"feature": by, "cmp": ">", "value": at}])]
        cats = [c for c in att.schema.categorical[by] if (values.astype(str) == c).any()]
        return [(f"{by} = {c}", [{"feature": by, "cmp": "==", "value": c}]) for c in cats]

    def cohort(self, filters: list[dict] | None = None, positive: Any = None) -> GroupComparison:
        """Cohort likelihood ("how likely are people over 60 to be approved?"): one group's size,
        share predicted ``positive`` and mean predicted probability, with bootstrap intervals.

        >>> from explainer_nlg import Explainer
        >>> ex = Explainer.demo("loan")
        >>> g = ex.cohort([{"feature": "Age", "cmp": ">", "value": 60}]).groups[0]
        >>> g.name, g.size, round(g.positive_rate, 3)
        ('Age > 60', 106, 0.849)
        """
        from .attribution.row_filters import describe

        return self.compare(groups=[{"name": describe(filters), "filters": list(filters or [])}],
                            positive=positive)

    # ---- similar cases ------------------------------------------------------------------------

    def similar(self, x: Any, k: int = 5) -> SimilarCases:
        """The ``k`` labelled rows most like ``x`` (a row id or row), with the model's predictions
        for them, their true outcomes and how many the model got right. The first call builds
        the index (feature weights from mean |Shapley value|); later calls take milliseconds.

        >>> from explainer_nlg import Explainer
        >>> ex = Explainer.demo("loan")
        >>> sc = ex.similar(17, k=5)
        >>> len(sc.neighbours), sc.neighbours[0].distance <= sc.neighbours[-1].distance, 17 in [n.row_id for n in sc.neighbours]
        (5, True, False)
        """
        from .attribution.similar_cases import SimilarCaseIndex

        att = self._tabular()
        with _LOCK:
            index = getattr(self, "_similar_index", None)
        if index is None:
            index = SimilarCaseIndex(att, self.labels())
            with _LOCK:
                self._similar_index = index
        return self._named(index.query(x, k))

    # ---- two rows --------------------------------------------------------------------------------

    def contrast(self, x: Any, reference: Any, target: Any = None, budget: int | None = None):
        """Evidence for ``x`` measured against another row, ``reference`` ("why did 3 get bad but
        7 good?"): its contributions share out the gap between the two predictions (toward
        ``target``, default ``x``'s predicted class); ``base_value`` is the reference's output, a
        feature with the same value in both rows contributes exactly 0, and
        ``extra["reference"]`` holds the other row. Narrate it with ``focus="contrast"``.

        >>> from explainer_nlg import Explainer
        >>> ex = Explainer.demo("loan")
        >>> ev = ex.contrast(17, 3)
        >>> ev.extra["reference"]["row_id"], round(ev.base_value, 3) == round(ex.explain(3, ev.target_label).prediction, 3)
        (3, True)
        >>> round(sum(a.contribution for a in ev.attributions), 6) == round(ev.prediction - ev.base_value, 6)
        True
        """
        if isinstance(x, (int, str)) and isinstance(reference, (int, str)) and str(x) == str(reference):
            raise ExplainerInputError(f"Both rows are {x}: name two different rows to compare.")
        return self._tabular().explain_against(x, reference, target, budget)

    # ---- rules ----------------------------------------------------------------------------------

    def decision_path(self, x: Any) -> RuleEvidence:
        """The path of ``x`` through the model's tree (a single tree or at most 10 trees), as
        conditions; other models get an ExplainerInputError that says so and offers the local rule.

        >>> from explainer_nlg import Explainer
        >>> Explainer.demo("loan").decision_path(17)
        Traceback (most recent call last):
        ...
        explainer_nlg.errors.ExplainerInputError: The model is a boosted ensemble of 200 trees (HistGradientBoostingClassifier): no single path through one tree is the rule it followed. Ask for the local rule instead (conditions on this input's values, with how often they hold).
        """
        from .attribution.decision_path import decision_path

        return self._named(decision_path(self._tabular(), x))

    def local_rule(self, x: Any) -> RuleEvidence:
        """A short rule on ``x``'s own values (anchor-style greedy search) with its precision and
        coverage counted over the data's rows; under 90% precision it is not "the rule".

        >>> from explainer_nlg import Explainer
        >>> r = Explainer.demo("loan").local_rule(17)
        >>> r.prediction, r.is_rule, len(r.conditions) <= 4
        ('good', True, True)
        """
        from .attribution.local_rule import local_rule

        return self._named(local_rule(self._tabular(), x))

    def surrogate(self, x: Any = None, max_depth: int = 4) -> RuleEvidence:
        """A decision tree of depth at most ``max_depth`` (<= 4) imitating the model, with its
        fidelity on held-out rows; with ``x``, the leaf ``x`` falls in (fitted once, then cached).

        >>> from explainer_nlg import Explainer
        >>> r = Explainer.demo("loan").surrogate()
        >>> r.depth <= 4, r.fidelity > 0.7, r.fidelity_rows
        (True, True, 1114)
        """
        from .attribution.surrogate_tree import SurrogateTree

        att = self._tabular()
        with _LOCK:
            cache = self.__dict__.setdefault("_surrogates", {})
            tree = cache.get(max_depth)
        if tree is None:
            tree = SurrogateTree(att, max_depth)
            with _LOCK:
                cache[max_depth] = tree
        return self._named(tree.rule(x))
