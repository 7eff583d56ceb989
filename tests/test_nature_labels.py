"""Each figure's nature label is true for every figure that carries it (real release)."""

from __future__ import annotations

import pytest

from content import library
from dashboards import _cite
from dashboards import _components as c

pytestmark = pytest.mark.realdata


def test_birth_registration_from_civil_registration_is_not_labelled_a_survey_or_census(real_warehouse, real_release):
    obs = real_warehouse.table(real_release, "observations")
    births = obs[obs["indicator"] == "birth_registration_u5"]
    records = births["survey"].fillna("").str.contains("Vital Statistics|Civil Regist", case=False)
    assert records.sum() > 10 and set(births.loc[records, "nature"]) == {"measured"}
    assert "administrative records" in c.NATURE_TEXT["measured"]  # civil registration is one
    assert "register" in _cite.NATURE_WORDS["measured"]  # the source line under a chart
    meta = real_warehouse.indicators(real_release).set_index("code").loc["birth_registration_u5"]
    assert "civil registration records" in meta["definition"]  # not only the survey question's numerator


def test_the_global_estimates_are_the_modelled_estimates_the_glossary_and_explainers_call_them(
    real_warehouse, real_release
):
    obs = real_warehouse.table(real_release, "observations")
    estimates = obs[(obs["source"] == "global_estimates") & (obs["nature"] != "detected")]
    assert set(estimates["nature"]) == {"modelled"}  # extrapolated from national surveys (ILO and UNICEF)
    indicators = real_warehouse.indicators(real_release).set_index("code")
    assert set(indicators.loc[sorted(set(estimates["indicator"])), "nature"]) == {"modelled"}
    lib = library()
    term = lib.glossary["modelled-estimate"]
    assert c.NATURE_TEXT["modelled"] in [term.term.lower(), *term.aliases]
    assert "are modelled estimates" in lib.explainers["global-estimates"].text
