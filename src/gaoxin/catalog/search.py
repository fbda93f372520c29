"""What a typed guide query means before it meets the database: its words, what the zone's
synonym list (近义词/俗称) says they stand for, pinyin forms and the themes they name.
Pure functions (no models, no request), so they can be tested on their own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from pypinyin import Style, lazy_pinyin

MAX_QUERY_LENGTH = 50
# A search box is not a query language: more words than this are ignored, which also bounds the SQL.
MAX_TERMS = 6
SEPARATOR = "、"
_SPLIT = re.compile(r"[\s,，、;；/／|｜]+")
_NOT_LATIN = re.compile(r"[^0-9a-z]")


def split_words(text: str) -> list[str]:
    """Words of a list typed with any common separator, stripped, without repeats, in order."""
    return list(dict.fromkeys(w for w in _SPLIT.split(text or "") if w))


def join_words(words: Iterable[str]) -> str:
    return SEPARATOR.join(words)


def is_latin(text: str) -> bool:
    """Letters and digits only: the query may be pinyin or a code."""
    return bool(text) and not _NOT_LATIN.search(text.lower())


def pinyin_forms(text: str) -> tuple[str, str]:
    """(full pinyin, initials) in lower-case letters and digits: 社保 → ("shebao", "sb")."""
    full = "".join(lazy_pinyin(text))
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))
    return _NOT_LATIN.sub("", full.lower()), _NOT_LATIN.sub("", initials.lower())


def item_search_text(*, name: str, keywords: Iterable[str], code: str) -> str:
    """The item's text for pinyin and code search. Each piece stands between spaces, so a
    query never matches across two of them (initials of the name running into a keyword's)
    and " sb " finds a whole word's pinyin, ranked above a part of one."""
    words = [name, *keywords]
    pieces = list(words)
    for word in words:
        full, initials = pinyin_forms(word)
        pieces += [initials, full]
    pieces.append(code.lower())
    return " " + " ".join(p for p in pieces if p) + " "


@dataclass(frozen=True)
class Term:
    """One typed word and every form it is looked for in: itself first, then its meanings."""

    typed: str
    alternatives: tuple[str, ...]

    @property
    def expanded(self) -> tuple[str, ...]:
        return self.alternatives[1:]

    @property
    def latin(self) -> tuple[str, ...]:
        return tuple(a.lower() for a in self.alternatives if is_latin(a))


def parse_query(query: str, synonyms: Iterable[tuple[str, list[str]]]) -> list[Term]:
    """Words of the query, each expanded by the synonym entries it contains (办社保 contains
    社保 → 社会保险). A latin entry (e.g. CA) must equal the word, so "cat" is not "CA"."""
    synonyms = list(synonyms)
    terms = []
    for word in split_words((query or "")[:MAX_QUERY_LENGTH])[:MAX_TERMS]:
        lowered = word.lower()
        alternatives = [word]
        for colloquial, meanings in synonyms:
            key = colloquial.lower()
            if (key == lowered) if is_latin(key) else (key in lowered):
                alternatives += [m for m in meanings if m not in alternatives]
        terms.append(Term(word, tuple(alternatives)))
    return terms


def theme_matches(term: Term, themes: Iterable[tuple[int, str]]) -> tuple[set[int], set[int]]:
    """Ids of the themes a term names in Chinese (社保; also 办社保, which contains it), and of
    those it names only in pinyin (shebao, sb). Pinyin needs two letters: one letter is in
    almost every theme."""
    named, by_pinyin = set(), set()
    for pk, name in themes:
        lowered = name.lower()
        full, initials = pinyin_forms(name)
        for alternative in term.alternatives:
            alt = alternative.lower()
            if alt in lowered or (len(lowered) >= 2 and lowered in alt):
                named.add(pk)
            elif len(alt) >= 2 and is_latin(alt) and (alt in full or alt in initials):
                by_pinyin.add(pk)
    return named, by_pinyin - named
