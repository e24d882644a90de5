"""SYNTHETIC local extracts for the fictional Northbridge CSP: tracker, targets, service tables.

Everything here is invented: the area, the deliverables, the officers' initials, the figures.
Every file name starts ``SYNTHETIC_`` and every file says so inside (an About sheet, a YAML
comment and ``note`` key, or a ``note`` column). Written by :func:`write_local_extracts`, called
by :func:`pccanalysis.sample.write.write_sample`. Deterministic: the same seed gives the same files
(the tracker and targets do not depend on the seed at all; the tables draw from a seeded
:class:`numpy.random.Generator`).

Files (under ``<out_dir>/local/``)
----------------------------------
``SYNTHETIC_northbridge_tracker_2020-21_Q3.xlsx``, ``..._Q4.xlsx`` (keys ``tracker_q3``,
``tracker_q4``)
    Theme 1 ("Protecting people from harm") of the delivery plan, 15 deliverables each quarter,
    Deliverables / Updates / About sheets (:mod:`pccanalysis.sources.tracker.read` layout). Updates
    are cumulative: the Q4 file holds the Q3 updates too. Q4 is the latest complete quarter of
    the sample's police data (to March 2021), so a briefing for it has this quarter's tracker
    and the previous one. Each quarter's updates are dated within the quarter or up to about
    three weeks after it ends (Q3: 12 November 2020 to 20 January 2021; Q4: 10 March to
    16 April 2021), as boards' updates are written.

    ===============  ==================================  ====================================
    Quarter          Status counts (of 15)               Stale (no update since quarter start)
    ===============  ==================================  ====================================
    2020-21 Q3       Green 9, Amber 3, Red 1, NS 2        7 and 15 (both Not started)
    2020-21 Q4       Green 9, Amber 3, Red 2, NS 1        8 and 14 (last updated in Q3)
    ===============  ==================================  ====================================

    Movement Q3 -> Q4, exactly: 3 Amber -> Green (improved), 6 Green -> Amber (worsened),
    7 Not started -> Amber (started), 13 Amber -> Red (worsened); 16 is new (Green); 9 is closed
    (it was Green: the needs assessment was published). Under the default rating rule both
    quarters rate "adequate" (60% Green; Red 7% in Q3, 13% in Q4).

    Q4 leads as written: Force 4 (3 Green, 1 Red), CSP 3 (2 Green, 1 Amber), VRU 3 (3 Green),
    OPCC 2 (1 Green, 1 Amber), Health 1 (Not started), NBC 1 (Red), NBC/Health 1 (Amber).

    Deliverable 5's Q4 update is written in HTML (paragraphs, a list, bold); deliverable 11's
    Q4 update contains a ``<script>`` element and an ``<img onerror=...>`` attribute, which a
    briefing must neutralise.

``SYNTHETIC_northbridge_targets.yaml`` (key ``targets``)
    Crime (All crime) -10% and ASB -25% against 2019-20 by 2021-22; repeat hate-crime victims
    -10% against 2019-20 by 2020-21 (source: the victim extract below).

``SYNTHETIC_northbridge_missing_persons.csv`` (``missing_persons``)
    Indicator ``Missing person reports``, area Northbridge, each month April 2018 to March 2021,
    breakdowns ``All``, ``Age: Child``, ``Age: Adult``, ``Source: Home``, ``Source: Care
    setting``, ``Source: Hospital``, ``Source: Other``. Each month the two ages add up to All and
    so do the four sources. Poisson around 215 a month; April and May 2020 at 75% of that;
    children about 57%; care settings about 30% of reports before April 2020 and 36% after.

``SYNTHETIC_northbridge_suicide.csv`` (``suicide``)
    Indicator ``Recorded suicides`` by calendar year 2018-2020, with population as denominator:
    Northbridge 24, 26, 33 (comparator_area England) and England 4,980, 5,120, 5,240; so
    2019 -> 2020 Northbridge +26.9% (33/26 = 1.269) against England +2.3% (5240/5120 = 1.023).

``SYNTHETIC_northbridge_iom.csv`` (``iom``)
    Indicator ``IOM cohort``, a snapshot each quarter 2018-19 Q1 to 2020-21 Q4, breakdowns
    ``All``, ``Strand: Generic``, ``Strand: Domestic abuse`` (adding up to All) and
    ``Status: In custody``.

``SYNTHETIC_northbridge_hate_crime_victims.csv`` (``hate_crime_victims``)
    One row per hate crime: ``victim_id`` (pseudonymised, ``NB-`` and 8 hex digits), ``date``,
    ``strand``, ``ward``, ``offence_group``, ``note``. Built-in repeat pattern (a repeat victim
    has two or more crimes in the same financial year):

    ==========  =======  =================================  =======  ========  ===========
    Year        Victims  Victims with 1 / 2 / 3 / 4 / 5       Repeat   Crimes    City Centre
                         crimes                               victims            crimes
    ==========  =======  =================================  =======  ========  ===========
    2018-19     210      172 / 28 / 8 / 2 / 0                38       260       65 (25.0%)
    2019-20     220      180 / 30 / 8 / 2 / 0                40       272       68 (25.0%)
    2020-21     205      170 / 27 / 6 / 0 / 2                35       252       38 (15.1%)
    ==========  =======  =================================  =======  ========  ===========

    Repeat victims 2019-20 -> 2020-21: 40 -> 35, -12.5%; as a share of victims 18.2% (40/220)
    -> 17.1% (35/205). Crimes against repeat victims: 88 (2018-19: 56+24+8), 92 (60+24+8), 82
    (54+18+10). Four victims have exactly one crime in 2019-20 and one in 2020-21 (so they are
    repeats over the two years, but not within either); apart from them no ID appears in two
    years, so there are 631 distinct IDs (210 + 220 + 205 - 4). A victim's crimes are on
    different days and share one strand (race about 70%, sexual orientation 12%, religion 8%,
    disability 6%, transgender 4%, drawn at random).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..sources.tracker.model import STATUS_DTYPE, Tracker, normalise_status
from ..sources.tracker.write import write_tracker
from .data import SAMPLE_AREA, WARDS
from .geography import population

SYNTHETIC_NOTE = "SYNTHETIC sample data: fictional area, people and figures. Not real data."
LOCAL_DIR = "local"
PREFIX = "SYNTHETIC_northbridge_"
CITY_CENTRE = "City Centre"
RISING_WARD = "Dales"
THEME = "T1"
THEME_TITLES = {THEME: "Protecting people from harm"}
TRACKER_QUARTERS = ("2020-21 Q3", "2020-21 Q4")
TRACKER_TITLE = "Northbridge Police and Crime Delivery Plan 2020-21, Theme 1 (SYNTHETIC)"
TARGETS_AREA = SAMPLE_AREA

# number -> (lead, deliverable). Written for this project; any likeness to a real plan is the
# likeness of the genre.
DELIVERABLES = {
    1: ("CSP", "Agree a partnership plan to reduce harm in the night-time economy, including "
               "safer routes home from the city centre"),
    2: ("VRU", "Fund detached youth work in the wards with the most youth violence"),
    3: ("Force", "Train neighbourhood officers to recognise the signs of criminal exploitation "
                 "of children"),
    4: ("Force", "Improve how hate crime is recorded at the first point of contact"),
    5: ("VRU", "Set up a mentoring programme for young people leaving custody"),
    6: ("OPCC", "Commission an independent review of support for victims of stalking"),
    7: ("NBC/Health", "Agree a joint protocol for people in mental-health crisis who come into "
                      "contact with the police"),
    8: ("Force", "Widen the use of domestic violence protection notices"),
    9: ("OPCC", "Publish a Northbridge serious violence needs assessment"),
    10: ("CSP", "Launch a scheme for licensed premises to report vulnerable people at closing "
                "time"),
    11: ("VRU", "Work with schools to reduce exclusions linked to violence"),
    12: ("NBC", "Open a second safe space for people at risk on Friday and Saturday nights"),
    13: ("Force", "Shorten the wait for return-home interviews after a child has been missing"),
    14: ("OPCC", "Refresh the online-safety guidance for parents and carers"),
    15: ("Health", "Review suicide-prevention training for frontline staff"),
    16: ("CSP", "Co-ordinate the partnership response to rising anti-social behaviour in the "
                "Dales ward"),
}  # fmt: skip

STATUS_Q3 = {
    1: "G", 2: "G", 3: "A", 4: "G", 5: "G", 6: "G", 7: "NS", 8: "G", 9: "G", 10: "A",
    11: "G", 12: "R", 13: "A", 14: "G", 15: "NS",
}  # fmt: skip
STATUS_Q4 = {
    1: "G", 2: "G", 3: "G", 4: "G", 5: "G", 6: "A", 7: "A", 8: "G", 10: "A", 11: "G",
    12: "R", 13: "R", 14: "G", 15: "NS", 16: "G",
}  # fmt: skip

_MARKUP_UPDATE = (
    "<p><b>Progress this quarter:</b> the first cohort of eight mentors finished their "
    "training in February.</p>"
    "<ul><li>Six young people have been matched with a mentor.</li>"
    "<li>Referrals now come from the youth offending team and the resettlement worker.</li></ul>"
    "<p><i>Next step:</i> agree an evaluation with the university.</p>"
)
_SCRIPT_UPDATE = (
    "<p>Two secondary schools have joined the inclusion pilot.</p>"
    "<script>alert('tracker update')</script>"
    '<p>Attendance data will be shared monthly.<img src="x" onerror="alert(1)"></p>'
)

# (number, date, author, text) for updates written up to the Q3 tracker (October to December
# 2020, and a few in the weeks after the quarter ended, as boards' updates are).
UPDATES_Q3 = [
    (1, "2020-11-12", "JB", "Draft plan shared with licensing, transport and the universities. "
                            "Safer-routes mapping delayed while venues are closed."),
    (2, "2020-12-30", "SR", "Two youth organisations funded; outreach moved online during "
                            "lockdown and restarted on the streets in early December."),
    (3, "2021-01-14", "MS", "Course content agreed with children's services. Delivery depends "
                            "on classroom space, which is limited while distancing rules apply."),
    (4, "2020-12-03", "MS", "Call-handler prompts updated so the hate-crime flag is set on "
                            "the first call.\n\nAudit of a sample of calls planned for February."),
    (5, "2021-01-08", "SR", "Mentoring provider chosen and mentors recruited."),
    (6, "2020-12-22", "KD", "Terms of reference agreed; the reviewer starts in January."),
    (8, "2020-12-15", "MS", "Guidance reissued to response teams; the number of notices "
                            "applied for rose in October and November."),
    (9, "2021-01-20", "DH", "Needs assessment published on the partnership website. "
                            "Deliverable complete."),
    (10, "2021-01-02", "JB", "Scheme designed with the pubwatch group; launch waits for "
                             "premises to reopen."),
    (11, "2020-11-28", "SR", "Head teachers' forum agreed to take part in principle."),
    (12, "2021-01-16", "PL", "The preferred building is no longer available. No alternative "
                             "site has been found."),
    (13, "2020-12-25", "MS", "Average wait was 9 days against a 3-day standard. A second "
                             "worker is being recruited."),
    (14, "2020-11-20", "KD", "Guidance revised with schools and published before the Christmas "
                             "holidays."),
]  # fmt: skip

# Updates added for the Q4 tracker (January to March 2021, and early April).
UPDATES_Q4 = [
    (1, "2021-03-29", "JB", "Plan agreed by the partnership board. Safer-routes signage in "
                            "place on the two busiest routes."),
    (2, "2021-04-05", "SR", "Sessions running four nights a week in the three priority wards."),
    (3, "2021-04-02", "MS", "All neighbourhood teams trained by the end of March, using a "
                            "mix of online and small-group sessions."),
    (4, "2021-03-18", "MS", "Audit found the flag set on 94 of 100 sampled calls."),
    (5, "2021-04-09", "SR", _MARKUP_UPDATE),
    (6, "2021-04-12", "KD", "The review has slipped: the reviewer was unwell and the report is "
                            "now due in July, a quarter late."),
    (7, "2021-03-24", "HK", "First meeting of health, council and police leads held; a draft "
                            "protocol is being written."),
    (10, "2021-03-30", "JB", "Launched in eight venues; take-up is slow while opening hours "
                             "are restricted."),
    (11, "2021-04-07", "SR", _SCRIPT_UPDATE),
    (12, "2021-04-14", "PL", "Still no site. Options for a mobile unit are being costed."),
    (13, "2021-04-01", "MS", "Recruitment failed and the wait lengthened to 12 days. The "
                             "partnership has been asked to fund a shared post."),
    (15, "2021-03-10", "DH", "Planned to start in the first quarter of 2021-22, once the new "
                             "training provider is in place."),
    (16, "2021-04-16", "JB", "Added this quarter. Weekly tasking meeting set up with the "
                             "council's community protection team."),
]  # fmt: skip

# Hate-crime victims: financial year -> {crimes per victim: victims}.
REPEAT_PATTERN = {
    "2018-19": {1: 172, 2: 28, 3: 8, 4: 2},
    "2019-20": {1: 180, 2: 30, 3: 8, 4: 2},
    "2020-21": {1: 170, 2: 27, 3: 6, 5: 2},
}
CITY_CENTRE_CRIMES = {"2018-19": 65, "2019-20": 68, "2020-21": 38}
CROSS_YEAR_VICTIMS = 4  # one crime in 2019-20 and one in 2020-21
STRAND_WEIGHTS = {
    "Race": 0.70, "Sexual orientation": 0.12, "Religion": 0.08, "Disability": 0.06,
    "Transgender": 0.04,
}  # fmt: skip
OFFENCE_GROUPS = {
    "Public order": 0.55, "Violence against the person": 0.30, "Criminal damage": 0.10,
    "Other": 0.05,
}  # fmt: skip

SUICIDE = {  # calendar year -> (Northbridge, England)
    2018: (24, 4980),
    2019: (26, 5120),
    2020: (33, 5240),
}
ENGLAND_POPULATION = {2018: 56_000_000, 2019: 56_300_000, 2020: 56_600_000}


def sample_trackers() -> dict[str, Tracker]:
    """The two quarters' SYNTHETIC trackers (quarter label -> Tracker), as the files hold them."""
    out = {}
    for quarter, statuses, updates in (
        ("2020-21 Q3", STATUS_Q3, UPDATES_Q3),
        ("2020-21 Q4", STATUS_Q4, UPDATES_Q3 + UPDATES_Q4),
    ):
        deliverables = pd.DataFrame(
            [
                {
                    "theme": THEME,
                    "number": n,
                    "lead": DELIVERABLES[n][0],
                    "deliverable": DELIVERABLES[n][1],
                    "status": normalise_status(s),
                }
                for n, s in statuses.items()
            ]
        ).astype({"theme": "str", "number": "int64", "lead": "str", "deliverable": "str",
                  "status": STATUS_DTYPE})
        kept = [u for u in updates if u[0] in statuses]
        upd = pd.DataFrame(
            [
                {"theme": THEME, "number": n, "date": pd.Timestamp(d), "author": a, "text": t}
                for n, d, a, t in kept
            ]
        ).astype({"theme": "str", "number": "int64", "author": "str", "text": "str"})
        upd["date"] = upd["date"].astype("datetime64[ns]")
        upd = upd.sort_values(["number", "date"], kind="stable").reset_index(drop=True)
        out[quarter] = Tracker(deliverables, upd, quarter=quarter, title=TRACKER_TITLE)
    return out


def write_local_extracts(out_dir: Path, *, seed: int = 2021) -> dict[str, Path]:
    """Write the SYNTHETIC Northbridge local extracts under ``out_dir / "local"``.

    Parameters
    ----------
    out_dir : Path
        The sample folder (the extracts go in its ``local`` subfolder).
    seed : int
        Seed for the tables drawn at random (missing persons, IOM, the victim extract).

    Returns
    -------
    dict of str to Path
        ``tracker_q3``, ``tracker_q4``, ``targets``, ``missing_persons``, ``suicide``, ``iom``,
        ``hate_crime_victims`` (contents in the module docstring).
    """
    root = Path(out_dir) / LOCAL_DIR
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths: dict[str, Path] = {}
    trackers = sample_trackers()
    for key, quarter in zip(("tracker_q3", "tracker_q4"), TRACKER_QUARTERS, strict=True):
        path = root / f"{PREFIX}tracker_{quarter.replace(' ', '_')}.xlsx"
        write_tracker(trackers[quarter], path, about={"Note": SYNTHETIC_NOTE})
        _fix_zip_times(path)
        paths[key] = path
    paths["targets"] = _write_targets(root / f"{PREFIX}targets.yaml")
    # One child generator per table, so changing one table never changes another.
    mp_rng, iom_rng, hate_rng = rng.spawn(3)
    paths["missing_persons"] = _write(missing_persons_table(mp_rng),
                                      root / f"{PREFIX}missing_persons.csv")
    paths["suicide"] = _write(suicide_table(), root / f"{PREFIX}suicide.csv")
    paths["iom"] = _write(iom_table(iom_rng), root / f"{PREFIX}iom.csv")
    paths["hate_crime_victims"] = _write(
        hate_crime_victims_table(hate_rng), root / f"{PREFIX}hate_crime_victims.csv"
    )
    return paths


#: Which returned keys are the tracker for which quarter, and which are indicator tables.
TRACKER_KEYS = {"2020-21 Q3": "tracker_q3", "2020-21 Q4": "tracker_q4"}
INDICATOR_TABLE_KEYS = ("missing_persons", "suicide", "iom")


def config_entries(paths: dict[str, Path]) -> dict:
    """The ``data`` entries of ``pcc.yaml`` for the extracts :func:`write_local_extracts` wrote.

    Returns ``{"targets": path, "tracker": {quarter: path}, "indicator_tables": [paths],
    "hate_crime_victims": path}``, the shapes
    :func:`pccanalysis.sample.config_file.write_sample_config` takes (the flat
    ``dict[str, Path]`` of :func:`write_local_extracts` has one path per key).
    """
    return {
        "targets": paths["targets"],
        "tracker": {quarter: paths[key] for quarter, key in TRACKER_KEYS.items()},
        "indicator_tables": [paths[key] for key in INDICATOR_TABLE_KEYS],
        "hate_crime_victims": paths["hate_crime_victims"],
    }


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def _fix_zip_times(path: Path) -> None:
    """Rewrite an .xlsx with fixed times so the same tracker always gives the same bytes.

    openpyxl stamps the save time into docProps/core.xml and into each zip member.
    """
    import re
    import zipfile

    with zipfile.ZipFile(path) as zin:
        members = [(info, zin.read(info)) for info in zin.infolist()]
    stamp = b"2021-04-30T00:00:00Z"  # after the last update
    members = [
        (info, re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
         if info.filename == "docProps/core.xml" else data)
        for info, data in members
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2021, 4, 30, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)


def _write_targets(path: Path) -> Path:
    victims_file = f"{PREFIX}hate_crime_victims.csv"
    path.write_text(
        "# SYNTHETIC sample data: Northbridge and these targets are fictional.\n"
        "# Partnership targets, read by pccanalysis.sources.targets.read_targets.\n"
        f"area: {TARGETS_AREA}\n"
        "title: Northbridge Community Safety Partnership targets (SYNTHETIC)\n"
        f"note: \"{SYNTHETIC_NOTE}\"\n"
        "targets:\n"
        "  - name: Crime\n"
        "    indicator: All crime\n"
        "    baseline: 2019-20\n"
        "    direction: reduce\n"
        "    percent: 10\n"
        "    deadline: 2021-22\n"
        "    source: police_uk\n"
        "  - name: ASB\n"
        "    indicator: Anti-social behaviour\n"
        "    baseline: 2019-20\n"
        "    direction: reduce\n"
        "    percent: 25\n"
        "    deadline: 2021-22\n"
        "    source: police_uk\n"
        "  - name: Repeat hate-crime victims\n"
        "    indicator: repeat hate-crime victims\n"
        "    baseline: 2019-20\n"
        "    direction: reduce\n"
        "    percent: 10\n"
        "    deadline: 2020-21\n"
        f"    source: {victims_file}\n",
        encoding="utf-8",
    )
    return path


def _months() -> pd.PeriodIndex:
    return pd.period_range("2018-04", "2021-03", freq="M")


def missing_persons_table(rng: np.random.Generator) -> pd.DataFrame:
    """Monthly missing-person reports with age and source breakdowns (long format)."""
    rows = []
    ages = ("Child", "Adult")
    sources = ("Home", "Care setting", "Hospital", "Other")
    for month in _months():
        after = month >= pd.Period("2020-04", freq="M")
        mean = 215.0 * (0.75 if month in (pd.Period("2020-04", "M"), pd.Period("2020-05", "M"))
                        else 1.0)
        total = int(rng.poisson(mean))
        child = int(rng.binomial(total, 0.57))
        p_source = [0.50, 0.36, 0.08, 0.06] if after else [0.56, 0.30, 0.08, 0.06]
        by_source = rng.multinomial(total, p_source)
        figures = [("All", total), *zip((f"Age: {a}" for a in ages), (child, total - child),
                                        strict=True)]
        figures += [(f"Source: {s}", int(n)) for s, n in zip(sources, by_source, strict=True)]
        for breakdown, value in figures:
            rows.append(("Missing person reports", SAMPLE_AREA, str(month), breakdown, value))
    return _long(rows)


def suicide_table() -> pd.DataFrame:
    """Recorded suicides by calendar year, Northbridge (with England as comparator) and England."""
    pop = population()
    local_pop = pop[pop["area_name"] == SAMPLE_AREA].drop_duplicates("year").set_index("year")
    rows = []
    for year, (local, england) in SUICIDE.items():
        rows.append(("Recorded suicides", SAMPLE_AREA, str(year), "All", local,
                     int(local_pop.loc[year, "population"]), "England"))
        rows.append(("Recorded suicides", "England", str(year), "All", england,
                     ENGLAND_POPULATION[year], None))
    return _long(rows)


def iom_table(rng: np.random.Generator) -> pd.DataFrame:
    """Quarterly IOM cohort snapshots: all, by strand, and in custody."""
    rows = []
    generic, domestic = 160, 30
    for fy in (2018, 2019, 2020):
        for q in range(1, 5):
            label = f"{fy}-{(fy + 1) % 100:02d} Q{q}"
            generic = int(np.clip(generic + rng.integers(-8, 9), 140, 185))
            domestic = int(np.clip(domestic + rng.integers(-2, 5), 25, 48))
            total = generic + domestic
            custody = int(rng.binomial(total, 0.48))
            for breakdown, value in (
                ("All", total),
                ("Strand: Generic", generic),
                ("Strand: Domestic abuse", domestic),
                ("Status: In custody", custody),
            ):
                rows.append(("IOM cohort", SAMPLE_AREA, label, breakdown, value))
    return _long(rows)


def _long(rows: list[tuple]) -> pd.DataFrame:
    cols = ["indicator", "area", "period", "breakdown", "value", "denominator", "comparator_area"]
    frame = pd.DataFrame([tuple(r) + (None,) * (7 - len(r)) for r in rows], columns=cols)
    frame["denominator"] = frame["denominator"].astype("Int64")
    frame["note"] = "SYNTHETIC"
    return frame


def hate_crime_victims_table(rng: np.random.Generator) -> pd.DataFrame:
    """The pseudonymised victim extract with the repeat pattern in the module docstring."""
    years = list(REPEAT_PATTERN)
    n_ids = sum(sum(p.values()) for p in REPEAT_PATTERN.values()) - CROSS_YEAR_VICTIMS
    ids = _unique_ids(rng, n_ids)
    strands = list(STRAND_WEIGHTS)
    strand_p = np.array(list(STRAND_WEIGHTS.values()))
    offences = list(OFFENCE_GROUPS)
    offence_p = np.array(list(OFFENCE_GROUPS.values()))
    other_wards = [w for w in WARDS if w != CITY_CENTRE]
    next_id = 0
    victim_strand: dict[str, str] = {}
    cross_year: list[str] = []
    rows = []
    for year in years:
        fy_start = int(year[:4])
        first = dt.date(fy_start, 4, 1)
        n_days = (dt.date(fy_start + 1, 4, 1) - first).days
        victims: list[tuple[str, int]] = []
        for k, n_victims in sorted(REPEAT_PATTERN[year].items()):
            for _ in range(n_victims):
                if year == "2020-21" and k == 1 and len(cross_year) > 0:
                    victims.append((cross_year.pop(), 1))  # the same person as in 2019-20
                    continue
                vid = ids[next_id]
                next_id += 1
                victim_strand[vid] = strands[rng.choice(len(strands), p=strand_p)]
                victims.append((vid, k))
                if year == "2019-20" and k == 1 and len(cross_year) < CROSS_YEAR_VICTIMS:
                    cross_year.append(vid)
        crimes = []
        for vid, k in victims:
            days = rng.choice(n_days, size=k, replace=False)
            crimes += [(vid, first + dt.timedelta(days=int(d))) for d in days]
        n = len(crimes)
        city = np.zeros(n, dtype=bool)
        city[rng.choice(n, size=CITY_CENTRE_CRIMES[year], replace=False)] = True
        # Outside the city centre, Dales takes a larger share from 2020-21.
        w = np.array([2.0 if (ward == RISING_WARD and year == "2020-21") else 1.0
                      for ward in other_wards])
        elsewhere = rng.choice(len(other_wards), size=n, p=w / w.sum())
        offence = rng.choice(len(offences), size=n, p=offence_p)
        for i, (vid, day) in enumerate(crimes):
            rows.append(
                {
                    "victim_id": vid,
                    "date": day.isoformat(),
                    "strand": victim_strand[vid],
                    "ward": CITY_CENTRE if city[i] else other_wards[elsewhere[i]],
                    "offence_group": offences[offence[i]],
                    "note": "SYNTHETIC",
                }
            )
    frame = pd.DataFrame(rows)
    return frame.sort_values(["date", "victim_id"], kind="stable").reset_index(drop=True)


def _unique_ids(rng: np.random.Generator, n: int) -> list[str]:
    values = rng.choice(16**8, size=n, replace=False)
    return [f"NB-{v:08X}" for v in values]
