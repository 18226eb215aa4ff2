"""Batch explanations from the command line: ``explainer-nlg batch --model loan --data rows.csv
--out evidence.parquet`` (files and the journal: ``files.py``; model, Dask, resume: ``run.py``;
the command: ``cli.py``). The work itself is ``Explainer.explain_many`` (``explainer_batch.py``).
"""
