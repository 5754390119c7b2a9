"""Evaluation of a roster: analytic service, gaps, hours and cost (evaluate.py); discrete-event simulation
(simulation.py)."""
