"""Does a cell's text look like personal data? Detectors for victim-level extracts.

A victim-level extract may carry columns the loader does not know (an offence group, a flag).
Their values are checked here, because a column's header says nothing about what was typed into
it: "Jane Doe 07700 900123" in a notes column is a name and a phone number. Matching finds:

- an email address (``name@host.tld``);
- a UK phone number (+44, 0044 or 0, then a mobile 07... or a geographic 01/02/03 number,
  spaces, brackets and hyphens between digits allowed);
- a UK postcode (``NG1 5DT``, ``SW1A 1AA``; the outward and inward codes of the Royal Mail's
  format);
- a person's name: an honorific followed by a capitalised word ("Mrs Smith"), or one of the
  common forenames below followed by a capitalised word ("Jane Doe", "Mohammed Khan").

The forename list holds the given names most often registered in England and Wales over the
last seventy years (from memory of ONS "Baby names" tables, not a copy of them): enough to
catch a name typed into the wrong column, not to find every name. A detector errs towards
refusing: a false alarm costs an analyst a minute, a missed name costs a data breach.

Nothing here returns or logs the value itself: callers name the row and column, never the text.

References
----------
Royal Mail, "Postcode Address File Programmers' Guide" (postcode format).
Ofcom, "The National Telephone Numbering Plan" (UK number ranges).
ONS, "Baby names in England and Wales" (statistical bulletins, 1996 onward, and historic top 100s).
"""

from __future__ import annotations

import re

__all__ = ["looks_like_name", "personal_kind"]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\s().-]+(?=\d)")
_PHONE = re.compile(r"(?<!\d)(?:\+44|0044|0)(?:7\d{9}|[123]\d{8,9})(?!\d)")
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z'’-]+", re.UNICODE)
_CAPITALISED_PAIR = re.compile(r"\b([A-Z][a-z'’-]+)\s+(?:[A-Z]\.?\s+)?([A-Z][a-zA-Z'’-]+)")
# Second words that make a forename a place ("Alexandra Park", "Victoria Street"), not a person.
_PLACE_WORDS = frozenset("""
avenue bridge centre close court crescent drive estate forest gardens green grove hall hill
house lane market park parade place road row square station street terrace vale valley way
ward wood
""".split())
# Two to five words of letters only: what a name typed as an ID looks like ("Jane Doe",
# "DOE, Jane"); a pseudonymised ID has digits or is one token.
_WORDS_ONLY = re.compile(r"^[^\W\d_][\w'’.-]*(?:[ ,]+[^\W\d_][\w'’.-]*){1,4}$", re.UNICODE)
_TITLE_WORD = re.compile(r"^[A-Z][a-z'’-]+$")

FORENAMES = frozenset("""
aaron abdul abigail adam adrian agnes ahmed aidan aisha alan albert alex alexander alexandra
alfie alice alison amanda amber amelia amy andrew angela ann anna anne annie anthony archie
arthur ava barbara barry ben benjamin beryl beth bethany betty bill billy brenda brian bruce
callum carl carol caroline catherine charles charlie charlotte chloe chris christine
christopher claire clare colin connor craig daisy daniel danielle darren david dawn dean
deborah debra denise dennis derek diane donald donna doris dorothy douglas dylan edward eileen
elizabeth ella ellie emily emma eric ethan eva evie fatima florence frances francesca frank
freddie freya gail gareth gary gavin geoffrey george georgia gerald gillian gordon grace
graham hannah harriet harry harvey hayley hazel heather helen henry holly hugh ian imogen irene
isaac isabel isabella isabelle isla jack jackie jacob jacqueline jake james jamie jane janet
janice jasmine jason jean jennifer jenny jessica jill joan joanne joe john jonathan joseph
joshua joyce judith julia julie june karen kate katherine kathleen kayleigh keith kelly
kenneth kevin kieran kirsty laura lauren leah lee leo lesley lewis liam lily linda lindsey
lisa logan louis louise lucy luke lynn lynne margaret maria marie mark martin mary matthew
maureen megan melanie michael michelle mohammad mohammed molly muhammad nancy naomi natalie
nathan neil nicholas nicola nigel noah norman oliver olivia oscar owen pamela patricia patrick
paul pauline peter philip phillip poppy rachel raymond rebecca richard rita robert robin roger
ronald rose rosie ross ruby russell ruth ryan sally samantha samuel sandra sarah scott sean
sharon sheila shirley simon sophia sophie stacey stanley stephanie stephen steven stuart susan
suzanne sylvia teresa terence theo theodore thomas timothy toby tom tony tracey tracy trevor
valerie vanessa victoria vincent wayne wendy william yvonne zara zoe
""".split())


def personal_kind(text: str, *, names: bool = True) -> str | None:
    """What personal data ``text`` seems to hold ("a phone number", ...), or None.

    ``names=False`` leaves names out, for a column of place names (wards are often named
    after people: "Robin Hood", "Queen's Park").

    >>> personal_kind("Jane Doe 07700 900123"), personal_kind("Public order")
    ('a phone number', None)
    """
    if _EMAIL.search(text):
        return "an email address"
    if _PHONE.search(_BETWEEN_DIGITS.sub("", text)):
        return "a phone number"
    if _POSTCODE.search(text):
        return "a postcode"
    if names and (_HONORIFIC.search(text) or any(
            m.group(1).casefold() in FORENAMES and m.group(2).casefold() not in _PLACE_WORDS
            for m in _CAPITALISED_PAIR.finditer(text))):
        return "a person's name"
    return None


def looks_like_name(text: str) -> bool:
    """Whether an identifier looks like a person's name rather than a pseudonym: two to five
    words of letters ("Jane Doe", "DOE, Jane"), one capitalised word ("Smith"), or any name
    :func:`personal_kind` finds."""
    text = text.strip()
    return bool(_WORDS_ONLY.match(text) or _TITLE_WORD.match(text)
                or personal_kind(text) == "a person's name")
