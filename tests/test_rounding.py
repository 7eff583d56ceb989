"""Numbers are rounded as publishers round them (a half away from zero, on the value's decimal text) and written
with the decimals the publisher wrote; coded values are written by their labels. SYNTHETIC data, except the
`realdata` tests on the release built from ../shared/data."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboards import _components as c
from dashboards import _figures, _pillars, _reason
from etl import progress as pg
from tests import factories
from tests.conftest import texts
from warehouse import progress_text as words
from web import i18n


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_displayed_numbers_round_a_half_away_from_zero_in_every_language(app):
    shown = {}
    for lang in ("en", "fr", "es"):
        with app.server.test_request_context(f"/?lang={lang}"):
            shown[lang] = [
                i18n.decimal(2.25, 1),  # an exact binary half: half-to-even wrote 2.2
                i18n.decimal(0.15, 1),  # 0.1499… in binary: the published text is 0.15
                c.format_value(22.95, "percent"),  # Tanzania's child labour rate (ILO, 2014)
                c.format_value(1_250_000, "count"),
                _figures.short(2.345),
            ]
    assert shown["en"] == ["2.3", "0.2", "23.0%", "1.3 million", "2.35"]
    for lang in ("fr", "es"):
        assert [_plain(s).split(" m")[0] for s in shown[lang]] == ["2,3", "0,2", "23,0 %", "1,3", "2,35"]


def test_progress_wording_rounds_a_half_away_from_zero_in_every_language(app):
    assert words.format_value(16.95, "percent") == "17.0%"  # Benin, ILOSTAT 2022
    assert words.format_value(41.25, "score") == "41.3 score"
    assert words.format_count(1_250_000) == "1.3 million"
    assert words.rounded_count(125_000) == "about 130,000"
    with app.server.test_request_context("/?lang=fr"):
        french = _reason.phrasing()
        assert _plain(words.format_value(16.95, "percent", french)) == "17,0 %"
        assert words.format_value(41.25, "score", french) == "41,3 score"
        assert words.format_count(1_250_000, french) == "1,3 million"


def _published(values, precision: float) -> pd.DataFrame:
    rows = [{"indicator": "x", "iso3": "AAA", "year": year, "value": value, "unit": "percent", "precision": precision}
            for year, value in values]  # fmt: skip
    return factories.observations(rows)


def test_the_progress_reason_keeps_the_decimal_the_publisher_wrote(app):
    table = pd.DataFrame([factories.indicator("x", unit="percent", target_value=0, target_year=2025)])
    row = pg.compute_progress(_published([(2016, 5.0), (2022, 4.0)], 0.1), table, as_of=2026).iloc[0].to_dict()
    assert (row["baseline_precision"], row["latest_precision"]) == (0.1, 0.1)
    assert row["reason"].startswith(
        "Target year 2025 passed: the latest value is 4.0% (2022). Falling 0.17 percentage points a year (2016–2022)."
    )  # "4.0", as published, and a pace one decimal finer than the values
    with app.server.test_request_context("/?lang=fr"):
        french = words.reason(_reason.plain(row), words.Goal(0.0, 2025, "percent"), 2026, _reason.phrasing())
    assert "4,0 %" in _plain(french)
    whole = pg.compute_progress(_published([(2016, 7.0), (2022, 4.0)], 1.0), table, as_of=2026).iloc[0]
    assert "the latest value is 4% (2022). Falling 0.5 percentage points a year" in whole["reason"]


def test_the_progress_reason_writes_a_level_without_a_publishers_step_at_the_indicators_decimals(app):
    table = pd.DataFrame([factories.indicator("x", unit="per-1000", target_value=0, target_year=2025, decimals=2)])
    values = _published([(2016, 6.125), (2022, 5.375)], float("nan")).assign(unit="per-1000")
    row = pg.compute_progress(values, table, as_of=2026).iloc[0]
    assert row["reason"].startswith(  # one decimal wrote 5.4 beside a card's 5.38, and a pace of 0.13
        "Target year 2025 passed: the latest value is 5.38 per 1,000 (2022). Falling 0.125 per 1,000 a year"
    )
    with app.server.test_request_context("/?lang=es"):
        spanish = words.reason(_reason.plain(row), pg.targets(table)["x"], 2026, _reason.phrasing())
    assert "5,38 por 1000 (2022)" in spanish


def test_the_country_trend_table_writes_values_with_the_indicators_decimals(synthetic_release, app):
    with app.server.test_request_context("/"):
        release = _pillars._data.release()
        country = _pillars.load(release, "KEN", _pillars._data.country_meta(release, "KEN"))
        country.indicators = country.indicators.assign(decimals=0)  # as if indicators.yaml said `decimals: 0`
        block = texts(_pillars.trend_block(country, _pillars.pillar_codes(country, "child-labour"), "child-labour"))
    assert "ages 5–17 2012 22%" in block and "22.4" not in block  # the table wrote 22.4% whatever the decimals


@pytest.mark.realdata
def test_a_tip_tier_is_written_by_the_name_the_report_gives_it(real_warehouse, real_release, app):
    from dashboards import indicator  # noqa: PLC0415 - registered by create_app

    obs = real_warehouse.observations(real_release)
    tiers = obs[obs["indicator"] == "tip_tier"]
    assert len(tiers) and tiers["precision"].isna().all()  # a tier is a label: no rounding step (was 1 for "2.5")
    with app.server.test_request_context("/"):
        table, *_ = indicator.update_indicator_content("table", "latest", [], "total", "", False, "tip_tier")
        chart, *_ = indicator.update_indicator_content("chart", "latest", ["UZB"], "total", "", False,
                                                       "tip_tier")  # fmt: skip
    shown = texts(table)
    assert "Tier 2 Watch List" in shown and " 2.5 " not in shown and "category" not in shown
    assert "Uzbekistan: Tier 3 in 2003, Tier 2 Watch List in 2015" in texts(chart)
