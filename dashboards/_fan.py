"""The delta view's fan chart: observed points, the projection with its band, the required path and the target."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from flask_babel import gettext as _

from dashboards import _components as c
from dashboards import _reason
from dashboards._figures import FONT, OKABE_ITO
from warehouse import progress_text as words

OBSERVED, PROJECTED, REQUIRED, TARGET = OKABE_ITO[0], OKABE_ITO[0], OKABE_ITO[1], "#000000"


def _path(start: float, end: float, steps: int, basis: str) -> list[float]:
    """Values from start to end in `steps` equal years: geometric (compound) or straight (absolute)."""
    if basis == "relative" and start > 0 and end > 0 and math.isfinite(end):
        return [start * (end / start) ** (i / steps) for i in range(steps + 1)]
    return [start + (end - start) * i / steps for i in range(steps + 1)]


def fan_figure(obs: pd.DataFrame, row: dict, unit: str, height: int = 320) -> go.Figure:
    """Observed points, the projection with its band, the required path and the target (pure)."""
    obs = obs.sort_values("year")
    fig = go.Figure(layout=_fan_layout(unit, height))
    latest_year = int(row["latest_year"])
    target_year = row.get("target_year")
    required = row.get("required_change")
    if required is not None and not pd.isna(required) and int(target_year) > latest_year:
        _add_projection(fig, obs, row, int(target_year), unit)  # only while years are left before the target
    fig.add_trace(_observed_trace(obs, unit))
    if target_year is not None and not pd.isna(target_year):
        fig.add_trace(
            go.Scatter(
                x=[int(target_year)],
                y=[float(row["target_value"])],
                mode="markers",
                name=_("Target"),
                cliponaxis=False,
                marker={"symbol": "star", "size": 16, "color": TARGET},
                hovertemplate=_(
                    "Target: %(target)s by %(year)s",
                    target=words.target_text(float(row["target_value"]), unit, _reason.phrasing()),
                    year=int(target_year),
                )
                + "<extra></extra>",
            )
        )
        fig.add_vline(x=int(target_year), line={"color": "#6C757D", "dash": "dot", "width": 1})
    end = int(target_year) if target_year is not None and not pd.isna(target_year) else latest_year
    fig.update_xaxes(range=[int(row["baseline_year"]) - 0.6, max(latest_year, end) + 0.6])
    return fig


def _fan_layout(unit: str, height: int) -> dict:
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "font": {"family": FONT, "size": 12, "color": "#212529"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        "xaxis": {"tickformat": "d", "gridcolor": "#E9ECEF", "automargin": True},
        "yaxis": {
            "rangemode": "tozero",
            "gridcolor": "#E9ECEF",
            "automargin": True,
            "title": {"text": c.unit_label(unit)},
        },
    }


def _observed_trace(obs: pd.DataFrame, unit: str) -> go.Scatter:
    trace = {"x": obs["year"].astype(int).tolist(), "y": obs["value"].astype(float).tolist()}
    if obs["lower"].notna().any() and obs["upper"].notna().any():
        trace["error_y"] = {
            "type": "data",
            "symmetric": False,
            "color": OBSERVED,
            "array": (obs["upper"] - obs["value"]).fillna(0).tolist(),
            "arrayminus": (obs["value"] - obs["lower"]).fillna(0).tolist(),
        }
    return go.Scatter(
        **trace,
        mode="lines+markers",
        name=_("Observed"),
        line={"color": OBSERVED, "width": 2.5},
        marker={"size": 8, "color": OBSERVED},
        customdata=[c.value_text(point, unit) for point in obs.to_dict("records")],
        hovertemplate="%{x}: %{customdata}<extra>" + _("Observed") + "</extra>",
    )


def _add_projection(fig: go.Figure, obs: pd.DataFrame, row: dict, target_year: int, unit: str) -> None:
    """Band (a fan from the latest point), projection line and the required path."""
    latest_year, latest = int(row["latest_year"]), float(row["latest_value"])
    years = list(range(latest_year, target_year + 1))
    steps, basis = len(years) - 1, row.get("basis") or "absolute"
    lower, upper = row.get("projected_lower"), row.get("projected_upper")
    if lower is not None and not pd.isna(lower):
        last = obs[obs["year"] == latest_year]
        low0 = float(last["lower"].iloc[0]) if not last.empty and pd.notna(last["lower"].iloc[0]) else latest
        high0 = float(last["upper"].iloc[0]) if not last.empty and pd.notna(last["upper"].iloc[0]) else latest
        high = _path(high0, float(upper), steps, basis)
        low = _path(min(low0, latest), float(lower), steps, basis)
        fig.add_trace(
            go.Scatter(
                x=years + years[::-1],
                y=high + low[::-1],
                fill="toself",
                mode="lines",
                name=_("Projection band"),
                fillcolor="rgba(0,114,178,0.18)",
                line={"width": 0},
                hoverinfo="skip",
            )
        )
    projected = row.get("projected_value")
    if projected is not None and not pd.isna(projected):
        path = _path(latest, float(projected), steps, basis)
        fig.add_trace(
            go.Scatter(
                x=years,
                y=path,
                customdata=[c.format_value(value, unit) for value in path],
                mode="lines",
                name=_("Projection at the observed pace"),
                line={"color": PROJECTED, "dash": "dash"},
                hovertemplate="%{x}: %{customdata}<extra>" + _("Projection") + "</extra>",
            )
        )
    target = row.get("target_value")
    if target is not None and not pd.isna(target):
        fig.add_trace(
            go.Scatter(
                x=[latest_year, target_year],
                y=[latest, float(target)],
                mode="lines",
                name=_("Required path"),
                line={"color": REQUIRED, "dash": "dot", "width": 2},
                hoverinfo="skip",
            )
        )
