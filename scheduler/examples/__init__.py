"""Built-in example centers (a Tmall-style flagship store, an express-delivery service center).

`center_path(name)` gives a center.yaml ready for `scheduler.load_center`, writing the seeded
history.csv first when it is missing; `generate_history(name)` returns that history with the
noise-free `expected_contacts` for benchmarks.
"""

from scheduler.examples.centers import CENTER_NAMES, center_path, generate_history, write_history

__all__ = ["CENTER_NAMES", "center_path", "generate_history", "write_history"]
