"""Evidence makers, split as shap splits them: a file name says which part it is.

- **games** say what "missing" means for a player: ``game.py`` (the Game interface, a cache),
  ``tabular_game.py`` (a feature takes background rows' values), ``text_game.py`` (a word is
  deleted), ``region_game.py`` (a 3x3 grid cell is blurred);
- **estimators** compute Shapley values of any game: ``shapley_estimators.py`` (exact
  enumeration, the paired stratified kernel estimator, and ``shapley_values``, which picks one);
  of the tabular game only: ``tabular_estimators.py`` (Tree SHAP, exact per-reference enumeration),
  ``boosted_tree_shapley.py`` (exact for histogram boosting in probability units, by walking its trees),
  ``tabular_sampled_estimators.py`` (permutation sampling of many rows in one batched call);
- **attributors** put a game and an estimator together for one kind of input and return Evidence:
  ``attributor.py`` (the shared flow), ``tabular_attributor.py``, ``text_attributor.py``,
  ``image_attributor.py`` (also Grad-CAM, from ``grad_cam.py`` and ``heatmap_*.py``). Each also
  searches its own counterfactuals (``counterfactual_tabular.py``, ``counterfactual_text.py``);
- around them: ``what_if.py``, ``cohort_shapley.py`` (a group of rows), ``faithfulness.py``,
  ``uncertainty.py`` (which neighbours the estimate cannot order);
- views of the data rather than one prediction (issue 12): ``feature_effect.py`` (partial
  dependence, ICE, SHAP dependence), ``group_comparison.py`` (rates, fairness gaps, bootstrap),
  ``similar_cases.py``, and the rules: ``decision_path.py``, ``local_rule.py`` (anchors-style),
  ``surrogate_tree.py``, sharing ``rule_conditions.py``; ``row_filters.py`` selects rows.
"""
