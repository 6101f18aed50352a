"""Whether an answer is written like a person's name: its words, titles, initials and particles,
and whether it starts with a common given name."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "sr", "sra", "srta", "don", "doña", "dña",
           "mme", "mlle", "m", "herr", "frau"}
_PARTICLES = {"de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "des", "la", "le", "los", "las",
              "van", "von", "vom", "zu", "zur", "y", "e", "i", "bin", "ben", "al", "el", "ter", "ten", "op"}
# Words of categories, roles, places and answers (en/es/fr/de): a label holding one is not a person's name.
_NOT_NAME = set("""
yes no not none other others unknown all any some very much more less most least strongly somewhat agree disagree
neutral satisfied dissatisfied good bad poor fair excellent average high low medium likely unlikely always never often
sometimes rarely the and of for in on at to with by from under over between than prefer say time full part
temporary permanent fixed term contract contractor intern trainee apprentice team teams unit units department
departments dept division divisions group groups service services sales support marketing finance financial
operations ops resources human technology technologies information engineering research development product
products customer customers client clients legal compliance risk audit admin administration logistics supply chain
procurement purchasing retail wholesale corporate commercial banking bank insurance wealth management manager
managers director directors senior junior lead leader leaders leadership head chief officer executive executives staff
employee employees associate associates analyst specialist assistant agent agents worker workers level grade band
north south east west northern southern eastern western central centre center region regional america americas
europe asia africa pacific atlantic middle mountain england emea apac latam global international national local
office offices site sites store stores branch hq headquarters remote hybrid city state country new lab labs
innovation digital data strategy quality security facilities project projects programme program solutions systems
network care health hospital clinic university college school institute foundation company inc ltd llc gmbh ag sa
sl sas plc holdings partners trust council board committee year years month months week weeks day days male female
man woman men women non-binary nonbinary binary shop plant factory warehouse
sí si ninguno ninguna otro otra otros todos equipo unidad departamento área area división grupo servicio servicios
ventas atención cliente clientes recursos humanos finanzas operaciones tecnología informática ingeniería
investigación desarrollo producto jurídico compras logística gerencia dirección directora jefe jefa gerente
responsable empleado empleada personal técnico técnica analista asistente norte sur este oeste centro región zona
oficina sede tienda sucursal nacional internacional banca seguros gestión calidad mujer hombre años meses
oui non aucun aucune autre autres tous équipe unité département ventes commerciale clientèle ressources humaines
opérations technologie ingénierie recherche développement produit juridique achats logistique directeur
directrice chef gestionnaire employé employée salarié salariée cadre cadres technicien analyste nord ouest est
bureau siège magasin agence banque assurance qualité femme homme ans mois
ja nein keine keiner andere alle abteilung bereich einheit gruppe vertrieb verkauf kundendienst kundenservice
personalwesen finanzen buchhaltung betrieb technik informatik entwicklung forschung produkt recht einkauf logistik
leitung leiter leiterin geschäftsführung führungskraft mitarbeiter mitarbeiterin angestellter angestellte
sachbearbeiter nord süd ost mitte zentrale standort büro filiale niederlassung versicherung verwaltung qualität
frau jahre monate
""".split())
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’\-][^\W\d_]+)*$")


def _capitalised(word: str) -> bool:
    """A name word as people write it: Anna, O'Brien, McDonald, Jean-Pierre, d'Alembert, Müller-Lüdenscheid."""
    parts = re.split(r"['’\-]", word)
    if len(parts) > 1 and len(parts[0]) == 1 and parts[0].islower():  # d'Alembert, l'Hôpital
        parts = parts[1:]
    return all(p[:1].isupper() and (len(p) == 1 or not p[1:].isupper()) for p in parts)


def name_shape(value: str) -> tuple[int, int]:
    """How much ``value`` looks like a person's name: (2 written like one — capitalised words, 1 all in
    lower case, 0 not a name; the number of name words). Titles, initials and particles (de, van,
    von, del) are allowed around 1–4 words; "Last, First" is read as "First Last".

    >>> name_shape("Anna Dubois"), name_shape("María José de la Fuente"), name_shape("DUBOIS Jean-Pierre")
    ((2, 2), (2, 3), (2, 2))
    >>> name_shape("Dr. J. R. O'Brien"), name_shape("anna dubois"), name_shape("Customer Service")
    ((2, 1), (1, 2), (0, 2))
    """
    text = " ".join(str(value).split())
    if not text or len(text) > 60 or any(c.isdigit() for c in text):
        return 0, 0
    tokens = _first_name_first(text)
    words, lower, caps = 0, 0, 0
    for i, token in enumerate(tokens):
        kind = _word_kind(token, i, len(tokens))
        if kind is None:
            return 0, len(tokens)
        if kind != "skip":
            words, lower, caps = words + 1, lower + (kind == "lower"), caps + (kind == "caps")
    return _written(words, lower, caps), words


def _first_name_first(text: str) -> list[str]:
    """The words of a name, "Last, First" read as "First Last", without the titles before it."""
    if text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first.strip()} {last.strip()}"
    tokens = text.split(" ")
    while len(tokens) > 1 and tokens[0].rstrip(".").casefold() in _TITLES:
        tokens = tokens[1:]
    return tokens


def _word_kind(token: str, i: int, count: int) -> str | None:
    """What word ``i`` of ``count`` is in a name: "skip" (a particle inside it, an initial), "lower"
    (written in lower case), "caps" (in capitals), "word" (capitalised); None if no name holds it."""
    bare = token.replace(".", "").replace("-", "")
    if token.casefold() in _PARTICLES and token.islower() and 0 < i < count - 1:
        return "skip"
    if bare.isalpha() and bare.isupper() and (len(bare) == 1 or (len(bare) == 2 and "." in token)):
        return "skip"  # an initial: J. or J or J.-P.
    if not _NAME_WORD.match(token) or token.casefold() in _NOT_NAME:
        return None
    if token.islower():
        return "lower"
    if token.isupper():
        return "caps" if len(token) >= 3 else None
    return "word" if _capitalised(token) else None


def _written(words: int, lower: int, caps: int) -> int:
    """2 for 1–4 name words written like a name (capitalised, one surname in capitals at most), 1 for
    two or three all in lower case, 0 otherwise."""
    if not 1 <= words <= 4:
        return 0
    if lower == words and words in (2, 3):
        return 1
    if lower or caps > 1 or caps == words:
        return 0
    return 2


_GIVEN_NAMES = Path(__file__).with_name("given_names.txt")


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Common given names in English, Spanish, French, German and other languages (``given_names.txt``),
    folded: lower case, accents removed."""
    lines = _GIVEN_NAMES.read_text(encoding="utf-8").splitlines()
    return frozenset(_fold(w) for line in lines if not line.startswith("#") for w in line.split())


def starts_with_given_name(value: str) -> bool:
    """True when ``value`` begins with a common given name (:func:`given_names`), after a title and,
    for "Last, First" or "DUBOIS Jean-Pierre", after the surname: the evidence that tells "Anna
    Dubois" from "Asset Management".

    >>> starts_with_given_name("Dr. Anna Dubois"), starts_with_given_name("DUBOIS, Jean-Pierre")
    (True, True)
    >>> starts_with_given_name("Asset Management"), starts_with_given_name("Saint Lucia")
    (False, False)
    """
    tokens = _first_name_first(" ".join(str(value).split()))
    while len(tokens) > 1 and len(tokens[0]) >= 3 and tokens[0].isupper():
        tokens = tokens[1:]
    first = re.split(r"[-'’]", tokens[0])[0] if tokens and tokens[0] else ""
    return first[:1].isupper() and _fold(first) in given_names()
