"""The needs assessment's sections: rolling-year headline, long-run trends, local against
national, where crime happens (ward shares, rates per resident, hotspots) and harm."""

from __future__ import annotations

import pandas as pd

from ..config import Config
from ..figures.comparator import comparator_chart
from ..figures.counts import share_chart
from ..figures.funnel import funnel_plot
from ..figures.harm import harm_chart
from ..figures.maps import hotspot_map, ward_choropleth
from ..indicators.change import between, compare_counts, rolling_12_months, share_change
from ..indicators.comparator import compare_to_comparator
from ..indicators.counts import all_crime, count_by, shares
from ..indicators.funnel import funnel
from ..indicators.harm import harm_index
from ..indicators.peers import peer_rates, population_for
from ..indicators.wards import COVERAGE_THRESHOLD, coverage_differs, ward_labels
from ..narrative.change import share_sentence
from ..narrative.comparator import (
    comparator_sentence,
    comparator_title,
    format_level,
    level_comparison_sentence,
)
from ..narrative.funnel import funnel_method_sentence, funnel_sentence, funnel_title
from ..narrative.harm import harm_sentence
from ..narrative.wards import ward_coverage_sentence, ward_withheld_sentence
from ..narrative.words import as_title
from ..numbers import format_count, format_number, format_percent, join_words, plural
from ..periods import Quarter, parse_period
from ..sources.geography import read_population
from ..sources.harm_weights import read_harm_weights
from ..sources.indicator_tables import read_indicator_tables
from .common import (
    ASB,
    Section,
    area_wards,
    asb_rows,
    data_gaps,
    headline_change,
    local_source,
    months_short,
    months_to,
    police_source,
    shown_if_history,
    spc_trend,
    too_little_history,
    ward_coverage_of,
)
from .html import simple_table_html
from .inputs import AreaData


def needs_headline(data: AreaData, quarter: Quarter, gaps=None) -> Section:
    """Headline for the needs assessment: the 12 months to the quarter's end against the 12
    before, for all crime, violence and sexual offences, and ASB (over-dispersion allowed for
    and publication-gap months left out, as in :func:`performance_headline`)."""
    gaps = data_gaps(data) if gaps is None else gaps
    comp = rolling_12_months(quarter)
    if months_short(data, comp.months):
        return too_little_history("The headline figures", data, comp.months)
    section = Section()
    violence = "Violence and sexual offences"
    for frame, label, short in ((all_crime(data.frame), "All crime", "Crime"),
                                (data.frame[data.frame["crime_type"] == violence], violence,
                                 "Violence and sexual offences"),
                                (asb_rows(data.frame), ASB, "ASB")):
        headline_change(section, data, frame, comp, label, short, f"{short}, 12 months", gaps,
                         key=short)
    return section


@shown_if_history("The long-run trend", plural=False)
def long_run_trend(config: Config, data: AreaData, quarter: Quarter, what: str, gaps=None) -> Section:
    """A long-run monthly trend with SPC limits (all months to the quarter's end)."""
    return spc_trend(config, data, quarter, what, gaps=gaps)


@shown_if_history("The wards' shares of crime")
def ward_shares(config: Config, data: AreaData, quarter: Quarter) -> Section:
    """Each ward's share of all crime by financial year, with the largest wards highlighted.

    The sentence (and the chart's title) is about the ward with the largest share in the latest
    full financial year: its share then against the year before, with the verdict of Fisher's
    exact test (:func:`~pccanalysis.indicators.change.share_change`), so a share is said to
    have risen or fallen only when the change is unlikely to be chance.
    """
    months = months_to(data, quarter)
    crime = all_crime(area_wards(data))
    counts = count_by(crime, by="ward", period="financial_year", months=months)
    full_years = counts[counts["months"] == 12]
    if full_years.empty:
        year = quarter.financial_year.months
        return too_little_history("Each ward's share of crime by financial year", data, year,
                                  plural=False)
    table = shares(full_years.drop(columns=["months"]), of="ward")
    years = sorted(table["financial_year"].unique())
    latest, first = years[-1], years[0]
    top = table[table["financial_year"] == latest].nlargest(1, "share").iloc[0]
    results = {"shares": table}
    # Shares are of the crime placed in the area's wards: the denominator is named as such.
    of = "the crime placed in the area's wards"
    compared = [str(y) for y in reversed(years[-2:])]  # latest first, as in the sentence
    coverage = ward_coverage_of(data, {y: parse_period(y).months for y in compared})
    results["coverage"] = coverage
    notes = [ward_coverage_sentence(coverage, vintage=data.ward_vintage)]
    if len(years) > 1 and coverage_differs(coverage):
        notes.insert(0, ward_withheld_sentence(coverage, COVERAGE_THRESHOLD))
    if len(years) > 1 and not coverage_differs(coverage):
        result = share_change(crime, "ward", top["ward"],
                              between(str(latest), str(years[-2]), kind="financial year"))
        sentence = share_sentence(result, of, subject=str(top["ward"]), usual=False)
        title = as_title(sentence)
        results["share"] = result
    else:
        sentence = (f"{top['ward']} had the largest share of {of} in {latest}: "
                    f"{format_percent(top['share'])}.")
        title = f"{top['ward']} had the largest share of crime in {latest}"
    fig = share_chart(table.rename(columns={"ward": "area", "financial_year": "period"}),
                      title=title, source=police_source(config),
                      alt=f"Line chart of each ward's share of crime, {first} to {latest}: "
                          f"{as_title(sentence)}.")
    findings = [sentence] if "share" in results and results["share"].verdict != "similar" else []
    return Section(sentences=[sentence, *notes], figures=[fig], results=results,
                   findings=findings)


def local_against_national(config: Config, area: str) -> Section:
    """Each indicator-table series with a comparator: the latest year against the year before,
    locally and for the comparator (e.g. recorded suicide against England)."""
    if not config.data.indicator_tables:
        return Section(missing="No indicator tables are configured (data.indicator_tables).")

    table, dq = read_indicator_tables(config.data.indicator_tables)
    local = table[(table["area"] == area) & table["comparator_area"].notna()
                  & (table["breakdown"] == "All")]
    section = Section(quality=[dq])
    for (indicator, comparator), rows in local.groupby(["indicator", "comparator_area"],
                                                       sort=False):
        rows = rows.sort_values("period_start")
        if len(rows) < 2:
            continue
        now, before = rows.iloc[-1], rows.iloc[-2]
        theirs = table[(table["indicator"] == indicator) & (table["area"] == comparator)
                       & (table["breakdown"] == "All")]
        c_now = theirs[theirs["period_label"] == now["period_label"]]["value"]
        c_before = theirs[theirs["period_label"] == before["period_label"]]["value"]
        if c_now.empty or c_before.empty:
            continue
        units = {str(u) for u in (now["unit"], before["unit"])} | {
            str(u) for u in theirs["unit"].dropna()}
        if units != {"count"}:
            # a rate or a percentage is not a count: shown as it is, never tested as one
            _level_comparison(section, indicator, area, comparator, now, before,
                              float(c_now.iloc[0]), float(c_before.iloc[0]),
                              "rate" if "rate" in units else "percentage")
            continue
        result = compare_to_comparator(
            int(now["value"]), int(before["value"]), int(c_now.iloc[0]), int(c_before.iloc[0]),
            subtract_local=True, label=indicator, comparator_label=comparator,
            current_label=now["period_label"], previous_label=before["period_label"])
        change = compare_counts(int(now["value"]), int(before["value"]), label=indicator,
                                current_label=now["period_label"],
                                previous_label=before["period_label"])
        # the comparator's own change, tested like the local one, so its "rise" is not noise
        # (its counts as the comparison used them: without the local area's)
        theirs_change = compare_counts(int(result.comparator_current),
                                       int(result.comparator_previous), label=comparator,
                                       current_label=now["period_label"],
                                       previous_label=before["period_label"])
        sentence = comparator_sentence(result, f"The number of {indicator.lower()}", local=change,
                                       comparator=theirs_change)
        section.results[f"{indicator}: {comparator}"] = theirs_change
        section.sentences.append(sentence)
        if result.verdict != "similar to":
            section.findings.append(sentence)
        section.figures.append(comparator_chart(
            result, title=comparator_title(result, indicator, area),
            source=local_source(config, f"{indicator.lower()} indicator table"),
            local_label=area, local=change))
        section.results[indicator] = result
    if not section.sentences:
        section.missing = "No indicator with a comparator has two periods to compare."
    return section


def _level_comparison(section: Section, indicator: str, area: str, comparator: str, now,
                      before, c_now: float, c_before: float, unit: str) -> None:
    """A rate or percentage with a comparator: its values in both periods, locally and for the
    comparator, in a sentence and a table, without a test (the tests are for counts)."""
    section.sentences.append(level_comparison_sentence(
        indicator, unit=unit, area=area, comparator=comparator,
        current_label=str(now["period_label"]), previous_label=str(before["period_label"]),
        local_current=float(now["value"]), local_previous=float(before["value"]),
        comparator_current=c_now, comparator_previous=c_before))

    def value(v):
        return format_level(v, unit)

    frame = pd.DataFrame({
        "Area": [area, comparator],
        str(before["period_label"]): [value(float(before["value"])), value(c_before)],
        str(now["period_label"]): [value(float(now["value"])), value(c_now)],
    })
    section.tables.append(simple_table_html(
        frame, f"{indicator}, {area} and {comparator}",
        numeric=(str(before["period_label"]), str(now["period_label"]))))
    section.results[indicator] = frame


def hotspots(config: Config, data: AreaData, quarter: Quarter,
             what: str = "Violence and sexual offences") -> Section:
    """Where ``what`` happened in the 12 months to the quarter's end: each ward shaded and
    labelled with its count when ward boundaries are configured, else hexagonal-bin counts;
    counts under the suppression threshold are hidden either way."""
    months = set(quarter.rolling_12_months())
    frame = data.frame[(data.frame["crime_type"] == what) & data.frame["month"].isin(months)]
    first, last = min(months), max(months)
    noun = "ASB incidents" if what == ASB else "crimes"
    period = f"{first.strftime('%B %Y')} to {last.strftime('%B %Y')}"
    threshold = config.publication.suppression_threshold
    if data.ward_polygons is not None and len(data.ward_polygons):
        placed = area_wards(data)
        placed = placed[placed.index.isin(frame.index)]
        counts = placed.groupby("ward_code").size()
        labels = ward_labels(pd.concat([data.wards, placed[data.wards.columns]]))
        codes = data.ward_polygons["code"]
        values = pd.DataFrame({"code": codes, "label": labels.reindex(codes).to_numpy(),
                               "value": counts.reindex(codes, fill_value=0).astype(float)
                               .to_numpy()})
        top = values.sort_values("value", ascending=False, kind="stable").iloc[0]
        outside = len(frame) - len(placed)
        fig = ward_choropleth(values, data.ward_polygons,
                              title=f"{what} by ward, {period}: most in {top['label']}",
                              source=police_source(config), what=f"{noun} in 12 months",
                              suppress_below=threshold)
        return Section(figures=[fig], results={"by_ward": values}, notes=[
            f"Each ward is labelled with its {noun} in the 12 months, counted by where they were "
            "located (data.police.uk places each at the nearest of a set of anonymised map "
            "points); wards with fewer than "
            f"{threshold} are not shown."
            + (f" {plural(outside, noun.removesuffix('s'), noun)} of the area "
               f"{'was' if outside == 1 else 'were'} in none of its wards." if outside else "")])
    fig = hotspot_map(frame, title=f"{what}, {period}", source=police_source(config), what=noun,
                      suppress_below=threshold)
    return Section(figures=[fig], notes=[
        "Each hexagon counts the crimes located in it; data.police.uk places each crime at "
        "the nearest of a set of anonymised map points, so the pattern is approximate."])


def harm_view(config: Config, data: AreaData, quarter: Quarter) -> Section:
    """Crime weighted by harm, from the harm weights the configuration names.

    Reads the weights file (:func:`~pccanalysis.sources.harm_weights.read_harm_weights`) and
    weights all crime (ASB is not recorded crime) in every whole quarter to ``quarter``'s end
    (:func:`~pccanalysis.indicators.harm.harm_index`): a chart of crimes and their harm score
    by quarter, a sentence on the quarter against the same quarter last year, and a table of
    the quarter's crimes and harm by crime type with each weight. The scheme, its version and
    its source are cited in the chart's source line and a note. A crime type the weights do
    not cover is left out of the harm score and of the crime count beside it, and a note says
    which and how many; it is not an error. With no weights file configured the section says
    so and shows nothing else.
    """
    if config.data.harm_weights is None:
        return Section(missing=(
            "No harm weights are configured (data.harm_weights), so this briefing counts "
            "crimes and does not weight them by their harm. A partnership that chooses a "
            "scheme (for example the ONS Crime Severity Score or the Cambridge Crime Harm "
            "Index) can name its weights file in the configuration."))
    weights, dq = read_harm_weights(config.data.harm_weights)
    scheme = weights.scheme + (f" {weights.version}" if weights.version else "")
    section = Section(quality=[dq])
    section.notes.append(
        f"Harm weights: {scheme}, from {weights.source}. pccanalysis ships no weights; these "
        "are the partnership's choice, given for data.police.uk's broad crime types, which "
        "is itself an approximation of the scheme's offence-level weights.")
    months = set(months_to(data, quarter))
    crime = all_crime(data.frame)
    crime = crime[crime["month"].isin(months)]
    types = crime["crime_type"].astype("str")
    unweighted = sorted(set(types) - set(weights.weights))
    if unweighted:
        left = int(types.isin(unweighted).sum())
        kind = "that type" if len(unweighted) == 1 else "those types"
        section.notes.append(
            f"The {scheme} weights give no weight for {join_words(unweighted)}, so the "
            f"{format_count(left)} crime{'s' if left != 1 else ''} of {kind} to "
            f"{quarter.last_month.strftime('%B %Y')} {'are' if left != 1 else 'is'} left out "
            "of the harm score and of the crime count beside it.")
        crime = crime[~types.isin(unweighted).to_numpy()]
    if crime.empty:
        section.notes.append("No crime in the data has a harm weight, so there is no "
                             "harm-weighted view.")
        return section
    table = harm_index(crime, weights.weights, period="quarter")
    table = table[table["months"] == 3].reset_index(drop=True)  # whole quarters only
    section.results["harm"] = table
    current, previous = quarter.label, quarter.same_quarter_last_year().label
    have = set(table["quarter"])
    if {current, previous} <= have:
        section.sentences.append(harm_sentence(table, current, previous, scheme))
    section.sentences.append(
        "A harm score weights each crime by how serious it is, so a few serious crimes can "
        "outweigh many minor ones; it is not tested against chance here.")
    if len(table):
        first, last = table["quarter"].iloc[0], table["quarter"].iloc[-1]
        section.figures.append(harm_chart(
            table, title=f"Crimes and their harm score each quarter, {first} to {last}",
            source=f"{police_source(config)}; harm weights: {scheme} ({weights.source})",
            scheme=scheme))
    if current in have:
        section.tables.append(_harm_by_type(crime, weights.weights, scheme, current))
    return section


def _harm_by_type(crime: pd.DataFrame, weights: dict, scheme: str, current: str) -> str:
    """The quarter's crimes and harm by crime type with each weight, ending with the total
    (the crimes and harm score the sentence gives)."""
    by_type = harm_index(crime.assign(category=crime["crime_type"]), weights, by="category",
                         period="quarter")
    by_type = by_type[by_type["quarter"] == current].sort_values(
        ["harm", "category"], ascending=[False, True], kind="stable")
    crimes, harm = f"Crimes, {current}", f"Harm score, {current}"
    rows = [{"Crime type": str(r["category"]),
             "Weight": format_number(weights[str(r["category"])], 2).rstrip("0").rstrip("."),
             crimes: format_count(r["count"]), harm: format_number(r["harm"], 0)}
            for _, r in by_type.iterrows()]
    rows.append({"Crime type": "All crime with a harm weight", "Weight": "",
                 crimes: format_count(by_type["count"].sum()),
                 harm: format_number(by_type["harm"].sum(), 0)})
    return simple_table_html(pd.DataFrame(rows), f"Crimes and harm by crime type, {current} "
                             f"({scheme})", numeric=("Weight", crimes, harm),
                             row_classes=[None] * (len(rows) - 1) + ["pcc-total"])


@shown_if_history("The comparison of wards per resident", plural=False)
def ward_rates(config: Config, data: AreaData, quarter: Quarter) -> Section:
    """The area's wards compared on crime per 1,000 residents: a funnel plot.

    All crime in the 12 months to the quarter's end in each of the area's own wards, over the
    ward's population from the configured population file (matched by ward code; the
    mid-year estimate for the year of the period's middle month, or the latest before it:
    :func:`~pccanalysis.indicators.peers.peer_rates`), against the rate across the wards
    with 95% and 99.8% control limits that allow for the usual variation between wards
    (over-dispersion; :func:`~pccanalysis.indicators.funnel.funnel`). A sentence names the
    wards above the 99.8% limit (or says none is). Wards without a population are left out
    with a note; with no population file the section says so and shows nothing else.
    """
    if data.ward_population is not None:  # LSOA residents summed to the same wards as crime
        population = data.ward_population.rename(columns={"area_code": "ward_code"})
        pop_source = "LSOA mid-year estimates summed to wards"
    elif config.data.population is not None:
        population = read_population(config.data.population).rename(
            columns={"area_code": "ward_code"})
        pop_source = "mid-year estimates"
    else:
        return Section(missing=(
            "No population is configured (data.lsoa_population or data.population), so the "
            "wards are not compared on crime per resident."))
    comp = rolling_12_months(quarter)
    months = list(comp.current_months)
    crime = all_crime(area_wards(data))
    crime = crime[crime["month"].isin(months)]
    # Every ward of the area, with or without crime: a ward with none is shown, not dropped.
    known = crime[["ward_code", "ward_name", "lad_name"]]
    if data.wards is not None:
        known = pd.concat([data.wards, known])
    labels = ward_labels(known)
    wards = pd.DataFrame({"ward_code": labels.index, "label": labels.to_numpy()})
    _, year = population_for(population, [], unit="ward_code",
                             year=months[len(months) // 2].year)
    known = population["ward_code"].astype("str")
    if year is not None:
        known = known[population["year"] == year]
    have = wards["ward_code"].isin(set(known))
    section = Section()
    if (~have).any():
        missing = wards.loc[~have, "label"].tolist()
        section.notes.append(
            f"The population file has no {'figure' if year is None else f'mid-{year} figure'} "
            f"for {join_words(missing)}, so {'it is' if len(missing) == 1 else 'they are'} "
            "left out of the comparison.")
    wards = wards[have]
    if len(wards) < 2:
        section.notes.append("Fewer than two wards have both crimes and a population, so "
                             "there is nothing to compare.")
        return section
    table = peer_rates(crime, population, unit="ward_code", months=months, count_column=None,
                       units=wards["ward_code"].tolist())
    label = dict(zip(wards["ward_code"], wards["label"], strict=True))
    result = funnel(table["count"].to_numpy(), table["population"].to_numpy(),
                    [label[c] for c in table["ward_code"]], kind="rate", per=1000)
    period = comp.current_label
    section.sentences.append(funnel_sentence(result, period=period))
    if result.units["flag"].astype("str").str.endswith("998").any():
        section.findings.append(section.sentences[-1])
    section.sentences.append(funnel_method_sentence(result))
    coverage = ward_coverage_of(data, {period: months})
    section.sentences.append(ward_coverage_sentence(coverage, vintage=data.ward_vintage))
    section.results["coverage"] = coverage
    section.figures.append(funnel_plot(
        result, title=funnel_title(result), source=f"{police_source(config)}; population: "
        f"{'synthetic ' if config.publication.synthetic else ''}ONS {pop_source}"
        + (f" (mid-{year})" if year is not None else ""),
        xlabel="Residents", ylabel="Crimes per 1,000 residents"))
    if data.ward_polygons is not None and len(data.ward_polygons):
        code_of = {v: k for k, v in label.items()}
        rates = pd.DataFrame({"code": result.units["unit"].map(code_of),
                              "label": result.units["unit"], "value": result.units["value"]})
        section.figures.append(ward_choropleth(
            rates, data.ward_polygons, title=f"Crimes per 1,000 residents by ward, {period}",
            source=f"{police_source(config)}; population: ONS {pop_source}",
            what="crimes per 1,000 residents"))
    section.notes.append(
        "Rates are per resident. A ward that many people visit (a town or city centre, a "
        "shopping or night-time area) has more crime per resident than its residents' own "
        "risk, so a high rate there is expected.")
    section.results.update({"rates": table, "funnel": result})
    return section
