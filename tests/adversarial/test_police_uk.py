"""Hostile data.police.uk files and archives: each one sentence, a shown flag, or a note.

One test per case of issue 14's corpus. Files are made in ``tmp_path`` by
:mod:`adversarial.corpus`; expected outcomes are the sentences and counts the readers promise.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest
from adversarial.corpus import (
    MIB,
    Member,
    bomb,
    deflated,
    raw_zip,
    street_csv,
    street_row,
    write,
)
from click.testing import CliRunner

from pccanalysis.cli import cli
from pccanalysis.errors import DataError
from pccanalysis.sources.police_uk.files import ZipLimits
from pccanalysis.sources.police_uk.national import build_street_dataset
from pccanalysis.sources.police_uk.read import FUTURE_MONTH, OUTSIDE_UK, read_street

MEMBER = "2023-01/2023-01-testshire-street.csv"
GOOD = street_csv(street_row("c1"), street_row("c2"))


def read(path):
    return read_street(path, cache_dir=False)


# --------------------------------------------------------------------------------------------
# Zip bombs and members that cannot be read


def test_a_member_declaring_a_gibibyte_is_refused_before_it_is_read(tmp_path):
    # 1 GiB of street rows in 3.6 MB: past the 512 MiB default limit by its own declaration.
    z = raw_zip(tmp_path / "bomb.zip", bomb(MEMBER, 1 << 30))
    start = time.perf_counter()
    with pytest.raises(DataError) as err:
        read(z)
    assert time.perf_counter() - start < 5
    assert str(err.value) == (f"{z}:{MEMBER}: the member says it inflates to 1,024.0 MiB, more "
                              "than the limit of 512.0 MiB (PCC_ZIP_MAX_BYTES).")


def test_a_member_inflating_past_its_declared_size_stops_while_streaming(tmp_path):
    # The directory says 64 KiB; the body inflates to 1 GiB. Inflating stops at 64 KiB (zipfile
    # itself stops at the declared size), and the checksum of what was read fails.
    z = raw_zip(tmp_path / "liar.zip", bomb(MEMBER, 1 << 30, declared=64 << 10))
    start = time.perf_counter()
    with pytest.raises(DataError) as err:
        read(z)
    assert time.perf_counter() - start < 5
    assert str(err.value) == (f"{z}:{MEMBER}: the file cannot be read, download it again "
                              f"(Bad CRC-32 for file '{MEMBER}').")


def test_a_stream_past_its_cap_is_refused(tmp_path):
    # The guard behind zipfile's own: a stream giving more than the member's cap.
    from pccanalysis.sources.police_uk.files import CheckedStream

    info = zipfile.ZipInfo(MEMBER)
    info.file_size, info.compress_size = 10, 10
    stream = CheckedStream(io.BytesIO(b"x" * 100), "a.zip:m", info=info)
    with pytest.raises(DataError) as err:
        stream.read(100)
    assert str(err.value) == ("a.zip:m: the member inflates to over 10 bytes, more than the "
                              "archive declares for it: it looks like a zip bomb or a damaged "
                              "archive.")


def test_a_member_inflating_a_hundred_times_is_refused_by_its_ratio(tmp_path):
    # 64 MiB (under the size limit) from about 230 KB: some 280 times, over the ratio of 100.
    member = bomb(MEMBER, 64 * MIB)
    z = raw_zip(tmp_path / "ratio.zip", member)
    ratio = member.file_size / len(member.body)
    assert ratio > 100
    with pytest.raises(DataError) as err:
        read(z)
    assert str(err.value) == (
        f"{z}:{MEMBER}: the member says it inflates to 64.0 MiB, {ratio:,.0f} times its "
        "compressed size, more than the limit of 100 times (PCC_ZIP_MAX_RATIO): it looks like "
        "a zip bomb.")


def test_the_limits_are_set_from_the_environment(tmp_path, monkeypatch):
    z = raw_zip(tmp_path / "small.zip", deflated(GOOD, MEMBER))
    monkeypatch.setenv("PCC_ZIP_MAX_BYTES", "100")
    with pytest.raises(DataError, match=r"more than the limit of 100 bytes \(PCC_ZIP_MAX_BYTES\)"):
        read(z)
    monkeypatch.setenv("PCC_ZIP_MAX_BYTES", "lots")
    with pytest.raises(DataError) as err:
        read(z)
    assert str(err.value) == ("the environment variable PCC_ZIP_MAX_BYTES is 'lots', not a "
                              "positive whole number.")
    assert ZipLimits.from_environment({"PCC_ZIP_MAX_RATIO": "20"}).max_ratio == 20.0


def test_too_many_members_is_refused(tmp_path, monkeypatch):
    z = raw_zip(tmp_path / "many.zip", *(deflated(GOOD, f"x/{i}.txt") for i in range(3)))
    monkeypatch.setenv("PCC_ZIP_MAX_MEMBERS", "2")
    with pytest.raises(DataError) as err:
        read(z)
    assert str(err.value) == (f"{z}: the archive has 3 members, more than the limit of 2 "
                              "(PCC_ZIP_MAX_MEMBERS).")


def test_the_memory_used_by_a_bomb_stays_bounded(tmp_path):
    # In a fresh process (so the peak is this read's alone): the 1 GiB liar and the honest
    # 1 GiB bomb, through the pandas reader and the national Parquet path. The bound: the
    # interpreter with pandas and pyarrow (about 150 MB here) plus what the limits let through.
    liar = raw_zip(tmp_path / "liar.zip", bomb(MEMBER, 1 << 30, declared=64 << 10))
    honest = raw_zip(tmp_path / "honest.zip", bomb(MEMBER, 1 << 30))
    script = textwrap.dedent(f"""
        import json, resource
        from pccanalysis.errors import DataError
        from pccanalysis.sources.police_uk.read import read_street
        from pccanalysis.sources.police_uk.national import build_street_dataset
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        errors = []
        for z in ({str(liar)!r}, {str(honest)!r}):
            for read in (lambda z: read_street(z, cache_dir=False),
                         lambda z: build_street_dataset(z, {str(tmp_path / 'ds')!r})):
                try:
                    read(z)
                except DataError as exc:
                    errors.append(str(exc))
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({{"errors": errors, "grew_kib": after - before}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120)
    result = json.loads(out.stdout)
    assert len(result["errors"]) == 4
    assert result["grew_kib"] < 64 * 1024, result  # under 64 MiB more than at the start


def test_an_encrypted_member_is_one_sentence(tmp_path):
    member = deflated(GOOD, MEMBER)
    member.flags = 0x1
    z = raw_zip(tmp_path / "locked.zip", member)
    with pytest.raises(DataError) as err:
        read(z)
    assert str(err.value) == (f"{z}:{MEMBER}: the member is encrypted (password-protected); "
                              "save the archive without a password.")


def test_a_deflate64_member_is_one_sentence(tmp_path):
    member = deflated(GOOD, MEMBER)
    member.method = 9  # what Windows Explorer writes for large archives
    z = raw_zip(tmp_path / "d64.zip", member)
    for reader in (read, lambda z: build_street_dataset(z, tmp_path / "ds")):
        with pytest.raises(DataError) as err:
            reader(z)
        assert str(err.value) == (
            f"{z}:{MEMBER}: the member is compressed with Deflate64 (method 9), which cannot "
            "be read; unpack the archive and zip it again with ordinary (Deflate) compression, "
            "or give the unpacked files.")


def test_a_member_failing_its_checksum_is_one_sentence_on_the_national_path(tmp_path):
    member = deflated(GOOD, MEMBER)
    member.crc ^= 1
    z = raw_zip(tmp_path / "crc.zip", member)
    with pytest.raises(DataError) as err:
        build_street_dataset(z, tmp_path / "ds")
    assert str(err.value) == (f"{z}:{MEMBER}: the file cannot be read, download it again "
                              f"(Bad CRC-32 for file '{MEMBER}').")


# --------------------------------------------------------------------------------------------
# Nothing skipped in silence


def test_a_zip_inside_a_zip_is_reported(tmp_path):
    inner = raw_zip(tmp_path / "inner.zip", deflated(GOOD, MEMBER)).read_bytes()
    z = raw_zip(tmp_path / "outer.zip", deflated(GOOD, MEMBER),
                Member("inner.zip", inner, 0, 0, len(inner)))
    frame, dq = read(z)
    assert len(frame) == 2
    assert dq.notes == [f"{z}:inner.zip was not read: a zip archive inside a zip archive is not "
                        "searched; unpack it and give the inner archive."]
    assert dq.notes[0] in dq.summary_lines()


def test_a_misnamed_month_file_is_reported_by_check_data(tmp_path):
    write(tmp_path / "police" / MEMBER, GOOD)
    odd = write(tmp_path / "police" / "Feb 2023 derbyshire street.csv", GOOD)
    write(tmp_path / "police" / "download-manifest.json", "{}")  # pcc's own record: not data
    frame, dq = read(tmp_path / "police")
    assert len(frame) == 2
    note = (f"{odd} was not read: its name does not follow data.police.uk's "
            "YYYY-MM-<force>-<kind>.csv (street, outcomes or stop-and-search); rename it to be "
            "read.")
    assert dq.notes == [note]
    result = CliRunner().invoke(cli, ["check-data", str(tmp_path / "police"), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert note in result.output


def test_a_member_named_with_backslashes_is_read(tmp_path):
    z = raw_zip(tmp_path / "windows.zip", deflated(GOOD, MEMBER.replace("/", "\\")))
    frame, dq = read(z)
    assert len(frame) == 2 and dq.notes == []


def test_files_skipped_in_a_folder_are_noted_on_the_national_path(tmp_path):
    write(tmp_path / "police" / MEMBER, GOOD)
    odd = write(tmp_path / "police" / "street-jan.csv", GOOD)
    dq = build_street_dataset(tmp_path / "police", tmp_path / "ds")
    assert dq.rows_read == 2
    assert dq.notes == [f"{odd} was not read: its name does not follow data.police.uk's "
                        "YYYY-MM-<force>-<kind>.csv (street, outcomes or stop-and-search); "
                        "rename it to be read."]


# --------------------------------------------------------------------------------------------
# Damaged rows


def test_nul_bytes_after_the_first_8_kb_name_their_line(tmp_path):
    rows = [street_row(f"c{i}") for i in range(200)]  # about 24 KB
    data = bytearray(street_csv(*rows))
    at = data.index(b"c150,")  # row 151 is on line 152 (the header is line 1)
    data[at + 1] = 0
    path = write(tmp_path / MEMBER, bytes(data))
    with pytest.raises(DataError) as err:
        read(path)
    assert str(err.value) == (f"{path}, line 152: the file holds a NUL byte (binary data), so "
                              "it is damaged or not CSV; download it again.")
    with pytest.raises(DataError) as err:
        build_street_dataset(path, tmp_path / "ds")
    assert str(err.value).startswith(f"{path}, line 152: the file holds a NUL byte")


@pytest.mark.parametrize("lon, lat", [("999.5", "52.9"), ("inf", "52.9"), ("-1.1", "-95"),
                                      ("-1.1", "nan")])
def test_coordinates_outside_the_uk_are_flagged_counted_and_cleared(tmp_path, lon, lat):
    path = write(tmp_path / MEMBER, street_csv(street_row("c1"), street_row("c2", lon=lon, lat=lat)))
    frame, dq = read(path)
    assert len(frame) == 2
    assert frame["no_location"].tolist() == [False, True]
    if lat == "nan":  # a coordinate missing: no location, not "outside the UK"
        assert OUTSIDE_UK not in dq.flagged
    else:
        assert np.isnan(frame.loc[1, "longitude"]) and np.isnan(frame.loc[1, "latitude"])
        assert dq.flagged[OUTSIDE_UK] == 1
        assert f"1 row used but flagged: {OUTSIDE_UK}." in dq.summary_lines()


def test_a_month_in_the_future_is_excluded_and_counted(tmp_path):
    path = write(tmp_path / "2099-01" / "2099-01-testshire-street.csv",
                 street_csv(street_row("c1", month="2099-01"), street_row("c2", month="2099-01")))
    now = write(tmp_path / MEMBER, GOOD)
    frame, dq = read([path, now])
    assert len(frame) == 2 and dq.rows_read == 4
    reason = f"{FUTURE_MONTH} (2099-01)"
    assert dq.excluded == {reason: 2}
    assert f"2 rows not used: {reason}." in dq.summary_lines()


def test_a_line_longer_than_the_csv_field_limit_is_one_sentence(tmp_path):
    # An unclosed quote makes the rest of the file one field of over 131,072 characters.
    rows = [street_row("c1"), street_row('"c2'), *(street_row(f"c{i}") for i in range(3, 2000))]
    path = write(tmp_path / MEMBER, street_csv(*rows))
    for reader in (read, lambda p: build_street_dataset(p, tmp_path / "ds")):
        with pytest.raises(DataError) as err:
            reader(path)
        assert str(err.value).startswith(f"{path}, line 3: ")


def test_an_unquoted_comma_shifting_the_fields_names_the_line(tmp_path):
    path = write(tmp_path / MEMBER, street_csv(street_row("c1"),
                                               street_row("c2", lsoa_name="Bristol, City of 001A")))
    with pytest.raises(DataError) as err:
        read(path)
    assert str(err.value) == f"{path}, line 3: the row has 13 fields but the header has 12."


def test_comparing_vintages_with_an_overlong_field_is_one_sentence(tmp_path):
    from pccanalysis.sources.police_uk.vintages import compare_files

    held = write(tmp_path / "held.csv", GOOD)
    new = write(tmp_path / "new.csv", street_csv(street_row("c1"), '"' + "x" * 200_000))
    with pytest.raises(DataError) as err:
        compare_files(held, new, month="2023-01", force="testshire", kind="street")
    assert str(err.value).startswith(f"{new}, line 3: the row cannot be read as CSV (field "
                                     "larger than field limit (131072))")
