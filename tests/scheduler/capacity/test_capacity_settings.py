"""The capacity section: validation at load time, what-if overrides, skills and lead times vs the horizon."""

from __future__ import annotations

import pytest
from capacity_worlds import write_center

from scheduler import ConfigError, load_center
from scheduler.capacity import capacity_settings


def test_negative_attrition_is_rejected_at_load_with_the_field_and_line(tmp_path):
    path = write_center(tmp_path, {"attrition_rate_per_week": -0.01})
    with pytest.raises(ConfigError, match=r"line \d+, capacity\.attrition_rate_per_week: .*greater than or equal to 0"):
        load_center(path)


def test_unknown_skill_names_the_field_and_the_known_skills(tmp_path):
    center = load_center(write_center(tmp_path, {"hiring": {"profiles": [{"skill": "vip"}]}}))
    with pytest.raises(ConfigError, match=r"capacity\.hiring\.profiles\[0\]\.skill: unknown skill 'vip'.*presales, aftersales, complaints"):
        capacity_settings(center, 52)


def test_unknown_temp_skill_is_rejected(tmp_path):
    pool = {"id": "agency", "skills": ["presales", "french"], "hourly_cost": 50, "max_agents_per_week": 5}
    center = load_center(write_center(tmp_path, {"temps": [pool]}))
    with pytest.raises(ConfigError, match=r"capacity\.temps\[0\]\.skills: unknown skill 'french'"):
        capacity_settings(center, 52)


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ({"hiring": {"lead_weeks": 8}}, r"capacity\.hiring\.lead_weeks is 8 weeks"),
        (
            {"temps": [{"id": "a", "skills": ["presales"], "hourly_cost": 50, "max_agents_per_week": 5, "lead_weeks": 9}]},
            r"capacity\.temps\[0\]\.lead_weeks is 9",
        ),
        ({"cross_training": [{"skill": "complaints", "seats_per_week": 2, "course_weeks": 8}]}, r"capacity\.cross_training\[0\]\.course_weeks is 8"),
    ],
)
def test_lead_time_not_shorter_than_the_horizon_is_rejected(tmp_path, section, field):
    center = load_center(write_center(tmp_path, section))
    with pytest.raises(ConfigError, match=field + r".*8-week horizon"):
        capacity_settings(center, 8)


def test_overrides_change_fields_and_are_validated(tmp_path):
    center = load_center(write_center(tmp_path, {"attrition_rate_per_week": 0.005}))
    settings = capacity_settings(center, 52, {"attrition_rate_per_week": 0.02, "hiring.lead_weeks": 6, "growth_rate_per_year": 0.1})
    assert (settings.attrition_rate_per_week, settings.hiring.lead_weeks, settings.growth_rate_per_year) == (0.02, 6, 0.1)
    with pytest.raises(ConfigError, match=r"capacity\.attrition_rate_per_week: .*greater than or equal to 0"):
        capacity_settings(center, 52, {"attrition_rate_per_week": -0.1})
    with pytest.raises(ConfigError, match=r"override 'capacity\.hiring\.lead_time': no field 'lead_time'.*lead_weeks"):
        capacity_settings(center, 52, {"hiring.lead_time": 3})
    with pytest.raises(ConfigError, match=r"hiring\.lead_weeks is 60 weeks"):
        capacity_settings(center, 52, {"hiring.lead_weeks": 60})


def test_without_a_section_every_skill_can_be_hired_with_defaults(tiny_center):
    settings = capacity_settings(tiny_center, 52)
    assert [p.skill for p in settings.hiring.profiles] == ["presales", "aftersales", "complaints"]
    assert settings.temps == [] and settings.cross_training == []
