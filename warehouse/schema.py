"""The warehouse contract: every published table, its columns and types (the ETL writes them, readers rely on them).

Time as the publisher gave it: where only a reporting period or a report year is known, `year` is NULL (never an
invented year), `year_start`/`year_end` hold what is known and `period` the publisher's words; such rows are
keyed on `year_end`, and trends, progress and year pickers use rows with a `year` only.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa

#: How a figure came about. "detected" = administrative counts of detected cases (they measure detection
#: as much as the phenomenon); "reported" = a status or fact stated by a source (e.g. a ratification).
NATURES = ("measured", "estimated", "modelled", "detected", "reported")
SEXES = ("total", "female", "male")

OBSERVATIONS = pa.schema(
    [
        ("indicator", pa.string()),
        ("iso3", pa.string()),  # ISO 3166 alpha-3 for countries, a code from `regions` for aggregates
        ("year", pa.int32()),  # reference (survey) year; NULL where the publisher gives only a period
        ("year_start", pa.int32()),  # first year of the period the value refers to (= year when there is one)
        ("year_end", pa.int32()),  # last year of that period (= year when there is one)
        ("period", pa.string()),  # the publisher's wording of the time reference when there is no year
        ("sex", pa.string()),
        ("age", pa.string()),  # as published, e.g. "5-17", "5-14", "under 18", "all ages"
        ("age_nonstandard", pa.bool_()),  # the band or definition differs from the indicator's standard one
        ("value", pa.float64()),
        ("lower", pa.float64()),
        ("upper", pa.float64()),
        ("precision", pa.float64()),  # rounding step of the published figure, in the unit (1e6: "138 million")
        ("qualifier", pa.string()),  # the publisher's "about", "almost", "nearly", "over" ...
        ("unit", pa.string()),
        ("nature", pa.string()),
        ("censored", pa.bool_()),  # True where the source suppressed a small count ("<5")
        ("source", pa.string()),
        ("edition", pa.string()),
        ("survey", pa.string()),  # the survey or data source the publisher names, e.g. "MICS 2014"
        ("source_file", pa.string()),
        ("note", pa.string()),  # the publisher's footnotes and flags, then the platform's
        ("comparability", pa.string()),  # rows of one series with different labels are never joined in a trend
        ("preferred", pa.bool_()),  # the headline row of its indicator and area (data/reference/headline.yaml)
    ]
)

#: What leaves the platform as data (downloads, API answers): every observation column, with the country's (or
#: region's) display name in the release after its code, so a file read on its own says which country a row is about.
DOWNLOAD = OBSERVATIONS.insert(2, pa.field("area_name", pa.string()))

INDICATORS = pa.schema(
    [
        ("code", pa.string()),
        ("name", pa.string()),
        ("short_name", pa.string()),
        ("unit", pa.string()),
        ("sdg_indicator", pa.string()),
        ("theme", pa.string()),
        ("higher_is_better", pa.bool_()),
        ("definition", pa.string()),
        ("caveats", pa.string()),
        ("sources", pa.string()),  # comma-separated source ids
        ("explainer", pa.string()),
        ("nature", pa.string()),
        ("target_value", pa.float64()),
        ("target_year", pa.int32()),
        ("decimals", pa.int32()),
        # Page sections (data/reference/indicators.yaml): a new indicator reaches the pages by configuration.
        ("pillar", pa.string()),  # child-labour, forced-labour, trafficking or empty
        ("section", pa.string()),  # context, commitments, government-response or empty
        ("rank", pa.int32()),  # order within its pillar or section
        ("instrument", pa.string()),  # commitment flags: the instrument code of the commitments table
        ("standard_age", pa.string()),  # the age band of the definition; other bands are flagged
        ("value_labels", pa.string()),  # unit "category": JSON {"2.5": "Tier 2 Watch List", ...}
        ("trend_caution", pa.string()),  # why two points may not be comparable; pages show it with progress
        ("observations", pa.int64()),
        ("countries", pa.int64()),
        ("first_year", pa.int32()),
        ("last_year", pa.int32()),
    ]
)

COUNTRIES = pa.schema(
    [
        ("iso3", pa.string()),
        ("iso2", pa.string()),
        ("m49", pa.int32()),
        ("name", pa.string()),
        ("official_name", pa.string()),
        ("aliases", pa.string()),  # "|"-separated name variants seen in sources and the alias file
        ("m49_region", pa.string()),  # code in `regions`, e.g. M49_002 (Africa)
        ("m49_subregion", pa.string()),  # code in `regions`, e.g. M49_202 (Sub-Saharan Africa)
        ("sdg_region", pa.string()),  # code in `regions`
        ("ilo_region", pa.string()),  # code in `regions` (ILO / Walk Free regions)
        ("income_group", pa.string()),  # code in `regions` (World Bank FY2024)
        ("wb_region", pa.string()),
        ("ldc", pa.bool_()),
        ("lldc", pa.bool_()),
        ("sids", pa.bool_()),
        ("independent", pa.bool_()),
        ("pathfinder", pa.bool_()),
        ("pathfinder_status", pa.string()),
    ]
)

REGIONS = pa.schema(
    [
        ("code", pa.string()),
        ("name", pa.string()),
        ("grouping", pa.string()),  # world, sdg, ilo, m49-region, m49-subregion, income, wb-aggregate, ...
        ("members", pa.int32()),
    ]
)

#: The countries of each region or group as the reference files state them (country-codes.csv: M49 regions,
#: sub-regions, intermediate regions, LDC/LLDC/SIDS; CLASS.xlsx: World Bank groups; groupings.yaml: SDG regions
#: from M49; GSI 2018: ILO regions; the World: every country). The `group` filter keeps these countries.
#: `source` is the registry source whose file lists the membership (empty for the SDG regions and the World): a
#: membership from a source that is not redistributable is left out of downloads and the API like its figures.
REGION_MEMBERS = pa.schema([("code", pa.string()), ("iso3", pa.string()), ("source", pa.string())])

SOURCES = pa.schema(
    [
        ("id", pa.string()),
        ("publisher", pa.string()),
        ("short_name", pa.string()),  # the name in source lines under charts
        ("edition_names", pa.string()),  # JSON {dataset edition: its short name in source lines}
        ("title", pa.string()),
        ("edition", pa.string()),
        ("url", pa.string()),
        ("obtained_from", pa.string()),
        ("licence", pa.string()),
        ("redistribution", pa.bool_()),
        ("retrieved", pa.string()),
        ("citation", pa.string()),
        ("caveats", pa.string()),
    ]
)

SOURCE_FILES = pa.schema(
    [
        ("source", pa.string()),
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("bytes", pa.int64()),
    ]
)

COMMITMENTS = pa.schema(
    [
        ("iso3", pa.string()),
        ("instrument", pa.string()),  # C029, P029, C105, C138, C182, PALERMO, CRC_OPSC
        ("status", pa.string()),  # ratified, accession, acceptance, succession, signed, not ratified
        ("ratified", pa.bool_()),
        ("date", pa.string()),  # YYYY-MM-DD, YYYY where the source gives the year only, or empty
        ("as_of", pa.string()),
        ("as_of_year", pa.int32()),  # the year the status refers to (the latest year named in as_of)
        ("minimum_age", pa.int32()),
        ("source", pa.string()),
        ("note", pa.string()),
    ]
)

PROGRESS = pa.schema(
    [
        ("indicator", pa.string()),
        ("iso3", pa.string()),
        ("sex", pa.string()),
        ("age", pa.string()),
        ("source", pa.string()),
        ("comparability", pa.string()),
        ("points", pa.int32()),
        ("baseline_year", pa.int32()),
        ("baseline_value", pa.float64()),
        ("latest_year", pa.int32()),
        ("latest_value", pa.float64()),
        ("baseline_qualifier", pa.string()),  # the publisher's "about", "nearly" ... of that value, else NULL
        ("latest_qualifier", pa.string()),
        ("baseline_precision", pa.float64()),  # the rounding step of that value as published (0.1: "8.0"), else NULL
        ("latest_precision", pa.float64()),
        ("observed_rate", pa.float64()),  # annual relative change (compound), e.g. -0.05 = -5 % a year
        ("required_rate", pa.float64()),
        ("method", pa.string()),
        # The absolute pace in the indicator's unit per year, which pace the status compares ("relative" or
        # "absolute": zero targets have no compound rate), and how the projection band was found.
        ("observed_change", pa.float64()),
        ("required_change", pa.float64()),
        ("basis", pa.string()),
        ("band_method", pa.string()),
        ("target_value", pa.float64()),
        ("target_year", pa.int32()),
        ("projected_value", pa.float64()),
        ("projected_lower", pa.float64()),
        ("projected_upper", pa.float64()),
        ("status", pa.string()),
        ("trend", pa.string()),  # falling, rising, flat, no clear change; empty with one point
        ("reason", pa.string()),
    ]
)

#: Every table a release holds, in publish order.
TABLES: dict[str, pa.Schema] = {
    "observations": OBSERVATIONS,
    "indicators": INDICATORS,
    "countries": COUNTRIES,
    "regions": REGIONS,
    "region_members": REGION_MEMBERS,
    "sources": SOURCES,
    "source_files": SOURCE_FILES,
    "commitments": COMMITMENTS,
    "progress": PROGRESS,
}

#: Tables a release published by an earlier version of the platform may lack: read as empty, so that such a
#: release (served until the next `etl run`, or chosen by `etl rollback`) still answers every page and download.
LATER_TABLES = ("progress", "region_members")
#: Columns such a release may lack, which readers handle (dataproduct.params.catalog withholds memberships of no
#: named source). A release lacking any other column of the contract cannot be served (warehouse.releases.verify).
LATER_COLUMNS = {"region_members": ("source",)}

#: Sort keys that make a table's bytes depend only on its content (idempotent publishes).
SORT_KEYS: dict[str, list[str]] = {
    "observations": ["indicator", "iso3", "year", "year_end", "sex", "age", "source", "edition"],
    "indicators": ["code"],
    "countries": ["iso3"],
    "regions": ["code"],
    "region_members": ["code", "iso3"],
    "sources": ["id"],
    "source_files": ["source", "path"],
    "commitments": ["iso3", "instrument", "source", "status", "date"],
    "progress": ["indicator", "iso3", "sex", "age", "source", "comparability"],
}

#: The key on which observations must be unique.
OBSERVATION_KEY = ["indicator", "iso3", "year", "year_end", "sex", "age", "source"]


def redistributable(source: Mapping) -> bool:
    """The licence rule: a source's figures leave the platform only when its sources row says redistribution."""
    value = source.get("redistribution")
    # A row read through pandas holds numpy's bool rather than Python's; None, NaN and NA mean no.
    return isinstance(value, bool | np.bool_) and bool(value)
