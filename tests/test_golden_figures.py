"""Golden figures: values read in this file straight from the raw publisher files (the csv module, no ETL code)
and compared with what the pages show in headless Chromium and what the API answers, each with its year or
period, age band, survey and qualifier: 8.7.1 for nine countries on their cards, progress blocks, the home map
table, the indicator table, coverage cells and the API (two briefs too); GSI 2023 prevalence in the map table;
the world child labour and hazardous work estimates on the home and theme pages.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from selenium.webdriver.support.wait import WebDriverWait

import config

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

#: Countries whose child labour headline is checked on every page: standard and non-standard age bands
#: (ALB, ETH 5-14; PAK 10-17), a footnote (NGA), surveys spanning two years (GHA, PAK, UGA).
COUNTRIES = ("NPL", "BRA", "NGA", "ALB", "ETH", "PAK", "GHA", "UGA", "CIV")
SOWC_PERIOD = (2013, 2021)  # SOWC 2023, table 12 heading: "most recent year available during the period"


# -- the raw files, read independently of the ETL ----------------------------------------------------------------
def _raw(*parts: str) -> Path:
    return Path(config.settings().raw_dir, *parts)


def _band(code: str) -> str:
    """'Y5T14: 5 to 14 years old' -> '5–14' (the pages' spelling)."""
    low, high = code.split(":")[0].removeprefix("Y").split("T")
    return f"{low}–{high}"


def dw_child_labour() -> dict[str, dict]:
    """UNICEF Data Warehouse extract: 8.7.1 (total) per country, with survey year, age band and survey."""
    out = {}
    with _raw("sdg_child_indicators_unicef_menaro", "unicef_dw_child_indicators_extract.csv").open() as fh:
        for row in csv.DictReader(fh):
            if row["DW.indicator.code"] == "PT_CHLD_5-17_LBR_ECON-HC" and row["sex"].startswith("_T"):
                out[row["iso3"]] = {
                    "value": f"{row['obs.value']}%",  # as the file writes it: "45.0", not "45"
                    "year": str(int(float(row["time.period"]))),
                    "band": _band(row["age"]),
                    "survey": row["data.source"].split(", ")[0],
                    "footnote": row["obs.footnote"],
                }
    return out


def sowc(name: str) -> str:
    """SOWC 2023 table 12: a country's child labour value (total), as printed."""
    with _raw("unicef_sowc2023", "sowc2023_table12_child_labour_birth_registration.csv").open() as fh:
        return next(r for r in csv.DictReader(fh) if r["country_or_area"] == name)["child_labour_5_17_pct_total"]


def global_estimates() -> dict[tuple[str, str], dict]:
    """World totals (5-17) by (indicator, reference year), with the publisher's qualifier from the note."""
    out = {}
    for name in ("global_estimates.csv", "global_estimates_2025.csv"):
        with _raw("global_estimates", name).open() as fh:
            for row in csv.DictReader(fh):
                if (row["area"], row["sex"], row["age"]) == ("World", "total", "5-17"):
                    note = row["note"].split('"')
                    qualifier = note[1].split()[0] if len(note) > 1 and not note[1][0].isdigit() else ""
                    out.setdefault((row["indicator"], row["reference_year"]), {
                        "text": f"{row['value']} {row['unit']}", "qualifier": qualifier,
                    })  # fmt: skip
    return out


def gsi_2023() -> dict[str, str]:
    """Walk Free GSI 2023 prevalence per 1,000 for a few countries, by the file's own names."""
    wanted = {"North Korea": "PRK", "Nepal": "NPL", "Brazil": "BRA", "Nigeria": "NGA", "Eritrea": "ERI"}
    with _raw("walkfree_gsi", "Global_Slavery_Index_2023.csv").open(encoding="utf-8-sig") as fh:
        rows = {r[0].strip(): r[3] for r in csv.reader(fh)}
    return {iso3: f"{rows[name]} per 1,000" for name, iso3 in wanted.items()}  # Brazil "5.0", as written


# -- the pages in Chromium ---------------------------------------------------------------------------------------
TABLES = """
const root = document.getElementById(arguments[0]);
if (!root) return null;
return Array.from(root.querySelectorAll('tbody tr')).map(tr => {
  const link = tr.querySelector('a[href*="/country/"]');
  const cells = Array.from(tr.querySelectorAll('td')).map(td => td.textContent.trim());
  return [link ? link.getAttribute('href').split('/country/')[1] : null, cells.join(' | ')];
});
"""


@pytest.fixture
def golden(dash_duo, real_warehouse, app):
    """The real release served to Chromium; a function (path, element id) -> that element's text once drawn."""
    dash_duo.start_server(app)

    def text(path: str, element: str, contains: str = "") -> str:
        if path:
            dash_duo.driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element(f"#{element}", timeout=30)
        wait = WebDriverWait(dash_duo.driver, 30)
        # innerText keeps the line breaks between blocks; content not rendered (a closed <details>) has none
        script = "const e = document.getElementById(arguments[0]); return [e.textContent, e.innerText];"
        found = wait.until(lambda d: (t := d.execute_script(script, element)) and t[0] and contains in t[0] and t)
        found = found[1] or found[0]
        return " ".join(found.split())

    return dash_duo, text


def open_table(dash_duo, path: str, summary: str) -> None:
    """Open a page and its "Show … as a table" summary (the table is built when the reader opens it)."""
    dash_duo.driver.get(dash_duo.server_url + path)
    found = dash_duo.wait_for_element(f"#{summary}", timeout=30)
    # the last line of a long page, half under the window's scroll bar: a pointer click can miss it
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", found)


def rows(dash_duo, element: str) -> dict[str, str]:
    """A table's body rows by the country each links to: {iso3: row text}."""
    found = WebDriverWait(dash_duo.driver, 30).until(lambda d: d.execute_script(TABLES, element))
    return {iso3: text for iso3, text in found if iso3}


def test_country_cards_progress_blocks_and_briefs_show_the_survey_as_published(golden):
    dash_duo, text = golden
    raw = dw_child_labour()
    for iso3 in COUNTRIES:
        want = raw[iso3]
        card = text(f"/country/{iso3}", "country-card-child-labour")
        assert f"{want['value']}" in card and f"{want['year']} · {want['survey']} · ages {want['band']}" in card, iso3
        assert want["footnote"] in card, iso3  # Borno (NGA), "Age is 5-14 years" ...
        block = text("", f"delta-{iso3.lower()}").split("Every assessed series")[0]
        shown = re.search(r"latest value is ([0-9.]+)% \((\d{4})\)", block)  # the same answer as the card
        assert (float(shown[1]), shown[2]) == (float(want["value"].rstrip("%")), want["year"]), iso3
    for iso3 in ("NPL", "ETH"):
        brief = text(f"/country/{iso3}/brief", "brief-pillar-child-labour")
        want = raw[iso3]
        assert f"{want['value']} Child labour (8.7.1) ({want['year']}; {want['survey']}; ages {want['band']};" in brief
    assert dash_duo.get_logs() == []


def test_map_tables_coverage_and_indicator_table_put_each_value_against_its_country(golden):
    dash_duo, text = golden
    raw = dw_child_labour()
    open_table(dash_duo, "/?indicator=child_labour_5_17", "home-map-table-open")  # built when the reader opens it
    text("", "home-map-table", "Nepal")
    home = rows(dash_duo, "home-map-table")
    for iso3 in COUNTRIES:
        want = raw[iso3]
        cells = home[iso3].split(" | ")  # Country | Value | Year or period | Age | Survey | Source
        assert cells[1:5] == [want["value"], want["year"], f"ages {want['band']}", want["survey"]], iso3
    open_table(dash_duo, "/?indicator=modern_slavery_prevalence_gsi2023", "home-map-table-open")
    text("", "home-map-table", "Eritrea")
    gsi = rows(dash_duo, "home-map-table")
    for iso3, value in gsi_2023().items():
        assert gsi[iso3].split(" | ")[1] == value, (iso3, value, gsi[iso3])  # North Korea 104.6, not another's
    text("/indicator/child_labour_5_17?tab=table", "indicator-content", "Nepal")
    table = rows(dash_duo, "indicator-content")
    for iso3 in COUNTRIES:
        assert raw[iso3]["value"] in table[iso3] and raw[iso3]["year"] in table[iso3], (iso3, table[iso3])
    open_table(dash_duo, "/coverage", "coverage-table-open")
    text("", "coverage-table", "Nepal")
    coverage = rows(dash_duo, "coverage-table")
    for iso3 in COUNTRIES:
        assert f"{raw[iso3]['year']} · measured" in coverage[iso3], (iso3, coverage[iso3])
    assert dash_duo.get_logs() == []


def test_world_figures_on_home_and_theme_pages_are_the_published_estimates(golden):
    dash_duo, text = golden
    raw = global_estimates()
    latest, hazardous = raw[("child_labour_number", "2024")], raw[("hazardous_work_number", "2024")]
    assert latest["qualifier"] == "nearly" and latest["text"] == "138 million"
    card = text("/", "home-card-child_labour_number")
    assert f"{latest['qualifier']} {latest['text']}" in card and "World, 2024, ages 5–17" in card
    assert f"{hazardous['qualifier']} {hazardous['text']}" in text("", "home-card-hazardous_work_number")
    targets = text("", "home-targets")
    assert f"down from {raw[('child_labour_number', '2020')]['text']} in 2020" in targets
    assert f"Target year passed: {latest['qualifier']} {latest['text']} remain (2024)." in targets
    facts = text("/theme/child-labour", "theme-facts")
    for year in ("2024", "2020", "2000"):
        assert f"{raw[('child_labour_number', year)]['text']} {year} · World" in facts, year
    assert dash_duo.get_logs() == []


def test_the_api_answers_the_headline_rows_as_published(real_warehouse, client):
    raw = dw_child_labour()
    for iso3 in COUNTRIES:
        body = client.get(f"/api/v1/observations?country={iso3}&indicator=child_labour_5_17&sex=total")
        head = [r for r in json.loads(body.get_data())["data"] if r["preferred"]]
        assert len(head) == 1, iso3
        want, got = raw[iso3], head[0]
        assert (got["value"], str(got["year"]), got["age"].replace("-", "–")) == (
            float(want["value"].rstrip("%")), want["year"], want["band"]
        ), iso3  # fmt: skip
        assert got["survey"].startswith(want["survey"]) and got["area_name"], iso3
    sowc_rows = client.get(
        "/api/v1/observations?country=NPL&indicator=child_labour_5_17&sex=total&source=unicef_sowc2023"
    )
    (nepal,) = json.loads(sowc_rows.get_data())["data"]
    assert nepal["value"] == float(sowc("Nepal")) and nepal["year"] is None  # a period, never an invented year
    assert (nepal["year_start"], nepal["year_end"]) == SOWC_PERIOD
