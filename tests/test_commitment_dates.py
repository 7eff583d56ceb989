"""A commitment shows the most recent "as of" of its sources and, where an older source gives the same status in
the same year with a full date, that date, naming that source; where the sources disagree, the latest alone.

Data: the SYNTHETIC release of tests/dashboard_release.py with two sources' rows for the CRC Optional Protocol on
the sale of children added (a year-only 2022 status and a dated 2020 export), and the real release for the
`realdata` tests (un_hr_treaties_status, mid 2022, and un_treaty_crc_opsc, 28 August 2020).
"""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from dashboards import _data
from tests.conftest import find, render, texts


def _row(iso3: str, status: str, date: str, as_of: str, year: int, source: str) -> dict:
    return {"iso3": iso3, "instrument": "CRC_OPSC", "status": status, "ratified": status != "signed", "date": date,
            "as_of": as_of, "as_of_year": year, "minimum_age": None, "source": source, "note": ""}  # fmt: skip


#: KEN: the same accession year in both sources; UGA: the sources disagree on the year (2001 or 2011).
OPSC = {
    "KEN": [_row("KEN", "ratified", "2014", "2022-08-25", 2022, "syn_2022"),
            _row("KEN", "accession", "2014-09-09", "2020-08-28", 2020, "syn_2020")],
    "UGA": [_row("UGA", "ratified", "2001", "2022-08-25", 2022, "syn_2022"),
            _row("UGA", "ratified", "2011-09-20", "2020-08-28", 2020, "syn_2020")],
}  # fmt: skip


@pytest.fixture
def opsc_app(dashboard_app, synthetic_release, monkeypatch):
    read = _data.commitments

    def with_opsc(release, iso3):
        return pd.concat([read(release, iso3), pd.DataFrame(OPSC.get(iso3, []))], ignore_index=True)

    monkeypatch.setattr(_data, "commitments", with_opsc)
    return dashboard_app


def test_a_year_only_current_status_shows_the_older_exports_day_only_where_the_year_agrees(opsc_app):
    tree = render(opsc_app, "country", iso3="KEN")
    text = texts(tree)
    row = text[text.index("CRC Optional Protocol on the sale of children") :]
    assert row.startswith(
        "CRC Optional Protocol on the sale of children accession (status as of 25 August 2022; date from syn_2020) "
        "9 September 2014 25 August 2022 syn_2022 "
    ), row[:200]
    brief = render(opsc_app, "brief", iso3="KEN")
    assert "accession on 9 September 2014 [" in texts(find(brief, "brief-commitments"))
    assert "Status as of 25 August 2022; date from syn_2020. Source: syn_2022." in texts(
        find(brief, "brief-commitments-notes")
    )
    disagree = render(opsc_app, "brief", iso3="UGA")  # 2001 or 2011: the latest year, the other source's day named
    assert "ratified in 2001 [" in texts(find(disagree, "brief-commitments"))
    notes = texts(find(disagree, "brief-commitments-notes"))
    assert "syn_2020 gives 20 September 2011" in notes and "date from" not in notes


# -- the real release ---------------------------------------------------------------------------------------------
def _page(app, module: str, lang: str, iso3: str):
    with app.server.test_request_context(f"/?lang={lang}"):
        return importlib.import_module(f"dashboards.{module}").layout(iso3=iso3)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("lang", "haiti", "kenya", "kenya_count"),
    [
        ("en", "ratified on 9 September 2014 [", "signed on 8 September 2000 [", "1 not ratified in current data"),
        ("fr", "ratification le 9 septembre 2014 [", "signature le 8 septembre 2000 [",
         "1 non ratifié dans les données actuelles"),
        ("es", "ratificación el 9 de septiembre de 2014 [", "firma el 8 de septiembre de 2000 [",
         "1 no ratificado en los datos actuales"),
    ],
)  # fmt: skip
def test_haiti_and_kenya_show_the_mid_2022_status_with_the_2020_exports_day(real_warehouse, app, lang, haiti,
                                                                           kenya, kenya_count):  # fmt: skip
    table = texts(find(_page(app, "brief", lang, "HTI"), "brief-commitments"))
    assert haiti in table and "2014 (" not in table  # not followed by "(possibly out of date)"
    brief = _page(app, "brief", lang, "KEN")
    assert kenya in texts(find(brief, "brief-commitments"))
    assert texts(find(brief, "brief-commitments-count")).endswith(kenya_count + ".")
    card = texts(find(_page(app, "country", lang, "KEN"), "country-card-commitments"))
    assert kenya_count in card and "2013 to 2022" in card.replace(" à ", " to ").replace(" a ", " to ")


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("iso3", "said", "other"),
    [("NZL", "ratified in 2001 [", "OPSC status gives 20 September 2011"),
     ("MDA", "ratified in 2004 [", "OPSC status gives 12 April 2007"), ("FJI", "ratified in 2021 [", None)],
)  # fmt: skip
def test_where_the_2022_and_2020_sources_disagree_the_2022_status_is_shown_and_a_differing_day_named(
    real_warehouse, app, iso3, said, other
):
    brief = _page(app, "brief", "en", iso3)
    table = texts(find(brief, "brief-commitments"))
    row = table[table.index("CRC Protocol on the sale of children") :]
    assert row.startswith(f"CRC Protocol on the sale of children (2000) {said}")
    notes = texts(find(brief, "brief-commitments-notes"))
    assert "date from" not in notes  # no day of another year (or of a signature) borrowed
    assert (other in notes) if other else ("gives" not in notes)
