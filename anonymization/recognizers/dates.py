"""Dates of birth (a date with words saying "birth" around it) and exact ages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from anonymization.kinds import PiiKind
from anonymization.recognizers.base import L, PatternRecognizer, R

MONTHS = {
    "jan": 1, "january": 1, "janvier": 1, "janv": 1, "feb": 2, "february": 2, "février": 2,
    "fevrier": 2, "févr": 2, "mar": 3, "march": 3, "mars": 3, "apr": 4, "april": 4, "avril": 4,
    "avr": 4, "may": 5, "mai": 5, "jun": 6, "june": 6, "juin": 6, "jul": 7, "july": 7,
    "juillet": 7, "juil": 7, "aug": 8, "august": 8, "août": 8, "aout": 8, "sep": 9, "sept": 9,
    "september": 9, "septembre": 9, "oct": 10, "october": 10, "octobre": 10, "nov": 11,
    "november": 11, "novembre": 11, "dec": 12, "december": 12, "décembre": 12, "decembre": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)[0-9]{2}"
DATE = (
    rf"(?P<iso>{_YEAR})-(?P<iso_m>[01]?[0-9])-(?P<iso_d>[0-3]?[0-9])"
    rf"|(?P<n1>[0-3]?[0-9])[/.-](?P<n2>[0-3]?[0-9])[/.-](?P<n_y>{_YEAR})"
    rf"|(?P<m_name>(?i:{_MONTH}))\.?[ ]+(?P<m_d>[0-3]?[0-9])(?:st|nd|rd|th)?,?[ ]+(?P<m_y>{_YEAR})"
    rf"|(?P<d_d>[0-3]?[0-9])(?:er)?[ ]+(?P<d_name>(?i:{_MONTH}))\.?,?[ ]+(?P<d_y>{_YEAR})"
)
BIRTH_WORDS = (
    r"(?i:born|dob|d\.o\.b\.?|date[ ]of[ ]birth|birth[ ]?date|birthday|b\.|"
    r"née?|date[ ]de[ ]naissance|naissance|naquit)"
)


def parse_date(match: re.Match[str]) -> date | None:
    """The date a DATE match spells, or None when it is not a calendar date."""
    group = match.group
    try:
        if group("iso"):
            return date(int(group("iso")), int(group("iso_m")), int(group("iso_d")))
        if group("n_y"):
            first, second, year = int(group("n1")), int(group("n2")), int(group("n_y"))
            # day/month (Canada, France) unless the first can only be a month's day
            day, month = (first, second) if second <= 12 else (second, first)
            return date(year, month, day)
        if group("m_y"):
            return date(int(group("m_y")), MONTHS[group("m_name").lower()], int(group("m_d")))
        if group("d_y"):
            return date(int(group("d_y")), MONTHS[group("d_name").lower()], int(group("d_d")))
    except ValueError:
        return None
    return None


def _score_birth(match: re.Match[str], text: str) -> float | None:
    born = parse_date(match)
    today = datetime.now(UTC).date()
    if born is None or born.year < 1900 or born > today:
        return None
    return 0.85


DATE_OF_BIRTH = PatternRecognizer(
    name="date_of_birth", kind=PiiKind.DATE_OF_BIRTH,
    prefilter=r"(?i:born|dob|d\.o\.b|birth|né|naissance|b\.)",
    finder=re.compile(
        rf"{L}{BIRTH_WORDS}[ :,-]*(?:(?i:on|in|le|the)[ ]+)?(?P<value>{DATE}){R}"),
    score=_score_birth,
)

AGE = PatternRecognizer(
    name="age", kind=PiiKind.AGE,
    prefilter=r"(?i:years?|yrs?|aged?|âgée?|ans)",
    finder=re.compile(
        rf"{L}(?:[0-9]{{1,3}}[ -](?i:years?|yrs?)[ -](?i:old)"
        rf"|(?i:aged?)[ :]+[0-9]{{1,3}}|(?i:âgée?)[ ]+de[ ]+[0-9]{{1,3}}[ ]+ans){R}"),
    score=lambda match, text: 0.6,
)

RECOGNIZERS = (DATE_OF_BIRTH, AGE)
