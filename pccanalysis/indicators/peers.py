"""A force (or CSP) against its peers: rates per 1,000 people, change, rank and a funnel plot.

Input is a tidy frame of counts for several units (forces, CSPs, local authorities), e.g.
``month, force, crime_type, count`` from
:func:`pccanalysis.sources.police_uk.national.count_by_csp`, :func:`pccanalysis.indicators.counts.count_by`,
or the street rows themselves (``count_column=None``, one row per crime) of several forces read
at once by :func:`pccanalysis.sources.police_uk.read.read_street`; plus a population per unit.

For the chosen :class:`~pccanalysis.indicators.period_pair.PeriodPair` each unit gets

- its rate per 1,000 people over the current period, with an exact (Garwood) interval below 10
  events and Byar's approximation above (:func:`pccanalysis.indicators.counts.rates`);
- its rank among the group (1 = the highest rate);
- its change from the previous period with the exact conditional test and a verdict
  (:func:`pccanalysis.indicators.change.change_by`);
- a funnel-plot assessment of the current rates against the group's pooled rate, with
  over-dispersion handled (:func:`pccanalysis.indicators.funnel.funnel`);

and the focus unit's change is set against the rest of the group's, pooled
(:func:`pccanalysis.indicators.comparator.compare_to_comparator`): "fell faster than its peers".

Who the peers are
-----------------
The caller names them. Forces and CSPs are usually compared with their "most similar group"
(the Home Office's most similar groups of forces and of CSPs, as iQuanta publishes them: areas
alike in demography and deprivation, not in place). Neighbouring forces would be another
choice, but the ONS lookups (LSOA -> ward -> LAD -> CSP -> police force area) say which area
lies inside which, not which areas touch, so neighbours cannot be derived from them; supply
the list. With no list, every unit in the frame is a peer.

A unit whose data lack a month of the comparison (no row of any crime type: a force missing
from a month's publication) would show a false fall and a false low rate. Such units are kept
in the change table with a note but left out of the rates, the ranking and the funnel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np
import pandas as pd

from ..errors import DataError
from ..periods import to_month
from .change import change_by
from .comparator import ComparatorResult, compare_to_comparator
from .counts import ALL_CRIME, _month_series, _require_columns, all_crime, rates
from .funnel import Funnel, funnel
from .options import TestOptions, resolve_options
from .period_pair import PeriodPair

__all__ = ["PeerComparison", "compare_with_peers", "peer_rates", "population_for"]


def _close(name: str, names) -> str:
    near = get_close_matches(str(name), [str(n) for n in names], n=1, cutoff=0.6)
    return f" (did you mean {near[0]!r}?)" if near else ""


def _middle_year(months: Sequence[pd.Period]) -> int:
    months = sorted(months)
    return months[len(months) // 2].year


def population_for(population, units: Sequence[str], *, unit: str = "area_name",
                   year: int | None = None) -> tuple[pd.Series, int | None]:
    """The population of each unit, from a table, a Series or a mapping.

    Parameters
    ----------
    population : DataFrame, Series or mapping
        A frame with a ``population`` column keyed by a column named like ``unit``, else
        ``area_name``, else ``area_code`` (the layout of
        :func:`pccanalysis.sources.geography.read_population`), with an optional ``year``
        column; or a Series / mapping from unit name to population [people].
    units : sequence of str
        The units wanted.
    unit : str
        Name of the unit column in the counts (tried first as the key column).
    year : int, optional
        Which year's figures to use when the table has a ``year`` column: that year, else the
        latest year before it (mid-year estimates are published late), else the earliest year.
        Required when the table has several years.

    Returns
    -------
    (pandas.Series, int or None)
        Populations indexed by unit (float), and the year used (None for a table without
        years).

    Raises
    ------
    DataError
        When a unit has no population, or a population is not positive.
    """
    used_year = None
    if isinstance(population, pd.DataFrame):
        _require_columns(population, ["population"])
        key = next((c for c in (unit, "area_name", "area_code") if c in population.columns), None)
        if key is None:
            raise DataError(f"the population table needs a column named {unit!r}, "
                            "'area_name' or 'area_code'", column=unit)
        table = population
        if "year" in table.columns:
            years = sorted(int(y) for y in table["year"].dropna().unique())
            if year is None:
                if len(years) > 1:
                    raise DataError("the population table holds several years: say which to use",
                                    column="year")
                used_year = years[0] if years else None
            else:
                before = [y for y in years if y <= year]
                used_year = before[-1] if before else years[0]
            table = table[table["year"] == used_year]
        series = pd.Series(table["population"].to_numpy(dtype=float),
                           index=table[key].astype("str").to_numpy())
        if not series.index.is_unique:
            dup = series.index[series.index.duplicated()][0]
            raise DataError(f"{dup!r} appears more than once in the population table",
                            column=key)
    else:
        series = pd.Series(dict(population) if isinstance(population, Mapping) else population,
                           dtype=float)
        series.index = series.index.astype("str")
        key = "population"
    out = {}
    for name in units:
        name = str(name)
        if name not in series.index:
            raise DataError(f"there is no population for {name!r}{_close(name, series.index)}",
                            column=key)
        value = series[name]
        if not value > 0:
            raise DataError(f"the population of {name!r} must be above zero, not {value:g}",
                            column="population")
        out[name] = float(value)
    return pd.Series(out, dtype=float), used_year


def _filter_type(frame: pd.DataFrame, crime_type) -> tuple[pd.DataFrame, str]:
    if crime_type is None:
        return frame, "all rows"
    _require_columns(frame, ["crime_type"])
    if isinstance(crime_type, str):
        if crime_type == ALL_CRIME:
            return all_crime(frame), ALL_CRIME
        types = [crime_type]
    else:
        types = list(crime_type)
    have = set(frame["crime_type"].astype("str").unique())
    for t in types:
        if t not in have:
            raise DataError(f"no rows have the crime type {t!r}{_close(t, have)}",
                            column="crime_type")
    label = types[0] if len(types) == 1 else ", ".join(types)
    return frame[frame["crime_type"].astype("str").isin(types)], label


def _group(frame: pd.DataFrame, unit: str, focus: str | None,
           peers: Sequence[str] | None) -> list[str]:
    _require_columns(frame, [unit])
    seen = [str(v) for v in pd.unique(frame[unit].dropna())]
    wanted = list(seen) if peers is None else [str(p) for p in peers]
    if focus is not None:
        wanted = [str(focus)] + [p for p in wanted if p != str(focus)]
    wanted = list(dict.fromkeys(wanted))
    for name in wanted:
        if name not in seen:
            raise DataError(f"no rows are for {name!r}{_close(name, seen)}", column=unit)
    if len(wanted) < 2:
        raise DataError("a peer comparison needs at least two units", column=unit)
    return wanted


def _missing_months(frame: pd.DataFrame, unit: str, units: list[str],
                    months: Sequence[pd.Period]) -> dict[str, list[pd.Period]]:
    """Months of ``months`` in which a unit has no row at all (before any crime-type filter)."""
    codes, uniques = pd.factorize(frame[unit])
    pairs = pd.DataFrame({"u": codes, "m": _month_series(frame).array.asi8}).drop_duplicates()
    have = {str(uniques[c]): set(g) for c, g in pairs.groupby("u")["m"] if c >= 0}
    return {u: [m for m in months if m.ordinal not in have.get(u, set())] for u in units}


def peer_rates(counts: pd.DataFrame, population, *, unit: str, months: Sequence,
               count_column: str | None = "count", units: Sequence[str] | None = None,
               population_year: int | None = None, per: float = 1000,
               alpha: float = 0.05) -> pd.DataFrame:
    """Each unit's rate per ``per`` people over some months, with its interval and rank.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with ``month``, the ``unit`` column and ``count_column`` (None: each row
        counts one), already filtered to what is counted.
    population : DataFrame, Series or mapping
        See :func:`population_for`.
    unit : str
        The unit column ("force", "csp_name", "falls_within", "lad_name").
    months : sequence of month-like
        The months summed (e.g. ``comparison.current_months``).
    units : sequence of str, optional
        Which units (default every unit in ``counts``); a unit with no rows counts 0.
    population_year : int, optional
        See :func:`population_for` (``year``); default the year of the middle month.
    per : float
        Rate base (1,000).
    alpha : float
        One minus the confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        ``unit`` (named as the unit column), ``count``, ``population``, ``rate``,
        ``rate_low``, ``rate_high`` (per ``per`` people over the months), ``rate_method``,
        ``rank`` (1 = highest rate; ties share the better rank) and ``n_units``; sorted by
        rank. ``attrs["population_year"]`` is the population year used.
    """
    months = [to_month(m) for m in months]
    _require_columns(counts, [unit] + ([count_column] if count_column else []))
    if units is None:
        units = list(dict.fromkeys(counts[unit].dropna().astype("str")))
    units = [str(u) for u in units]
    month = _month_series(counts)
    inside = month.isin(months).to_numpy()
    weight = (np.ones(len(counts)) if count_column is None
              else pd.to_numeric(counts[count_column], errors="coerce").to_numpy(dtype=float))
    if np.isnan(weight).any():
        raise DataError("some counts are missing or not numbers", column=count_column)
    totals = pd.Series(np.where(inside, weight, 0.0)).groupby(
        counts[unit].astype("str").to_numpy()).sum()
    total = totals.reindex(units, fill_value=0.0)
    year = _middle_year(months) if population_year is None else population_year
    pop, used_year = population_for(population, units, unit=unit, year=year)
    table = pd.DataFrame({unit: units, "count": total.to_numpy(), "population": pop.to_numpy()})
    if (table["count"] % 1 == 0).all():
        table["count"] = table["count"].astype("int64")
    table = rates(table, per=per, alpha=alpha)
    table["rank"] = table["rate"].rank(ascending=False, method="min").astype("int64")
    table["n_units"] = len(table)
    table = table.sort_values(["rank", unit], kind="stable").reset_index(drop=True)
    table.attrs["population_year"] = used_year
    return table


@dataclass(frozen=True, eq=False)
class PeerComparison:
    """A unit compared with its peers.

    Attributes
    ----------
    focus : str
        The unit being compared (a force, CSP, ...).
    unit : str
        The unit column ("force", "csp_name", ...).
    what : str
        What was counted ("All crime", "Burglary", "all rows").
    comparison : PeriodPair
        The two periods; rates are over ``comparison.current_months``.
    per : float
        Rate base (1,000).
    population_year : int or None
        The population year used.
    table : pandas.DataFrame
        One row per unit, highest rate first: the unit column, ``is_focus``, ``count`` (current
        period), ``population``, ``rate``, ``rate_low``, ``rate_high``, ``rate_method``,
        ``rank``, ``n_units``, ``previous`` (count), ``percent`` (change, NaN when the
        previous count is 0), ``p_value``, ``verdict`` ("rose" / "fell" / "similar"),
        ``expected`` (events at the peer rate), ``z``, ``z_adjusted``, the funnel limits at the
        unit's population (``lower_95`` ...) and ``flag`` (a key of
        :data:`pccanalysis.indicators.funnel.FLAG_WORDS`), and ``months_missing`` (months of
        the comparison with no data). Units with missing current months have no rate, rank or
        flag.
    change : pandas.DataFrame
        The :func:`~pccanalysis.indicators.change.change_by` table (every field of
        :class:`~pccanalysis.indicators.change.ChangeResult`), one row per unit.
    funnel : Funnel
        The funnel assessment of the current rates.
    focus_vs_peers : ComparatorResult or None
        The focus unit's change against the rest of the group pooled (units with data for
        every month compared); None when the two periods differ in length.
    notes : tuple of str
        Caveats to report (units left out, the population year used, few units for phi).
    """

    focus: str
    unit: str
    what: str
    comparison: PeriodPair
    per: float
    population_year: int | None
    table: pd.DataFrame
    change: pd.DataFrame
    funnel: Funnel
    focus_vs_peers: ComparatorResult | None
    notes: tuple[str, ...]

    @property
    def focus_row(self) -> pd.Series:
        """The focus unit's row of :attr:`table`."""
        return self.table.loc[self.table["is_focus"]].iloc[0]

    @property
    def peers(self) -> list[str]:
        """The other units, in the table's order."""
        return [u for u in self.table[self.unit] if u != self.focus]


def compare_with_peers(counts: pd.DataFrame, population, *, focus: str,
                       comparison: PeriodPair, unit: str = "force",
                       peers: Sequence[str] | None = None,
                       crime_type: str | Sequence[str] | None = ALL_CRIME,
                       count_column: str | None = "count", population_year: int | None = None,
                       per: float = 1000, overdispersion: str = "additive",
                       options: TestOptions | None = None, **keywords) -> PeerComparison:
    """Compare a force (or CSP, or area) with its peers on rates per 1,000 and on change.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy frame of several units: ``month``, the ``unit`` column, ``crime_type`` (unless
        ``crime_type`` is None) and ``count_column``; with ``count_column=None`` each row
        counts one (street rows).
    population : DataFrame, Series or mapping
        Population per unit (see :func:`population_for`).
    focus : str
        The unit compared with the others.
    comparison : PeriodPair
        The periods, e.g. ``rolling_12_months("2021-03")`` or
        ``same_period_last_year("2020-21")``.
    unit : str
        The unit column ("force", "csp_name", "falls_within", "lad_name").
    peers : sequence of str, optional
        The peer group (e.g. the most similar group); the focus is added when absent. Default:
        every unit in ``counts``. Rows of other units are ignored.
    crime_type : str, sequence of str or None
        What is counted: "All crime" (every type but ASB; the default), one crime type, a list
        of types, or None for every row as given.
    count_column : str or None
        The count column; None when each row is one crime.
    population_year : int, optional
        Population year; default the year of the current period's middle month (or the latest
        year before it in the table).
    per : float
        Rate base: 1,000 gives rates per 1,000 people over the current period.
    overdispersion : {"additive", "multiplicative", "none"}
        Funnel limits' over-dispersion handling (see :mod:`pccanalysis.indicators.funnel`).
    options : TestOptions, optional
        The change table's test (:func:`~pccanalysis.indicators.change.change_by` reads every
        field); ``alpha`` is also the level of the rate intervals and of the focus's
        comparison with its peers (Fisher's exact test).
    **keywords
        Any field of :class:`~pccanalysis.indicators.options.TestOptions` (``alpha``,
        ``method``, ...), overriding that field of ``options``.

    Returns
    -------
    PeerComparison

    Raises
    ------
    DataError
        A unit named but absent from the counts, a unit without a population, an unknown
        crime type.
    PeriodError
        When the data do not cover the comparison's months at all.
    """
    opts = resolve_options(options, keywords, "compare_with_peers")
    focus = str(focus)
    units = _group(counts, unit, focus, peers)
    frame = counts[counts[unit].astype("str").isin(units)]
    missing = _missing_months(frame, unit, units, comparison.months)
    frame, what = _filter_type(frame, crime_type)

    change = change_by(frame, comparison, unit, count_column=count_column, options=opts)
    change[unit] = change[unit].astype("str")
    by_unit = change.set_index(unit).reindex(units)
    if by_unit["current"].isna().any():  # a unit with rows only of other crime types
        absent = by_unit.index[by_unit["current"].isna()]
        by_unit.loc[absent, ["current", "previous"]] = 0

    incomplete, notes = _incomplete(units, missing, comparison, focus, unit)
    complete = [u for u in units if u not in incomplete]
    rate_table = peer_rates(frame, population, unit=unit, months=comparison.current_months,
                            count_column=count_column, units=complete,
                            population_year=population_year, per=per, alpha=opts.alpha)
    used_year = rate_table.attrs.get("population_year")
    if used_year is not None:
        notes.append(f"Populations are mid-{used_year} figures.")
    assessment = funnel(rate_table["count"].to_numpy(), rate_table["population"].to_numpy(),
                        rate_table[unit].tolist(), kind="rate", per=per,
                        overdispersion=overdispersion)
    if len(complete) < 10 and overdispersion != "none":
        notes.append(f"With {len(complete)} units the over-dispersion estimate is rough.")
    table = _peer_table(rate_table, assessment, by_unit, unit, focus, incomplete, missing)

    vs = _focus_against_rest(by_unit, focus, complete, what, comparison, opts.alpha)
    if vs is None:
        notes.append("The periods differ in length, so the focus is not compared with its "
                     "peers' change.")
    return PeerComparison(
        focus=focus, unit=unit, what=what, comparison=comparison, per=float(per),
        population_year=used_year, table=table, change=change,
        funnel=assessment, focus_vs_peers=vs, notes=tuple(notes),
    )


def _focus_against_rest(by_unit: pd.DataFrame, focus: str, complete: list[str], what: str,
                        comparison: PeriodPair, alpha: float) -> ComparatorResult | None:
    """The focus's change against the rest of the complete units pooled (Fisher's exact test),
    or None when the periods differ in length."""
    if len(comparison.current_months) != len(comparison.previous_months):
        return None
    rest = by_unit.loc[[u for u in complete if u != focus]]
    return compare_to_comparator(
        int(by_unit.loc[focus, "current"]), int(by_unit.loc[focus, "previous"]),
        int(rest["current"].sum()), int(rest["previous"].sum()),
        label=f"{what}, {focus}", comparator_label="its peers",
        current_label=comparison.current_label, previous_label=comparison.previous_label,
        options=TestOptions(alpha=alpha),
    )


def _incomplete(units: list[str], missing: dict, comparison: PeriodPair, focus: str,
                unit: str) -> tuple[list[str], list[str]]:
    """The units missing a month of the current period (left out of the rates), and a note
    for every unit missing any compared month."""
    current = set(comparison.current_months)
    incomplete = [u for u in units if any(m in current for m in missing[u])]
    notes = []
    for u in units:
        if missing[u]:
            months = ", ".join(str(m) for m in missing[u])
            notes.append(f"{u} has no data for {months}: its change is not like for like"
                         + (" and it is left out of the rates, ranking and funnel."
                            if u in incomplete else "."))
    if focus in incomplete:
        raise DataError(f"{focus!r} has no data for some months of {comparison.current_label}, "
                        "so its rate cannot be compared", column=unit)
    if len(units) - len(incomplete) < 2:
        raise DataError("fewer than two units have data for every month compared", column=unit)
    return incomplete, notes


def _peer_table(rate_table: pd.DataFrame, assessment: Funnel, by_unit: pd.DataFrame, unit: str,
                focus: str, incomplete: list[str], missing: dict) -> pd.DataFrame:
    """One row per unit: rate, rank and funnel flag beside the change (see PeerComparison)."""
    table = rate_table.merge(
        assessment.units.drop(columns=["observed", "denominator", "value", "target"])
        .rename(columns={"unit": unit}),
        on=unit, how="left",
    )
    if incomplete:
        table = pd.concat([table, pd.DataFrame({unit: incomplete})], ignore_index=True)
    table["is_focus"] = table[unit] == focus
    table["previous"] = by_unit.loc[table[unit], "previous"].to_numpy()
    table["percent"] = by_unit.loc[table[unit], "percent"].to_numpy(dtype=float)
    table["p_value"] = by_unit.loc[table[unit], "p_value"].to_numpy(dtype=float)
    table["verdict"] = by_unit.loc[table[unit], "verdict"].fillna("similar").to_numpy()
    table["months_missing"] = [len(missing[u]) for u in table[unit]]
    if incomplete:
        table["count"] = by_unit.loc[table[unit], "current"].to_numpy()
    for col in ("count", "previous"):
        if (table[col] % 1 == 0).all():
            table[col] = table[col].astype("int64")
    if "rank" in table and table["rank"].isna().any():
        table["rank"] = table["rank"].astype("Int64")
        table["n_units"] = table["n_units"].astype("Int64")
    first = [unit, "is_focus", "count", "population", "rate", "rate_low", "rate_high",
             "rate_method", "rank", "n_units", "previous", "percent", "p_value", "verdict"]
    return table[first + [c for c in table.columns if c not in first]].reset_index(drop=True)
