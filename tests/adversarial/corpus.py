"""Small hostile inputs, made by the tests themselves (nothing here is stored on disk).

Each maker writes one file into a test's ``tmp_path``. The zip bomb is built without ever
holding what it inflates to: a raw Deflate stream whose dictionary is reset after each block
(``Z_FULL_FLUSH``) compresses the same block to the same bytes every time, so a member that
inflates to a gibibyte is a few kilobytes repeated (about 3.5 MB on disk).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

STREET_HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
                 "LSOA name,Crime type,Last outcome category,Context")
MIB = 1 << 20


def street_row(crime_id: str = "c1", month: str = "2023-01", lon: str = "-1.1",
               lat: str = "52.9", lsoa_name: str = "Testville 001A") -> str:
    return (f"{crime_id},{month},Testshire Police,Testshire Police,{lon},{lat},On or near A Road,"
            f"E01000001,{lsoa_name},Burglary,Under investigation,")


def street_csv(*rows: str) -> bytes:
    return ("\n".join((STREET_HEADER, *rows)) + "\n").encode()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


@dataclass
class Member:
    """One member of a hand-made zip: what its directory entry says, and its raw body."""

    name: str
    body: bytes
    method: int = 8
    crc: int = 0
    file_size: int = 0  #: the declared uncompressed size
    flags: int = 0


def deflated(data: bytes, name: str) -> Member:
    """An honest deflated member."""
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = c.compress(data) + c.flush()
    return Member(name, body, 8, zlib.crc32(data), len(data))


def bomb(name: str, inflates_to: int, declared: int | None = None) -> Member:
    """A member of repeated street rows inflating to ``inflates_to`` bytes (rounded down to
    whole MiB blocks), declaring ``declared`` bytes (default: the truth). CRC is not computed:
    the readers must stop before they could check it."""
    block = (street_row() + "\n").encode()
    block = block * (MIB // len(block))
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    same = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    assert again == same or len(again) <= len(same)  # after a full flush: the same bytes
    blocks = inflates_to // len(block)
    body = same + again * (blocks - 1) + c.flush()
    size = blocks * len(block)
    return Member(name, body, 8, 0, size if declared is None else declared)


def raw_zip(path: Path, *members: Member) -> Path:
    """Write a zip archive by hand, so its directory can say what a real one would not."""
    local, central = bytearray(), bytearray()
    for m in members:
        name = m.name.encode()
        offset = len(local)
        fields = (20, m.flags, m.method, 0, 0x21, m.crc, len(m.body), m.file_size, len(name))
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name + m.body
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0,
                               offset) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                      len(local), 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(local + central + end))
    return path
