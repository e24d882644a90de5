"""Street-level crimes from the data.police.uk API, as a frame shaped like the street files'.

:func:`get_street_crimes` asks ``<base>/api/crimes-street/<category>`` for the crimes in a
polygon in one month (POSTed, since long query strings are refused), within the documented rate
limit (15 requests a second). An area holding more than 10,000 crimes is answered 503;
:func:`get_street_crimes_in_box` splits a box into quarters until each answers.

The frame has the columns of :func:`pccanalysis.sources.police_uk.read.read_street` (named and
typed from :data:`.schema.STREET`), those the API does not give left missing, plus the API's own
``api_id``, ``location_type`` and ``outcome_month``.

References
----------
data.police.uk, "API documentation", Street-level crimes
(https://data.police.uk/docs/method/crime-street/), Open Government Licence v3.0.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ...errors import PccError
from ...quality import DataQuality, FileRecord
from .http import PoliceUkClient, RetryPolicy, TooManyCrimes
from .schema import CRIME_CATEGORIES, STREET, month_index

_SOURCE = "data.police.uk API street-level crimes"
# The street frame's columns, then what only the API gives.
_COLUMNS = [c.name for c in STREET.columns] + ["local_authority"]
_API_COLUMNS = {"api_id": "Int64", "location_type": "str", "outcome_month": "str"}
_DTYPES = {"str": "str", "cat": "category", "float": "float64"}


def _poly_text(polygon: Sequence[tuple[float, float]]) -> str:
    points = list(polygon)
    if len(points) < 3:
        raise PccError("A polygon needs at least three (latitude, longitude) points.")
    parts = []
    for lat, lng in points:
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise PccError(
                f"({lat}, {lng}) is not a (latitude, longitude) point: latitude runs -90 to 90 "
                f"and longitude -180 to 180."
            )
        parts.append(f"{lat:.6f},{lng:.6f}")
    return ":".join(parts)


def _api_rows(client: PoliceUkClient, polygon, month: str, category: str) -> list[dict]:
    answer = client.api(f"crimes-street/{category}", {"poly": _poly_text(polygon), "date": month})
    if not isinstance(answer, list):
        raise PccError(f"{client.host} answered the street-level crime request with something "
                       f"other than a list of crimes.")
    return answer


def _text(value) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _number(value) -> float | None:
    return float(value) if value not in (None, "") else None


def _record(r: dict) -> dict:
    """One API crime -> one row of the street frame (tidy names) plus the API's own fields."""
    loc = r.get("location") or {}
    outcome = r.get("outcome_status") or {}
    slug = r.get("category") or ""
    return {
        "crime_id": _text(r.get("persistent_id")),
        "month": r.get("month"),
        "longitude": _number(loc.get("longitude")),
        "latitude": _number(loc.get("latitude")),
        "location": _text((loc.get("street") or {}).get("name")),
        "crime_type": CRIME_CATEGORIES.get(slug, slug.replace("-", " ").capitalize()),
        "last_outcome": _text(outcome.get("category")),
        "context": _text(r.get("context")),
        "api_id": r.get("id"),
        "location_type": _text(r.get("location_type")),
        "outcome_month": _text(outcome.get("date")),
    }


def _api_frame(rows: list[dict], dq: DataQuality) -> pd.DataFrame:
    unknown = sum(1 for r in rows if (r.get("category") or "") not in CRIME_CATEGORIES)
    if unknown:
        dq.flag("crime category not in the published list", unknown)
    frame = pd.DataFrame.from_records([_record(r) for r in rows],
                                      columns=_COLUMNS + list(_API_COLUMNS))
    for column in STREET.columns:
        if column.type == "month":
            frame[column.name] = pd.PeriodIndex(frame[column.name].astype("str"), freq="M")
        else:
            frame[column.name] = frame[column.name].astype(_DTYPES[column.type])
    return frame.astype({"local_authority": "str", **_API_COLUMNS})


def _quality(client: PoliceUkClient, category: str, rows: int, month: str,
             note: str | None = None) -> DataQuality:
    dq = DataQuality(source=_SOURCE, rows_read=rows)
    dq.files.append(FileRecord(path=f"{client.base_url}/api/crimes-street/{category}",
                               rows=rows, month=month, note=note))
    return dq


def get_street_crimes(
    polygon: Sequence[tuple[float, float]],
    month: str,
    *,
    category: str = "all-crime",
    base_url: str | None = None,
    retry: RetryPolicy | None = None,
    client: PoliceUkClient | None = None,
) -> tuple[pd.DataFrame, DataQuality]:
    """Street-level crimes and ASB inside a polygon in one month, from the data.police.uk API.

    Parameters
    ----------
    polygon : sequence of (latitude, longitude)
        The area's corners [degrees, WGS84]; the API closes the polygon itself.
    month : str
        ``YYYY-MM``.
    category : str
        API category slug (``all-crime`` or a key of :data:`.schema.CRIME_CATEGORIES`).
    base_url, retry : optional
        As for :class:`~.http.PoliceUkClient` (ignored when ``client`` is given).
    client : PoliceUkClient, optional
        A client to share its rate limit across calls.

    Returns
    -------
    (pandas.DataFrame, DataQuality)
        The street frame's columns (``lsoa_*``, ``reported_by``, ``falls_within`` and
        ``local_authority`` are <NA>: the API does not give them) plus ``api_id``,
        ``location_type`` and ``outcome_month``.

    Raises
    ------
    PccError
        When the area holds more than 10,000 crimes (answered 503), or the API cannot be reached.
    """
    month_index(month, "The month")
    client = client or PoliceUkClient(base_url, retry=retry)
    try:
        rows = _api_rows(client, polygon, month, category)
    except TooManyCrimes:
        raise PccError(
            f"{client.host} answered 503 for the polygon in {month}, which it does when an area "
            f"holds more than 10,000 crimes; ask for a smaller area (get_street_crimes_in_box "
            f"splits one) or download the monthly archive (pcc download)."
        ) from None
    dq = _quality(client, category, len(rows), month)
    frame = _api_frame(rows, dq)
    dq.rows_kept = len(frame)
    return frame, dq.check()


def get_street_crimes_in_box(
    south: float,
    west: float,
    north: float,
    east: float,
    month: str,
    *,
    category: str = "all-crime",
    max_depth: int = 3,
    base_url: str | None = None,
    retry: RetryPolicy | None = None,
    client: PoliceUkClient | None = None,
) -> tuple[pd.DataFrame, DataQuality]:
    """Street-level crimes in a latitude/longitude box, splitting it while the API says too many.

    Method: ask for the box; on a 503 (more than 10,000 crimes) ask for its four quarters,
    recursively, at most ``max_depth`` times. A crime on a shared edge can come back from two
    boxes: the repeat (same API ``id``) is excluded and counted in the DataQuality record.

    Parameters
    ----------
    south, west, north, east : float
        The box's edges [degrees, WGS84].
    month : str
        ``YYYY-MM``.
    max_depth : int
        Most levels of splitting (3 means at most 64 boxes).

    Returns
    -------
    (pandas.DataFrame, DataQuality)
        As :func:`get_street_crimes`.
    """
    month_index(month, "The month")
    if not (south < north and west < east):
        raise PccError(f"The box south={south}, west={west}, north={north}, east={east} is "
                       f"empty: south must be below north and west left of east.")
    client = client or PoliceUkClient(base_url, retry=retry)
    rows: list[dict] = []
    boxes = 0

    def visit(s, w, n, e, depth):
        nonlocal boxes
        boxes += 1
        try:
            rows.extend(_api_rows(client, [(s, w), (n, w), (n, e), (s, e)], month, category))
        except TooManyCrimes:
            if depth >= max_depth:
                times = "once" if max_depth == 1 else f"{max_depth} times"
                raise PccError(
                    f"{client.host} still answered 503 (more than 10,000 crimes) for a box "
                    f"split {times} in {month}; raise max_depth or download the monthly "
                    f"archive (pcc download)."
                ) from None
            mlat, mlng = (s + n) / 2, (w + e) / 2
            for box in ((s, w, mlat, mlng), (s, mlng, mlat, e), (mlat, w, n, mlng),
                        (mlat, mlng, n, e)):
                visit(*box, depth + 1)

    visit(south, west, north, east, 0)
    seen, unique = set(), []
    for r in rows:
        key = r.get("id")
        if key is not None and key in seen:
            continue
        seen.add(key)
        unique.append(r)
    dq = _quality(client, category, len(rows), month, note=f"{boxes} boxes asked")
    dq.exclude("returned twice by neighbouring boxes (same API id)", len(rows) - len(unique))
    frame = _api_frame(unique, dq)
    dq.rows_kept = len(frame)
    return frame, dq.check()
