"""Search quality evaluation: query sets, judging rules and specs, judge, variants, metrics.

``python -m eval.judge`` (judgments), ``python -m eval.run`` (quality table),
``python -m eval.tune`` (tuning on the dev set only). See eval/README.md.
"""
