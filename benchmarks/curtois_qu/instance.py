"""The Curtois & Qu shift-scheduling benchmark (Instance1..24): the instance, its parser, solutions and checker.

The format and the rules are those of Curtois & Qu, "Computational results on new staff scheduling
benchmark instances" (2014), as their instance files give them: sections SECTION_HORIZON, SECTION_SHIFTS,
SECTION_STAFF, SECTION_DAYS_OFF, SECTION_SHIFT_ON_REQUESTS, SECTION_SHIFT_OFF_REQUESTS and SECTION_COVER;
day 0 is a Monday. The checker here recomputes every hard rule and the objective from the assignments alone
(no solver, no model code), as the second source of truth.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from staffcast.errors import DataError

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
SOLUTION_COLUMNS = ["employee", "day", "shift"]


@dataclass(frozen=True)
class ShiftType:
    """A shift type: its id, length and the shift types that may not follow it on the next day."""

    shift_id: str
    length_minutes: int
    forbidden_next: tuple[str, ...]


@dataclass(frozen=True)
class Employee:
    """One employee's contract limits (see the README's SECTION_STAFF). `agent_id` names it for the engine's rules."""

    agent_id: str
    max_shifts: dict[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class ShiftRequest:
    """An employee's wish to work (on) or not to work (off) a shift on a day, with its weight."""

    employee: str
    day: int
    shift_id: str
    weight: int


@dataclass(frozen=True)
class CoverRow:
    """The preferred number of employees on a shift on a day, with the weights of each missing / extra one."""

    day: int
    shift_id: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass
class CurtoisInstance:
    """One benchmark instance."""

    name: str
    days: int
    shifts: list[ShiftType]
    employees: list[Employee]
    days_off: dict[str, frozenset[int]] = field(default_factory=dict)
    on_requests: list[ShiftRequest] = field(default_factory=list)
    off_requests: list[ShiftRequest] = field(default_factory=list)
    cover: list[CoverRow] = field(default_factory=list)

    def shift(self, shift_id: str) -> ShiftType:
        """The shift type with this id."""
        return {s.shift_id: s for s in self.shifts}[shift_id]

    def weekends(self) -> list[tuple[int, int]]:
        """(Saturday, Sunday) day indices of every week (day 0 is a Monday)."""
        return [(7 * w + 5, 7 * w + 6) for w in range(self.days // 7)]


# --- parsing -------------------------------------------------------------------------------------
class _Lines:
    """The data lines of one section, each with its line number, for error messages."""

    def __init__(self, source: str, section: str, rows: list[tuple[int, list[str]]]) -> None:
        self.source, self.section, self.rows = source, section, rows

    def error(self, number: int, message: str) -> DataError:
        return DataError(f"{self.source}, line {number} ({self.section}): {message}")

    def integer(self, number: int, text: str, what: str, minimum: int = 0) -> int:
        try:
            value = int(text)
        except ValueError:
            raise self.error(number, f"{what} '{text}' is not a whole number; write an integer.") from None
        if value < minimum:
            raise self.error(number, f"{what} {value} is below {minimum}; fix the value.")
        return value


def _sections(text: str, source: str) -> dict[str, _Lines]:
    """Split the file into its sections (comments and blank lines dropped, '\\r' stripped)."""
    found: dict[str, list[tuple[int, list[str]]]] = {}
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().rstrip("\r")
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise DataError(f"{source}, line {number}: unknown section '{line}'; expected one of {', '.join(SECTIONS)}.")
            if line in found:
                raise DataError(f"{source}, line {number}: section {line} appears twice; keep one.")
            current = line
            found[current] = []
            continue
        if current is None:
            raise DataError(f"{source}, line {number}: data before the first section; start the file with SECTION_HORIZON.")
        found[current].append((number, [cell.strip() for cell in line.split(",")]))
    for name in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER"):
        if name not in found:
            raise DataError(f"{source}: section {name} is missing; every instance needs it.")
    return {name: _Lines(source, name, found.get(name, [])) for name in SECTIONS}


def _horizon(lines: _Lines) -> int:
    if len(lines.rows) != 1 or len(lines.rows[0][1]) != 1:
        raise DataError(f"{lines.source}: SECTION_HORIZON must hold exactly one number, the days of the horizon.")
    number, (text,) = lines.rows[0]
    days = lines.integer(number, text, "horizon", minimum=1)
    if days % 7:
        raise lines.error(number, f"horizon {days} days is not a whole number of weeks; the benchmark plans whole weeks.")
    return days


def _shifts(lines: _Lines) -> list[ShiftType]:
    shifts = []
    for number, cells in lines.rows:
        if len(cells) != 3:
            raise lines.error(number, f"expected 'ShiftID, LengthInMinutes, ForbiddenNext' (3 fields), got {len(cells)}.")
        forbidden = tuple(item for item in cells[2].split("|") if item)
        shifts.append(ShiftType(cells[0], lines.integer(number, cells[1], "shift length", minimum=1), forbidden))
    ids = [s.shift_id for s in shifts]
    for number, cells in lines.rows:
        for item in (i for i in cells[2].split("|") if i):
            if item not in ids:
                raise lines.error(number, f"forbidden next shift '{item}' is not a shift type; use one of {', '.join(ids)}.")
    if len(set(ids)) != len(ids):
        raise DataError(f"{lines.source}: SECTION_SHIFTS lists a shift id twice; ids must be unique.")
    return shifts


def _staff(lines: _Lines, shift_ids: list[str]) -> list[Employee]:
    employees = []
    for number, cells in lines.rows:
        if len(cells) != 8:
            raise lines.error(
                number,
                f"expected 8 fields (ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, "
                f"MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends), got {len(cells)}.",
            )
        max_shifts = dict.fromkeys(shift_ids, 0)
        for pair in (p for p in cells[1].split("|") if p):
            shift_id, _, count = pair.partition("=")
            if shift_id not in max_shifts:
                raise lines.error(number, f"MaxShifts names shift '{shift_id}', which is not a shift type.")
            max_shifts[shift_id] = lines.integer(number, count, f"MaxShifts of {shift_id}")
        values = [
            lines.integer(number, text, what)
            for text, what in zip(
                cells[2:],
                ("MaxTotalMinutes", "MinTotalMinutes", "MaxConsecutiveShifts", "MinConsecutiveShifts", "MinConsecutiveDaysOff", "MaxWeekends"),
            )
        ]
        employees.append(Employee(cells[0], max_shifts, *values))
    ids = [e.agent_id for e in employees]
    if len(set(ids)) != len(ids):
        raise DataError(f"{lines.source}: SECTION_STAFF lists an employee id twice; ids must be unique.")
    return employees


def _check_reference(
    lines: _Lines,
    number: int,
    days: int,
    day: int,
    employee: str | None,
    employees: set[str],
    shift_id: str | None = None,
    shift_ids: set[str] | None = None,
) -> None:
    if employee is not None and employee not in employees:
        raise lines.error(number, f"employee '{employee}' is not in SECTION_STAFF.")
    if not 0 <= day < days:
        raise lines.error(number, f"day {day} is outside the horizon 0..{days - 1}.")
    if shift_id is not None and shift_id not in shift_ids:
        raise lines.error(number, f"shift '{shift_id}' is not a shift type.")


def parse_instance(text: str, source: str = "instance") -> CurtoisInstance:
    """Parse the text of a Curtois & Qu instance file.

    Raises:
        DataError: naming the file, line and section of anything malformed or inconsistent.
    """
    sections = _sections(text, source)
    days = _horizon(sections["SECTION_HORIZON"])
    shifts = _shifts(sections["SECTION_SHIFTS"])
    shift_ids = [s.shift_id for s in shifts]
    employees = _staff(sections["SECTION_STAFF"], shift_ids)
    known = {e.agent_id for e in employees}
    days_off: dict[str, set[int]] = defaultdict(set)
    lines = sections["SECTION_DAYS_OFF"]
    for number, cells in lines.rows:
        for text_day in cells[1:]:
            day = lines.integer(number, text_day, "day")
            _check_reference(lines, number, days, day, cells[0], known)
            days_off[cells[0]].add(day)
    requests = {}
    for name in ("SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS"):
        lines, rows = sections[name], []
        for number, cells in lines.rows:
            if len(cells) != 4:
                raise lines.error(number, f"expected 'EmployeeID, Day, ShiftID, Weight' (4 fields), got {len(cells)}.")
            day, weight = lines.integer(number, cells[1], "day"), lines.integer(number, cells[3], "weight")
            _check_reference(lines, number, days, day, cells[0], known, cells[2], set(shift_ids))
            rows.append(ShiftRequest(cells[0], day, cells[2], weight))
        requests[name] = rows
    lines, cover, seen = sections["SECTION_COVER"], [], set()
    for number, cells in lines.rows:
        if len(cells) != 5:
            raise lines.error(number, f"expected 'Day, ShiftID, Requirement, WeightUnder, WeightOver' (5 fields), got {len(cells)}.")
        day = lines.integer(number, cells[0], "day")
        _check_reference(lines, number, days, day, None, known, cells[1], set(shift_ids))
        if (day, cells[1]) in seen:
            raise lines.error(number, f"a second cover row for day {day}, shift {cells[1]}; keep one.")
        seen.add((day, cells[1]))
        cover.append(
            CoverRow(day, cells[1], *(lines.integer(number, c, w) for c, w in zip(cells[2:], ("requirement", "weight under", "weight over"))))
        )
    return CurtoisInstance(
        name=Path(source).stem,
        days=days,
        shifts=shifts,
        employees=employees,
        days_off={e: frozenset(d) for e, d in days_off.items()},
        on_requests=requests["SECTION_SHIFT_ON_REQUESTS"],
        off_requests=requests["SECTION_SHIFT_OFF_REQUESTS"],
        cover=cover,
    )


def read_instance(path: Path | str) -> CurtoisInstance:
    """Read and parse an instance file.

    Raises:
        DataError: when the file is missing or malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such instance file; give the path of an InstanceN.txt.")
    return parse_instance(path.read_text(encoding="utf-8"), str(path))


# --- solutions -----------------------------------------------------------------------------------
Assignments = dict[tuple[str, int], str]
"""(employee id, day) -> shift id, for the days the employee works."""


def solution_frame(assignments: Assignments) -> pd.DataFrame:
    """The solution CSV frame: one row per assignment, columns employee, day, shift, sorted."""
    rows = sorted((e, d, s) for (e, d), s in assignments.items())
    return pd.DataFrame(rows, columns=SOLUTION_COLUMNS).astype({"employee": str, "day": int, "shift": str})


def read_solution(path: Path | str, instance: CurtoisInstance) -> Assignments:
    """Read a solution CSV (employee, day, shift) into assignments.

    Raises:
        DataError: on a missing file or column, an unknown employee or shift, a day outside the horizon, or two
            rows for one employee and day.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such solution file.")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in SOLUTION_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: column(s) {', '.join(missing)} missing; the header must be employee,day,shift.")
    employees, shifts = {e.agent_id for e in instance.employees}, {s.shift_id for s in instance.shifts}
    assignments: Assignments = {}
    for row_number, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{path}, row {row_number}"
        if row.employee not in employees:
            raise DataError(f"{where}: employee '{row.employee}' is not in the instance.")
        if row.shift not in shifts:
            raise DataError(f"{where}: shift '{row.shift}' is not a shift type of the instance.")
        if not row.day.isdigit() or int(row.day) >= instance.days:
            raise DataError(f"{where}: day '{row.day}' is not a day index 0..{instance.days - 1}.")
        key = (row.employee, int(row.day))
        if key in assignments:
            raise DataError(f"{where}: employee {key[0]} has a second shift on day {key[1]}; one shift per day.")
        assignments[key] = row.shift
    return assignments


# --- the independent checker ---------------------------------------------------------------------
@dataclass
class CurtoisCheck:
    """Hard-rule violations (texts prefixed with the rule name) and the objective's parts."""

    violations: list[str] = field(default_factory=list)
    penalties: dict[str, int] = field(default_factory=dict)

    @property
    def objective(self) -> int:
        """The sum of the soft penalties."""
        return sum(self.penalties.values())

    @property
    def ok(self) -> bool:
        """True without hard-rule violations."""
        return not self.violations


def _runs(worked: list[bool], value: bool) -> list[tuple[int, int]]:
    """(first, last) days of each maximal run of `value` in `worked`."""
    runs, first = [], None
    for day, flag in enumerate(worked + [not value]):
        if flag == value and first is None:
            first = day
        elif flag != value and first is not None:
            runs.append((first, day - 1))
            first = None
    return runs


def check_solution(instance: CurtoisInstance, assignments: Assignments) -> CurtoisCheck:
    """Recompute every hard rule and the objective of the README from the assignments alone."""
    report = CurtoisCheck()
    bad = report.violations.append
    shifts = {s.shift_id: s for s in instance.shifts}
    last = instance.days - 1
    for employee in instance.employees:
        e = employee.agent_id
        plan = [assignments.get((e, d)) for d in range(instance.days)]
        worked = [s is not None for s in plan]
        for d, s in enumerate(plan):
            if s is not None and s not in shifts:
                bad(f"shift_types: {e} works unknown shift '{s}' on day {d}")
        for d in range(last):
            if plan[d] in shifts and plan[d + 1] in shifts[plan[d]].forbidden_next:
                bad(f"forbidden_successions: {e} works {plan[d]} on day {d} then {plan[d + 1]} on day {d + 1}")
        for s, limit in employee.max_shifts.items():
            count = plan.count(s)
            if count > limit:
                bad(f"max_shifts_per_type: {e} works {s} {count} times, more than {limit}")
        minutes = sum(shifts[s].length_minutes for s in plan if s in shifts)
        if not employee.min_total_minutes <= minutes <= employee.max_total_minutes:
            bad(f"total_minutes_within_bounds: {e} works {minutes} min, outside [{employee.min_total_minutes}, {employee.max_total_minutes}]")
        for first, end in _runs(worked, True):
            length = end - first + 1
            if length > employee.max_consecutive_shifts:
                bad(f"max_consecutive_shifts: {e} works {length} days in a row from day {first}, more than {employee.max_consecutive_shifts}")
            if first > 0 and end < last and length < employee.min_consecutive_shifts:
                bad(f"min_consecutive_shifts: {e} works only {length} day(s) in a row from day {first}, fewer than {employee.min_consecutive_shifts}")
        for first, end in _runs(worked, False):
            length = end - first + 1
            if first > 0 and end < last and length < employee.min_consecutive_days_off:
                bad(
                    f"min_consecutive_days_off: {e} has only {length} day(s) off in a row from day {first}, fewer than "
                    f"{employee.min_consecutive_days_off}"
                )
        weekends = sum(worked[sat] or worked[sun] for sat, sun in instance.weekends())
        if weekends > employee.max_weekends:
            bad(f"max_weekends: {e} works {weekends} weekends, more than {employee.max_weekends}")
        for d in sorted(instance.days_off.get(e, ())):
            if worked[d]:
                bad(f"fixed_days_off: {e} works on day {d}, a fixed day off")
    employees = {e.agent_id for e in instance.employees}
    for e, d in assignments:
        if e not in employees or not 0 <= d < instance.days:
            bad(f"assignments: ({e}, day {d}) is not an employee and day of the instance")
    report.penalties["shift_on_requests"] = sum(r.weight for r in instance.on_requests if assignments.get((r.employee, r.day)) != r.shift_id)
    report.penalties["shift_off_requests"] = sum(r.weight for r in instance.off_requests if assignments.get((r.employee, r.day)) == r.shift_id)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for (_, d), s in assignments.items():
        counts[d, s] += 1
    cover = 0
    for row in instance.cover:
        x = counts.get((row.day, row.shift_id), 0)
        cover += row.weight_under * max(0, row.requirement - x) + row.weight_over * max(0, x - row.requirement)
    report.penalties["cover"] = cover
    return report
