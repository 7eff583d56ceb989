"""Pure figure builders for the dashboards: `<kind>_figure(df, ...) -> go.Figure`, no I/O.

graph_objects only (Plotly Express costs ~30 ms a figure, see TOOLCHAIN.md section 4); colours are the
Okabe-Ito palette (distinguishable with the common colour-vision deficiencies) and the viridis scale for maps.
Year axes use integer ticks.
"""

from __future__ import annotations

import functools

import pandas as pd
import plotly.graph_objects as go
from babel import numbers
from flask_babel import gettext as _

from dashboards import _components as c
from warehouse.progress_text import to_significant
from web import i18n

#: Okabe & Ito (2008) colour-blind-safe palette, ordered so the first colours contrast well on white.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
#: Highlight and muted colours for "this country vs peers" bars.
HIGHLIGHT, MUTED = "#0072B2", "#9AA5B1"
#: A horizontal bar's thickness, a line of its name above it (px), and the characters per line of a name: what a
#: 360 px phone fits across its chart.
BAR_PX, LINE_PX, BAR_LABEL_CHARS = 22, 17, 36
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


@functools.cache
def _template() -> go.layout.Template:
    """A light template (cheaper than Plotly's default and readable in print)."""
    return go.layout.Template(
        layout={
            "font": {"family": FONT, "size": 13, "color": "#212529"},
            "colorway": list(OKABE_ITO),
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "xaxis": {"gridcolor": "#E9ECEF", "linecolor": "#6C757D", "zeroline": False},
            "yaxis": {"gridcolor": "#E9ECEF", "linecolor": "#6C757D", "zeroline": False},
            "hoverlabel": {"font": {"family": FONT}},
        }
    )


def _legend(n_traces: int) -> dict:
    """Show a legend only for several traces, with room for it below the axis labels."""
    if n_traces > 1:
        return {"showlegend": True, "margin": {"l": 10, "r": 10, "t": 48, "b": 64, "pad": 2}}
    return {"showlegend": False}


def _layout(title: str, height: int, **extra) -> dict:
    layout = {
        "template": _template(),
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 48, "b": 10, "pad": 2},
        # below the plot, measured from the container's bottom edge, so it never covers tick labels
        "legend": {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0.01, "x": 0},
        "separators": _separators(),
    }
    layout.update(extra)
    return layout


def _year_axis(years: pd.Series | list[int]) -> dict:
    years = [int(y) for y in years]
    span = (max(years) - min(years)) if years else 0
    axis = {"tickformat": "d", "title": {"text": _("Year")}, "automargin": True}
    if span <= 12:
        axis["dtick"] = 1 if span <= 6 else 2
    if span == 0 and years:
        axis["range"] = [years[0] - 1, years[0] + 1]
    return axis


def short(value: float) -> str:
    """A compact bar label: 160M, 36.8, 2.75, 150,000."""
    if abs(value) >= 1_000_000:
        return f"{i18n.decimal(to_significant(value / 1_000_000, 4), _places(value / 1_000_000, 4))}M"
    if float(value).is_integer() or abs(value) >= 100:
        return i18n.decimal(value, 0)
    return i18n.decimal(to_significant(value, 3), _places(value, 3))


def _separators() -> str:
    """Plotly's decimal and thousands marks in the page's language ("." and "," in English, "," and a space in French)."""
    if i18n.lang() == i18n.DEFAULT:
        return ".,"
    return numbers.get_decimal_symbol(i18n.locale()) + numbers.get_group_symbol(i18n.locale())


def _places(value: float, digits: int) -> int:
    """Decimal places of `value` written with `digits` significant digits, trailing zeros dropped (as in "%g")."""
    text = f"{value:.{digits}g}"
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def empty_figure(message: str, height: int = 220) -> go.Figure:
    """A blank figure carrying a message (used when a selection has no data)."""
    fig = go.Figure(layout=_layout("", height))
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[{"text": message, "showarrow": False, "font": {"size": 14}, "xref": "paper", "yref": "paper"}],
    )
    return fig


def hover_values(df: pd.DataFrame, decimals=None) -> list[str]:
    """Each point's value as the tables write it: its qualifier, its publisher's decimals, its unit."""
    return [c.value_text(row, None, decimals) for row in df.to_dict("records")]


def trend_figure(df: pd.DataFrame, title: str, unit: str, marker_year: int | None = None, decimals=None) -> go.Figure:
    """Lines over time, one trace per `series` (never joined across series); error bars from lower/upper;
    `decimals`: the indicator's, for the values in hover labels."""
    if df.empty:
        return empty_figure(_("No data for this selection"))
    traces = []
    for i, (name, part) in enumerate(df.sort_values("year").groupby("series", sort=False)):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        trace = {
            "type": "scatter",
            "x": part["year"].astype(int).tolist(),
            "y": part["value"].tolist(),
            "name": str(name),
            "mode": "lines+markers",
            "line": {"color": colour, "width": 2.5},
            "marker": {"color": colour, "size": 8, "symbol": i % 8},
            "customdata": hover_values(part, decimals),
            "hovertemplate": f"{name}<br>%{{x}}: %{{customdata}}<extra></extra>",
        }
        if {"lower", "upper"} <= set(part.columns) and part["lower"].notna().any():
            trace["error_y"] = {
                "type": "data",
                "symmetric": False,
                "array": (part["upper"] - part["value"]).tolist(),
                "arrayminus": (part["value"] - part["lower"]).tolist(),
                "color": colour,
            }
        traces.append(trace)
    fig = go.Figure(traces, layout=_layout(title, 340, xaxis=_year_axis(df["year"]), **_legend(len(traces))))
    fig.update_yaxes(title={"text": unit}, rangemode="tozero", automargin=True)
    if marker_year is not None:
        fig.add_vline(x=int(marker_year), line={"color": "#6C757D", "dash": "dot", "width": 1})
    return fig


def bar_figure(df: pd.DataFrame, title: str, unit: str, decimals=None) -> go.Figure:
    """Horizontal bars of `value` by `label`, each name written above its bar so that long names never squeeze
    the bars on a phone; rows with `highlight` True stand out."""
    if df.empty:
        return empty_figure(_("No data for this selection"))
    df = df.sort_values("value")
    labels = df["label"].astype(str).tolist()
    names = [wrapped(label, BAR_LABEL_CHARS) for label in labels]
    lines = max(name.count("<br>") + 1 for name in names)
    slot = BAR_PX + 8 + LINE_PX * lines  # px per bar: the bar at the bottom, its name above it
    highlight = df["highlight"] if "highlight" in df.columns else pd.Series(False, index=df.index)
    trace = go.Bar(
        x=df["value"].tolist(),
        y=labels,
        orientation="h",
        width=BAR_PX / slot,
        offset=-0.5 + 4 / slot,
        marker={"color": [HIGHLIGHT if flag else MUTED for flag in highlight]},
        text=[short(v) for v in df["value"]],
        textposition="auto",
        customdata=hover_values(df, decimals),
        hovertemplate="%{y}: %{customdata}<extra></extra>",
    )
    above = -slot / 2 + 4 + BAR_PX + 2  # px from the middle of a bar's slot to the top of its bar
    names_above = [
        {"x": 0, "xref": "paper", "xanchor": "left", "y": label, "yanchor": "bottom", "yshift": above,
         "text": name, "align": "left", "showarrow": False}
        for label, name in zip(labels, names, strict=True)
    ]  # fmt: skip
    # the unit is centred under the bars; the right margin keeps it clear of the edge on a phone
    margin = {"l": 10, "r": 40, "t": 48, "b": 10, "pad": 2}
    layout = _layout(title, max(180, 100 + slot * len(df)), showlegend=False, margin=margin, annotations=names_above)
    fig = go.Figure([trace], layout=layout)
    fig.update_xaxes(title={"text": unit}, rangemode="tozero", automargin=True)
    fig.update_yaxes(showticklabels=False, range=[-0.5, len(df) - 0.5], automargin=True)
    return fig


def wrapped(text: str, chars: int) -> str:
    """`text` broken into lines of at most `chars` characters where it has spaces (Plotly's <br>)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def grouped_bar_figure(df: pd.DataFrame, title: str, unit: str, decimals=None) -> go.Figure:
    """Vertical bars of `value` by `category`, one colour per `group` (e.g. sex, or year of estimate)."""
    if df.empty:
        return empty_figure(_("No data for this selection"))
    traces = []
    for i, (group, part) in enumerate(df.groupby("group", sort=False)):
        traces.append(
            go.Bar(
                x=part["category"].astype(str).tolist(),
                y=part["value"].tolist(),
                name=str(group),
                marker={"color": OKABE_ITO[i % len(OKABE_ITO)]},
                text=[short(v) for v in part["value"]],
                textposition="outside",
                customdata=hover_values(part, decimals),
                hovertemplate=f"{group} · %{{x}}: %{{customdata}}<extra></extra>",
            )
        )
    fig = go.Figure(traces, layout=_layout(title, 340, barmode="group", **_legend(len(traces))))
    fig.update_yaxes(title={"text": unit}, rangemode="tozero", automargin=True)
    fig.update_xaxes(type="category", automargin=True)
    return fig


def map_figure(
    df: pd.DataFrame, title: str, unit: str, reverse: bool = False, scale: str = "continuous", decimals=None
) -> go.Figure:
    """World choropleth of `value` by ISO3 `iso3` (hover shows `name` and `when`); click data carry the ISO3.

    `scale`: "continuous" (a colour ramp), "categorical" (yes/no flags: two colours, a legend, no ramp) or
    "presence" (counts of detected cases: one colour for "data reported", never a ramp that reads as prevalence).
    """
    if df.empty:
        return empty_figure(_("No country data for this selection"), height=380)
    when = df["when"] if "when" in df.columns else df["year"].astype("Int64").astype(str)
    common = {"locations": df["iso3"].tolist(), "locationmode": _('ISO-3'), "customdata": df["iso3"].tolist(),
              "text": (df["name"] + " (" + when + ")").tolist(), "marker": {"line": {"color": "white", "width": 0.4}}}  # fmt: skip
    if scale == "categorical":
        yes = df["value"] > 0
        colours = [[0, OKABE_ITO[1]], [0.5, OKABE_ITO[1]], [0.5, OKABE_ITO[0]], [1, OKABE_ITO[0]]]
        common["text"] = [f"{t}: {_('yes') if y else _('no')}" for t, y in zip(common["text"], yes, strict=True)]
        trace = go.Choropleth(**common, z=yes.astype(int).tolist(), zmin=0, zmax=1, colorscale=colours,
                              colorbar={"tickvals": [0.25, 0.75], "ticktext": [_("no"), _("yes")], "thickness": 12, "len": 0.4},
                              hovertemplate="%{text}<extra></extra>")  # fmt: skip
    elif scale == "presence":
        trace = go.Choropleth(**common, z=[1] * len(df), zmin=0, zmax=1, showscale=False,
                              colorscale=[[0, OKABE_ITO[0]], [1, OKABE_ITO[0]]],
                              hovertemplate="%{text}<br>" + _("data reported (%(unit)s)", unit=unit) + "<extra></extra>")  # fmt: skip
    else:
        common["text"] = [f"{t}<br>{v}" for t, v in zip(common["text"], hover_values(df, decimals), strict=True)]
        trace = go.Choropleth(**common, z=df["value"].tolist(), colorscale="Viridis", reversescale=not reverse,
                              colorbar={"title": {"text": unit, "side": "right"}, "thickness": 12, "len": 0.8},
                              hovertemplate="%{text}<extra></extra>")  # fmt: skip
    geo = {
        "projection": {"type": "equirectangular"},
        "showframe": False,
        "showcoastlines": False,
        "showland": True,
        "landcolor": "#E9ECEF",
        "showcountries": True,
        "countrycolor": "white",
        "lataxis": {"range": [-58, 85]},
        "bgcolor": "white",
    }
    return go.Figure([trace], layout=_layout(title, 420, geo=geo, margin={"l": 0, "r": 0, "t": 48, "b": 0}))
