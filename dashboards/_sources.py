"""What the /sources pages show about a source: its record, the indicators it feeds, coverage, release history."""

from __future__ import annotations

import re

import pandas as pd
from flask_babel import gettext as _

from dashboards import _data
from dashboards._data import memo
from warehouse import ObservationFilter, Release, ReleaseError, get_warehouse
from warehouse import releases as rel
from warehouse.schema import redistributable
from web import i18n
from web.i18n import N_

#: What each licence class allows, in readers' words.
ALLOWS = {
    True: N_(
        "Its figures are in the downloads and the API: you may re-use them under the licence above, citing the source."
    ),
    False: N_(
        "Its figures are shown on the dashboards with attribution only: the licence does not allow (or does not confirm) redistribution, so they are left out of every download and the API."
    ),
}


def record(release: Release, source_id: str) -> dict | None:
    """The sources-table row of one source, or None when the release has no such source."""
    return _data.source_records(release).get(source_id)


def allows(row: dict) -> str:
    return _(ALLOWS[bool(redistributable(row))])


@memo
def files(release: Release, source_id: str) -> pd.DataFrame:
    """The source's raw files in this release, with their sha256 and size."""
    table = get_warehouse().source_files(release)
    return table[table["source"] == source_id].sort_values("path")


@memo
def indicators_fed(release: Release, source_id: str) -> pd.DataFrame:
    """Per indicator the source feeds: name, values, countries, aggregates and years (first, last)."""
    obs = get_warehouse().observations(release, ObservationFilter(sources=(source_id,)))
    obs = obs[obs["value"].notna()]
    if obs.empty:
        return pd.DataFrame(columns=["indicator", "name", "values", "countries", "areas", "years"])
    known = set(_data.countries(release)["iso3"])
    names = _data.indicators(release)["name"].to_dict()
    rows = []
    for code, part in obs.groupby("indicator", sort=True):
        rows.append(
            {
                "indicator": code,
                "name": names.get(code, code),
                "values": len(part),
                "countries": part.loc[part["iso3"].isin(known), "iso3"].nunique(),
                "areas": int(part.loc[~part["iso3"].isin(known), "iso3"].nunique()),
                "years": _span(part["year"]),
            }
        )
    return pd.DataFrame(rows)


@memo
def coverage(release: Release, source_id: str) -> str:
    """One sentence: how many countries, aggregates and years the source's figures cover in this release."""
    obs = get_warehouse().observations(release, ObservationFilter(sources=(source_id,)))
    obs = obs[obs["value"].notna()]
    commitments = get_warehouse().commitments(release)
    treaty = commitments[commitments["source"] == source_id] if not commitments.empty else commitments
    if obs.empty and treaty.empty:
        return _("No figure in this release comes from this source directly (it may feed reference tables).")
    parts = []
    if not obs.empty:
        known = set(_data.countries(release)["iso3"])
        countries, others = obs["iso3"].isin(known), obs.loc[~obs["iso3"].isin(known), "iso3"].nunique()
        values = i18n.ngettext("%(count)s value", "%(count)s values", len(obs), count=i18n.decimal(len(obs), 0))
        parts.append(
            _("%(things)s for %(countries)s", things=values, countries=_countries(obs.loc[countries, "iso3"]))
            + (i18n.ngettext(" and %(count)s regional or global aggregate", " and %(count)s regional or global aggregates",
                             others, count=i18n.decimal(others, 0)) if others else "")
            + i18n.ngettext(", year %(span)s", ", years %(span)s", obs["year"].nunique(), span=_span(obs["year"]))
        )  # fmt: skip
    if not treaty.empty:
        records = i18n.ngettext("%(count)s treaty record", "%(count)s treaty records", len(treaty),
                                count=i18n.decimal(len(treaty), 0))  # fmt: skip
        parts.append(_("%(things)s for %(countries)s", things=records, countries=_countries(treaty["iso3"])))
    return _("; ").join(parts) + "."


def _countries(iso3: pd.Series) -> str:
    """ "1 country", "12 countries": the distinct countries of a column of codes."""
    count = iso3.nunique()
    return i18n.ngettext("%(count)s country", "%(count)s countries", count, count=i18n.decimal(count, 0))


def _span(years: pd.Series) -> str:
    values = sorted({int(y) for y in years.dropna()})
    if not values:
        return _("not stated (periods only)")
    return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"


@memo
def history(release: Release, source_id: str) -> list[dict]:
    """The releases on disk, up to the one served, in which this source was added or changed; newest first."""
    root = release.path.parent.parent
    ids = [r for r in rel.list_release_ids(root) if r <= release.id]
    changes, before = [], None
    for release_id in ids:
        state = _state(root, release_id, source_id)
        if state is None:
            continue
        what = _difference(before, state)
        if what:
            changes.append({"release": release_id, "created": state["created"], "change": what})
        before = state
    return changes[::-1]


def _state(root, release_id: str, source_id: str) -> dict | None:
    """The source's files and edition in one release on disk (None when it cannot be read)."""
    try:
        manifest = rel.read_manifest(root, release_id)
        past = Release(release_id, rel.releases_dir(root) / release_id, manifest)
        files = get_warehouse().source_files(past)
        sources = get_warehouse().sources(past)
    except (ReleaseError, OSError, KeyError, ValueError):
        return None
    row = sources[sources["id"] == source_id]
    mine = files[files["source"] == source_id]
    return {
        "created": manifest.get("created", "")[:10],
        "present": not row.empty,
        "edition": str(row["edition"].iloc[0]) if not row.empty else "",
        "files": dict(zip(mine["path"], mine["sha256"], strict=True)),
    }


def _difference(before: dict | None, now: dict) -> list[tuple[str, bool]]:
    """What changed in a source between two releases, as (text, as the publisher wrote it) parts, so that a page
    can mark the editions' names English; [] when nothing changed."""
    if not now["present"]:
        return [(_("removed"), False)] if before and before["present"] else []
    if before is None or not before["present"]:
        return [(_("added"), False)]
    parts = []
    if before["edition"] != now["edition"]:
        text = _("edition: %(edition)s → %(edition2)s", edition="\x00", edition2="\x01")
        names = {"\x00": before["edition"], "\x01": now["edition"]}
        parts.append([(names.get(x, x), x in names) for x in re.split("(\x00|\x01)", text) if x])
    changed = sorted(p for p in now["files"] if before["files"].get(p) != now["files"][p])
    gone = sorted(set(before["files"]) - set(now["files"]))
    if changed:
        parts.append([(_("new or changed files: ") + ", ".join(changed), False)])
    if gone:
        parts.append([(_("files no longer used: ") + ", ".join(gone), False)])
    return [x for part in parts for x in ((_("; "), False), *part)][1:]
