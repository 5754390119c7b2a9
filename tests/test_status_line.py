"""Progress a person can read: one live line on a terminal, plain lines in a log; bounds that mean something."""

from __future__ import annotations

import io

from scheduler.roster.progress import RosterProgress, format_progress, format_summary
from staffcast.status_line import StatusLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_each_message_replaces_the_line_and_warnings_keep_their_own():
    screen = Terminal()
    say = StatusLine(screen)
    say("queue sales_chat (1/3): fitting")
    say("queue service_voice (2/3): fitting")
    say("warning: queue x: only 10 days of history")
    say("roster cp-sat  3.0 s")
    say.close()
    text = screen.getvalue()
    assert text.count("\r\x1b[K") == 3 and "(2/3)" in text
    assert "\nwarning: queue x" in text and text.endswith("roster cp-sat  3.0 s\n")
    assert text.count("\n") == 3  # the line the warning ended, the warning, the last progress line


def test_in_a_log_every_message_is_a_plain_line():
    log = io.StringIO()
    say = StatusLine(log)
    say("queue sales_chat (1/3): fitting")
    say("roster best response pass 1")
    say.close()
    assert log.getvalue() == "queue sales_chat (1/3): fitting\nroster best response pass 1\n"


def test_no_bound_is_said_as_such_and_a_real_one_with_its_gap():
    searching = RosterProgress("best response", 12.0, 1000.0, None, None, 45.5, passes=2)
    zero = RosterProgress("cp-sat", 30.0, 900.0, 0.0, 1.0, 40.0)
    proven = RosterProgress("cp-sat", 31.0, 900.0, 855.0, 0.05, 40.0)
    assert "no bound yet" in format_progress(searching) and "pass 2" in format_progress(searching)
    assert "no bound yet" in format_progress(zero) and "bound 0.0" not in format_progress(zero)
    assert "bound 855.0  gap 5.0%" in format_progress(proven)
    summary = {
        "status": "FEASIBLE",
        "shifts": 3,
        "agents": 2,
        "paid_hours": 24.0,
        "solve_seconds": 1.0,
        "understaffed_agent_hours": 1.0,
        "overstaffed_agent_hours": 0.0,
        "objective": 900.0,
        "bound": 0.0,
        "gap": None,
        "checker_objective": 900.0,
        "violations": 0,
        "penalties": {},
        "interrupted": True,
    }
    lines = format_summary(summary)
    assert any("no bound yet" in line for line in lines) and any("interrupted (Ctrl-C)" in line for line in lines)
