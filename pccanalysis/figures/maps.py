"""Maps: hexagonal-bin counts of located incidents, and wards shaded by a value (choropleth)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from ..numbers import format_count, format_number
from ..sources.boundaries import read_boundaries
from .axes import count_formatter, require_columns
from .style import FIG_WIDTH, TEXT_GREY, append_source, chart_alt, house_style, new_figure


def _scale_bar(ax, mid_lat: float) -> None:
    """A kilometre scale bar in the lower left, sized to about a fifth of the map's width."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km_per_degree = 111.32 * math.cos(math.radians(mid_lat))
    width_km = (x1 - x0) * km_per_degree
    length = next((k for k in (50, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1) if k <= width_km / 5), 0.1)
    start_x, start_y = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    ax.plot([start_x, start_x + length / km_per_degree], [start_y, start_y], color="black",
            linewidth=2.5, solid_capstyle="butt", zorder=5, gid="scale-bar")
    ax.text(start_x, start_y + 0.015 * (y1 - y0), f"{format_number(length, 0 if length >= 1 else 1)} km",
            fontsize=8, va="bottom", ha="left", zorder=5)


def polygon_rings(geometry) -> list[np.ndarray]:
    """Every ring (exterior and holes) of a shapely Polygon or MultiPolygon, as (n, 2) arrays."""
    parts = getattr(geometry, "geoms", [geometry])
    return [np.asarray(ring.coords)[:, :2] for part in parts
            for ring in (part.exterior, *part.interiors)]


def _shapes(boundaries) -> list[dict] | None:
    if boundaries is None:
        return None
    if isinstance(boundaries, (str, Path)):
        boundaries = read_boundaries(boundaries)
    if isinstance(boundaries, pd.DataFrame):
        return [{"name": name, "rings": polygon_rings(geom)}
                for name, geom in zip(boundaries["name"], boundaries["geometry"], strict=True)]
    return list(boundaries)


def hotspot_map(
    frame: pd.DataFrame,
    *,
    title: str,
    source: str,
    what: str = "incidents",
    gridsize: int = 30,
    boundaries: str | Path | pd.DataFrame | Sequence[dict] | None = None,
    label_boundaries: bool = False,
    suppress_below: int | None = None,
    alt: str | None = None,
) -> Figure:
    """Hexagonal-bin counts of located incidents, optionally over area boundaries.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ``longitude`` and ``latitude`` in degrees (WGS84); rows without a location
        (NaN) are left out and counted in the alt text.
    what : str
        Plural noun for what is counted, used in labels ("crimes", "ASB incidents").
    gridsize : int
        Number of hexagons across the map.
    boundaries : path, DataFrame or list of dict, optional
        A boundary file or folder (read with
        :func:`pccanalysis.sources.boundaries.read_boundaries`), its result, or
        ``{"name", "rings"}`` dicts; drawn as outlines under the hexagons. No map tiles.
    suppress_below : int, optional
        Hide hexagons with fewer than this many incidents (disclosure control); the number of
        incidents hidden is stated in the source line.

    Returns
    -------
    matplotlib.figure.Figure
        The hexbin collection carries the counts: ``fig.axes[0].collections`` holds it (gid
        ``"hotspots"``); ``fig.pcc_max_cell`` is the largest cell count shown.
    """
    require_columns(frame, ["longitude", "latitude"], "hotspot_map")
    lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype=float)
    located = np.isfinite(lon) & np.isfinite(lat)
    n_missing = int((~located).sum())
    lon, lat = lon[located], lat[located]
    if lon.size == 0:
        raise ValueError("hotspot_map: no located rows to map")
    shapes = _shapes(boundaries)
    description = f"Map of {format_count(lon.size)} {what} counted in hexagonal cells"
    if n_missing:
        verb = "is" if n_missing == 1 else "are"
        description += f" ({format_count(n_missing)} without a location {verb} not shown)"
    mincnt = max(1, int(suppress_below)) if suppress_below else 1
    with house_style():
        fig = new_figure(title=title, source=source, alt=chart_alt(description, title, alt),
                         width=FIG_WIDTH, height=5.6)
        ax = fig.add_subplot()
        ax.grid(False)
        mid_lat = float(np.nanmean(lat))
        # degrees of longitude shrink with latitude: keep the map's shape true
        ax.set_aspect(1.0 / math.cos(math.radians(mid_lat)))
        extent = None
        if shapes:
            xs = np.concatenate([r[:, 0] for s in shapes for r in s["rings"]])
            ys = np.concatenate([r[:, 1] for s in shapes for r in s["rings"]])
            extent = (min(xs.min(), lon.min()), max(xs.max(), lon.max()),
                      min(ys.min(), lat.min()), max(ys.max(), lat.max()))
        hb = ax.hexbin(lon, lat, gridsize=gridsize, mincnt=mincnt, cmap="viridis_r",
                       linewidths=0.2, edgecolors="white", extent=extent, zorder=2,
                       gid="hotspots")
        counts = hb.get_array()
        shown = int(np.asarray(counts).sum()) if counts is not None else 0
        fig.pcc_max_cell = int(np.max(counts)) if counts is not None and len(counts) else 0
        if shapes:
            for shape in shapes:
                for ring in shape["rings"]:
                    ax.add_patch(Polygon(ring, closed=True, fill=False, edgecolor=TEXT_GREY,
                                         linewidth=0.6, zorder=3, gid=f"boundary-{shape['name']}"))
                if label_boundaries:
                    ring = max(shape["rings"], key=len)
                    cx, cy = ring[:, 0].mean(), ring[:, 1].mean()
                    ax.text(cx, cy, shape["name"], ha="center", va="center", fontsize=7,
                            color="black", zorder=4)
        cbar = fig.colorbar(hb, ax=ax, shrink=0.7, pad=0.02)
        cbar.set_label(f"{what.capitalize()} per cell")
        cbar.ax.yaxis.set_major_formatter(count_formatter())
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        _scale_bar(ax, mid_lat)
        if suppress_below and shown < lon.size:
            hidden = lon.size - shown
            note = (f"Cells with fewer than {suppress_below} {what} are not shown "
                    f"({format_count(hidden)} {what} in all).")
            append_source(fig, note)
    return fig


def ward_choropleth(
    values: pd.DataFrame,
    boundaries: pd.DataFrame,
    *,
    title: str,
    source: str,
    what: str,
    suppress_below: int | None = None,
    alt: str | None = None,
) -> Figure:
    """Wards shaded by a value, each labelled with it, so colour is never the only cue.

    Parameters
    ----------
    values : DataFrame
        ``code`` (ward code), ``label`` (ward name as shown) and ``value`` (float; NaN for a
        ward with no figure, drawn hatched and labelled "no figure").
    boundaries : DataFrame
        From :func:`pccanalysis.sources.boundaries.read_boundaries`: ``code`` and ``geometry``
        of the wards to draw (longitude/latitude). No map tiles: nothing is fetched.
    what : str
        What the value is, for the colour bar and alt text ("crimes", "crimes per 1,000
        residents").
    suppress_below : int, optional
        Values under this are not shown (hatched, labelled "fewer than N"): for counts of
        people.

    Returns
    -------
    matplotlib.figure.Figure
        Each ward's patch has gid ``ward-<code>``; ``fig.pcc_values`` maps code to the value
        drawn (NaN where hidden).
    """
    require_columns(values, ["code", "label", "value"], "ward_choropleth")
    drawn = boundaries.merge(values, on="code", how="inner")
    if drawn.empty:
        raise ValueError("ward_choropleth: none of the wards has a boundary")
    value = drawn["value"].astype(float).to_numpy()
    hidden = np.isnan(value) | ((value < suppress_below) if suppress_below else False)
    shown = np.where(hidden, np.nan, value)
    low, high = (np.nanmin(shown), np.nanmax(shown)) if np.isfinite(shown).any() else (0, 1)
    cmap = matplotlib.colormaps["viridis_r"]
    norm = matplotlib.colors.Normalize(vmin=low, vmax=high if high > low else low + 1)
    description = (f"Map of {len(drawn)} wards shaded by {what}, each labelled with its value")
    with house_style():
        fig = new_figure(title=title, source=source, alt=chart_alt(description, title, alt),
                         width=FIG_WIDTH, height=5.6)
        ax = fig.add_subplot()
        ax.grid(False)
        bounds = shapely.bounds(np.asarray(drawn["geometry"], dtype=object))
        mid_lat = float((bounds[:, 1].min() + bounds[:, 3].max()) / 2)
        ax.set_aspect(1.0 / math.cos(math.radians(mid_lat)))
        for code, label, geom, raw, v, hide in zip(drawn["code"], drawn["label"],
                                                   drawn["geometry"], value, shown, hidden,
                                                   strict=True):
            face = "white" if hide else cmap(norm(v))
            for ring in polygon_rings(geom):
                ax.add_patch(Polygon(ring, closed=True, facecolor=face, edgecolor=TEXT_GREY,
                                     linewidth=0.6, hatch="///" if hide else None,
                                     gid=f"ward-{code}"))
            point = geom.representative_point()
            if np.isnan(raw):
                text = "no figure"
            elif hide:
                text = f"fewer than {suppress_below}"
            else:
                text = format_number(v, 1 if v < 100 else 0)
            dark = not hide and norm(v) > 0.55
            ax.text(point.x, point.y, f"{label}\n{text}", ha="center", va="center", fontsize=6,
                    color="white" if dark else "black", zorder=4)
        ax.set_xlim(bounds[:, 0].min(), bounds[:, 2].max())
        ax.set_ylim(bounds[:, 1].min(), bounds[:, 3].max())
        bar = fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax,
                           shrink=0.7, pad=0.02)
        bar.set_label(what[:1].upper() + what[1:])
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        _scale_bar(ax, mid_lat)
        fig.pcc_values = dict(zip(drawn["code"], shown, strict=True))
    return fig
