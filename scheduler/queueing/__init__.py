"""Queueing math: Erlang C (erlang_c.py), exact Erlang A with abandonment (erlang_a.py), deferred work with
deadlines (deferred.py)."""
