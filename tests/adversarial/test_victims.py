"""Personal data in the victim extract: refused, and never repeated in any message.

The planted values are fictional (Ofcom's drama number range 07700 900xxx, example.com, the
postcode of no address); each test checks the refusal names row and column but not the value.
"""

from __future__ import annotations

import pytest
from adversarial.corpus import write

from pccanalysis.errors import DataError
from pccanalysis.sources.victims import read_hate_crime_victims

HEADER = "victim_id,date,strand,ward,offence_group,notes\n"
GOOD = "NB-0a1b2c3d,2020-04-01,Race,Dales,Public order,SYNTHETIC\n"
PLANTED = "Jane Doe 07700 900123"


def refused(tmp_path, row: str) -> str:
    path = write(tmp_path / "victims.csv", HEADER + GOOD + row)
    with pytest.raises(DataError) as err:
        read_hate_crime_victims(path, as_of="2021-03-31")
    return str(err.value).replace(str(path), "F")


def test_a_name_and_phone_number_in_the_strand_column_is_not_quoted(tmp_path):
    message = refused(tmp_path, f"NB-00000002,2020-04-02,{PLANTED},Dales,Public order,\n")
    assert message == (
        "F, line 3, column 'strand': the strand is not one this reader knows; use one of Race, "
        "Religion, Sexual orientation, Disability, Transgender, Sex or gender, Alternative "
        "subculture, Other (a crime with two strands is two rows).")
    assert "Jane" not in message and "07700" not in message


def test_a_date_that_cannot_be_read_is_not_quoted(tmp_path):
    message = refused(tmp_path, f"NB-00000002,{PLANTED},Race,Dales,Public order,\n")
    assert message == ("F, line 3, column 'date': the date cannot be read as a date; write it "
                       "like 2020-09-14 or 14/09/2020.")


@pytest.mark.parametrize("value, kind", [
    ("call 07700 900123 after six", "a phone number"),
    ("(0115) 496 0123", "a phone number"),
    ("jane.doe@example.com", "an email address"),
    ("lives near NG1 5DT", "a postcode"),
    ("Jane Doe", "a person's name"),
    ("seen by Mrs Smith", "a person's name"),
    ("1984-02-29", "a date of birth"),
    ("29/02/1984", "a date of birth"),
])
def test_personal_data_in_an_undeclared_column_is_refused(tmp_path, value, kind):
    message = refused(tmp_path, f"NB-00000002,2020-04-02,Race,Dales,Public order,\"{value}\"\n")
    assert message == (
        f"F, line 3, column 'notes': this value looks like {kind}, so the file is refused: a "
        "victim-level extract must identify people only by a pseudonymised victim ID; remove the "
        "personal data (the value is not repeated here).")
    assert value not in message


def test_a_phone_number_in_the_ward_column_is_refused(tmp_path):
    message = refused(tmp_path, "NB-00000002,2020-04-02,Race,07700 900123,Public order,\n")
    assert message.startswith("F, line 3, column 'ward': this value looks like a phone number")


@pytest.mark.parametrize("ward", ["Robin Hood", "Alexandra Park", "Queen's Park", "St Ann's"])
def test_wards_named_after_people_are_places(tmp_path, ward):
    path = write(tmp_path / "victims.csv", HEADER + GOOD + f"NB-2,2020-04-02,Race,{ward},x,\n")
    frame, _ = read_hate_crime_victims(path, as_of="2021-03-31")
    assert frame["ward"].tolist() == ["Dales", ward]


@pytest.mark.parametrize("text", ["Public order", "Violence against the person", "SYNTHETIC",
                                  "Repeat caller flag", "2020-03-30", "Mark as reviewed"])
def test_ordinary_extra_values_are_kept(tmp_path, text):
    path = write(tmp_path / "victims.csv", HEADER + GOOD
                 + f"NB-2,2020-04-02,Race,Dales,Public order,{text}\n")
    frame, _ = read_hate_crime_victims(path, as_of="2021-03-31")
    assert frame["notes"].tolist() == ["SYNTHETIC", text]


@pytest.mark.parametrize("vid", ["Jane Doe", "DOE, Jane", "Smith", "Mohammed Khan"])
def test_a_victim_id_that_is_a_persons_name_is_refused(tmp_path, vid):
    message = refused(tmp_path, f"\"{vid}\",2020-04-02,Race,Dales,Public order,\n")
    assert message == ("F, line 3, column 'victim_id': this victim ID looks like a person's "
                       "name, not a pseudonymised ID, so the file is refused (the value is not "
                       "repeated here).")


@pytest.mark.parametrize("vid", ["NB-0a1b2c3d", "V-001", "ABCDEFGH", "a3f9c2e1d4b5", "VICTIM7"])
def test_pseudonymised_ids_are_accepted(tmp_path, vid):
    path = write(tmp_path / "victims.csv", HEADER + f"{vid},2020-04-02,Race,Dales,x,\n")
    frame, _ = read_hate_crime_victims(path, as_of="2021-03-31")
    assert frame["victim_id"].tolist() == [vid]


@pytest.mark.slow
def test_no_file_a_failed_run_writes_holds_the_planted_value(tmp_path):
    # The sample with "Jane Doe 07700 900123" typed into the strand column of one row: the run
    # stops (at validation, before any kernel), and the message and every file under the
    # output folder (none, as validation writes nothing) are searched for the value and its
    # parts.
    import shutil

    from pccanalysis.errors import PccError
    from pccanalysis.publish.run import run_quarter
    from pccanalysis.sample.write import write_sample

    sample = tmp_path / "sample"
    write_sample(sample)
    extract = next(sample.rglob("*hate_crime_victims.csv"))
    lines = extract.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[5].split(",")
    fields[2] = PLANTED
    lines[5] = ",".join(fields)
    extract.write_text("".join(lines), encoding="utf-8")
    outputs = tmp_path / "outputs"
    with pytest.raises(PccError) as err:
        run_quarter(sample / "pcc.yaml", "latest", output_dir=outputs)
    assert "line 6, column 'strand'" in str(err.value)
    written = [p for p in outputs.rglob("*") if p.is_file()]
    assert not list(outputs.glob("* Q*")), "a run that starts nothing makes no quarter folder"
    # Long enough that base64 images cannot hold them by chance (64**8 to one per place).
    for part in ("Jane Doe", "07700 900123", "07700900123"):
        assert part not in str(err.value)
        for path in written:
            assert part.encode() not in path.read_bytes(), f"{part!r} is in {path}"
    shutil.rmtree(sample)


def test_an_unquoted_comma_shifting_the_fields_is_detected(tmp_path):
    # "Hyson Green, Arboretum" written without quotes: the note moves into a seventh field.
    message = refused(tmp_path, "NB-00000002,2020-04-02,Race,Hyson Green, Arboretum,Public "
                                "order,x\n")
    assert message == ("F, line 3: the row has 7 fields but the header has 6; a value holding "
                       'a comma must be in double quotes ("Bristol, City of").')
