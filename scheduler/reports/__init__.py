"""What a planner reads: plots (plots.py), the HTML report (html.py), HR exports (hr_export.py), and the
output folders of evaluate, plan and whatif (folders.py)."""
