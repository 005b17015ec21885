"""Publication dates inferred from a report's own words."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.dates import infer_published

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize("text,expected", [
    ("2023年以来，……元旦过后，……1月9日，气温已零下30摄氏度。", "2024-01-09"),
    ("2023年以来……1月9日……", "2024-01-09"),          # January: the year after "以来"
    ("2022年以来……10月12日，全旗召开会议。", "2022-10-12"),  # late in the year: the same year
    ("2024年3月5日，全盟召开推进会。2023年12月1日曾部署。", "2024-03-05"),  # latest full date
    ("2030年1月1日起施行。", ""),                      # in the future: not the report's date
    ("近年来，全旗持续推进。", ""),
])
def test_infer_published(text, expected):
    assert infer_published(text, today=TODAY)[0] == expected


def test_how_is_recorded():
    date, how = infer_published("2023年以来……元旦过后……1月9日", today=TODAY)
    assert date == "2024-01-09" and "2023年以来" in how and "元旦" in how
    assert infer_published("无", today=TODAY) == ("", "none")
