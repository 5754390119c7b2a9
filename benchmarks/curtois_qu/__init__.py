"""The Curtois & Qu shift-scheduling benchmark on the roster engine: instance and checker (instance.py), model
and rules (model.py), solve (solve.py) and large-neighbourhood search (lns.py). Benchmark code: not shipped."""
