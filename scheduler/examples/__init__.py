"""Built-in example centers (a Tmall-style flagship store, an express-delivery service center).

`center_path(name)` gives a center.yaml ready for `scheduler.load_center`, writing the seeded
history.csv first when it is missing; `generate_history(name)` returns that history with the
noise-free `expected_contacts` for benchmarks; `write_example(name, directory)` writes a runnable
copy of an example (its files and history.csv) into a new folder.
"""

from scheduler.examples.centers import CENTER_NAMES, center_path, generate_history, write_example, write_history

__all__ = ["CENTER_NAMES", "center_path", "generate_history", "write_example", "write_history"]
