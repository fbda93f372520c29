"""Per-mu efficiency evaluation (亩产效益综合评价).

`engine`, `method`, `inputs` and `explain` are pure (Polars, no Django) so an analyst can
run them from the command line: `gaoxin evaluate INPUT --method FILE --out OUT`.
"""
