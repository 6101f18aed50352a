"""Whether a column holds direct identifiers (names, emails, phone numbers, addresses, dates of
birth, national numbers, profile links, free text), by its name and by its answers."""
from __future__ import annotations

import re
from dataclasses import dataclass

from cxcommit.instrument.guess import guess_scale
from cxcommit.io.person_names import name_shape, starts_with_given_name
from cxcommit.text import normalize_label


def _any(*alternatives: str) -> re.Pattern:
    return re.compile("|".join(alternatives))


# Direct identifiers by name, matched against a column's key, the last part of its label and (when
# short) its whole label. A column whose answers are a rating scale is never one (a channel matrix's
# "- Phone" or "- Email" row). Names in English, Spanish, French and German.
_PERSONAL = [
    (_any(r"e-?mail", r"correo", r"courriel"), "email address"),
    (_any(r"\bip[ -]?(address|adresse)?$", r"^ipaddress$", r"ip-adresse", r"direcci[oó]n ip"), "IP address"),
    (_any(r"latitude", r"longitude", r"breitengrad", r"längengrad", r"location ?accuracy", r"latitud", r"longitud"),
     "geolocation"),
    (_any(r"recipient", r"empfängers", r"^panel-"), "recipient field"),
    (_any(r"external ?(data ?)?reference", r"externaldatareference", r"externe datenreferenz"), "external reference"),
    (_any(r"\b(first|last|full|given|family|sur|middle|maiden)[ _-]?name\b",
          r"^((respondent|participant|employee|manager|supervisor|contact|your|my)'?s? )?name:?$",
          r"\b(your|my|respondent'?s?|participant'?s?|employee'?s?|manager'?s?|supervisor'?s?|contact) (full )?name\b",
          r"\bname of (your |the )?(manager|supervisor|participant|respondent|employee)\b",
          r"^(tu |su )?nombre( completo| y apellidos?)?:?$", r"nombre completo", r"apellidos?\b", r"\b(tu|su) nombre\b",
          r"nombre del (participante|empleado|encuestado|jefe|responsable)",
          r"^(votre )?nom( complet| de famille| et pr[ée]nom)?:?$", r"\bvotre nom\b", r"pr[ée]nom", r"nom de famille",
          r"vorname", r"nachname", r"familienname", r"vollst[äa]ndiger name", r"^(ihr |dein )?name:?$",
          r"\b(ihr|dein) name\b", r"name des (teilnehmers|mitarbeiters|befragten|vorgesetzten)"), "name"),
    (_any(r"(^|\b(your|my|work|home|mobile|cell|contact|business|office|daytime) )(tele)?phone( number| no\.?| #)?\W*$",
          r"\b(tele)?phone (number|no\b)", r"\bmobile (number|phone)", r"\bcell(ular)? (phone )?number", r"\bfax\b",
          r"^((su|tu|votre|ihre?) )?(n[uú]mero de )?(tel[ée]fono|t[ée]l[ée]phone|telefon|telefonnummer|handy"
          r"|handynummer|mobilnummer|m[oó]vil|celular|portable)( m[oó]vil| portable| celular)?\W*$",
          r"n[uú]mero de (tel[ée]fono|m[oó]vil|celular)", r"num[ée]ro de (t[ée]l[ée]phone|portable)",
          r"^t[ée]l\.?:?$"),
     "phone number"),
    (_any(r"(mailing|postal|street|home) address", r"^address:?$", r"zip ?code", r"post ?code",
          r"direcci[oó]n (postal|completa|de (casa|domicilio))", r"^domicilio", r"c[oó]digo postal",
          r"^(votre )?adresse( postale| compl[eè]te)?:?$", r"adresse postale", r"code postal",
          r"anschrift", r"^(ihre )?adresse:?$", r"wohnadresse", r"postleitzahl", r"^plz$"), "address"),
    (_any(r"date of birth", r"\bbirth ?date\b", r"^d\.?o\.?b\.?:?$", r"\bdob\b", r"birthday", r"fecha (de )?nacimiento",
          r"cumplea[ñn]os", r"date de naissance", r"geburtsdatum", r"geburtstag"), "date of birth"),
    (_any(r"\bemployee[ _-]?(id|number|no\b|num\b|code|#)", r"\bempl?[ _-]?(id|no|num)\b",
          r"\bstaff[ _-]?(id|number|no\b)", r"personnel[ _-]?(id|number|no\b)", r"payroll[ _-]?(id|number|no\b)",
          r"personalnummer", r"mitarbeiter-?(nummer|id)", r"n[uú]mero de (empleado|trabajador|n[oó]mina)",
          r"\bn[º°o]\.? de empleado", r"(id|c[oó]digo) de empleado", r"matricule",
          r"num[ée]ro (d'employ[ée]|de salari[ée]|de matricule)", r"identifiant (salari[ée]|employ[ée])"),
     "employee number"),
    (_any(r"national insurance", r"\bni (number|no\b)", r"^nino?:?$", r"\bssn\b", r"social security",
          r"seguridad social", r"s[ée]curit[ée] sociale", r"sozialversicherung",
          r"^(dni|nif|nie|nir|nss)( ?/ ?(dni|nif|nie))?:?$", r"\b(dni|nif)\b", r"steuer-?id",
          r"steueridentifikationsnummer", r"\btax (id|number)\b", r"passport", r"pasaporte", r"passeport",
          r"reisepass"), "national insurance or social security number"),
    (_any(r"^(your )?linkedin( profile)?( url| link)?:?$", r"\bprofile (url|link)\b",
          r"url (de|del|du) (su |votre )?(perfil|profil)", r"profil-?(url|link)"), "profile link"),
]
_EMAIL_VALUE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_IP_VALUE = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$|^[0-9a-f:]{6,}:[0-9a-f]{1,4}$", re.I)
# UK national insurance, US social security, Spanish DNI and NIE, French NIR, German Sozialversicherungsnummer
_NATIONAL_VALUE = re.compile(
    r"^[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]$|^\d{3}-\d{2}-\d{4}$|^\d{8}-?[A-Z]$|^[XYZ]-?\d{7}-?[A-Z]$"
    r"|^[12] ?\d{2} ?\d{2} ?(\d{2}|2[AB]) ?\d{3} ?\d{3}( ?\d{2})?$|^\d{2} ?\d{6} ?[A-Z] ?\d{3}$", re.I)
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]{7,25}$")
_DATE_VALUE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_STREET = re.compile(
    r"\b(street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|place|pl|court|ct|crescent|terrace"
    r"|square|sq|highway|hwy|parkway|calle|c/|avenida|avda|av|paseo|plaza|pza|camino|carrera|carretera|ronda|rue|bd"
    r"|chemin|allée|impasse|quai|cours|route)\b\.?"
    r"|\w(straße|strasse|str\.|weg|platz|allee|gasse)(\b|$)", re.I)
_HOUSE_NUMBER = re.compile(r"(^|[\s,])\d{1,5}[a-z]?(,|\s|$)", re.I)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b|\b[A-Z]\d[A-Z] ?\d[A-Z]\d\b|\b\d{5}-\d{4}\b"
                       r"|\b[A-Z]{2} \d{5}\b|\b\d{5} [A-ZÀ-Þ][^\W\d_]+")
_PROFILE_URL = re.compile(r"linkedin\.com/(in|pub)/|xing\.com/profile/|facebook\.com/[^/\s]+|twitter\.com/[^/\s]+"
                          r"|(^|[/.])x\.com/[^/\s]+|instagram\.com/[^/\s]+|tiktok\.com/@|github\.com/[^/\s]+/?$"
                          r"|researchgate\.net/profile/|orcid\.org/\d", re.I)
_URL = re.compile(r"^(https?://|www\.)\S+$", re.I)
_DIGIT = re.compile(r"\d")
_BIRTH_HINT = _any(r"born", r"birth", r"nacimiento", r"naci(ó|o|ste)\b", r"naissance", r"\bnée?\b", r"geburt",
                   r"geboren", r"cumplea", r"anniversaire")
_BIRTH_YEAR = re.compile(r"(?<!\d)(19[2-9]\d|200\d|2010)(?!\d)")
_MONTH = re.compile(r"jan|ene|feb|fév|mar|mär|apr|avr|abr|may|mai|jun|jul|juil|aug|ago|aoû|sep|oct|okt|nov|dec|dic"
                    r"|déc|dez", re.I)
# People named by a column that may hold their names or something else (a yes/no, a role): its
# answers decide.
_PEOPLE_HINT = re.compile(
    r"\b(participants?|participantes?|teilnehmer(in|innen)?|respondents?|encuestad[oa]s?|r[ée]pondants?|managers?"
    r"|supervisors?|superviseurs?|supervisor[ae]s?|vorgesetzten?|vorgesetzter|f[üu]hrungskraft|jef[ea]s?|gerentes?"
    r"|responsables?|encargad[oa]s?|chefs?|boss|coach|mentors?|trainers?|trainerin|formateurs?|formatri?ce|formador[a]?"
    r"|instructor[a]?|interviewers?|entrevistador[a]?|enqu[êe]teur|employees?|emplead[oa]s?|employ[ée]e?s?"
    r"|salari[ée]e?s?|mitarbeiter(in)?|colleagues?|colegas?|coll[èe]gues?|kolleg(e|in)|contacts?|contacto"
    r"|agents?|advisors?|advisers?|asesor[a]?|conseill[èe]re?|berater(in)?|person|persona|personne"
    r"|reports? to|(team|project|line|group) ?lead(er)?s?|(my|your|their) lead|owners?|contact ?persons?|ansprechpartner(in)?|referentes?|tutor[ae]?s?"
    r"|sponsors?|approvers?|reviewers?)\b")


def _is_phone(value: str) -> bool:
    """+44 7700 900123, (555) 123-4567, 06 12 34 56 78, 0171 1234567, 07700900123 — not a date, an
    amount or a plain number (respondent ids are plain numbers)."""
    if not _PHONE_CHARS.match(value) or _DATE_VALUE.match(value):
        return False
    digits = sum(c.isdigit() for c in value)
    if not 9 <= digits <= 15:
        return False
    groups = [g for g in re.split(r"[\s().\-/]+", value.lstrip("+")) if g]
    if value.startswith(("+", "00")) or "(" in value:
        return True
    if value.startswith("0"):
        return len(groups) >= 2 or digits in (10, 11)
    return len(groups) >= 3


def _is_address(value: str) -> bool:
    """A house number and a street word (12 Baker Street, Calle Mayor 5, 3 rue de la Paix,
    Hauptstraße 12a) or a postcode (SW1A 1AA, K1A 0B1, 94105-1234, CA 94105, 28013 Madrid)."""
    if len(value) > 100:
        return False
    return bool(_STREET.search(value) and _HOUSE_NUMBER.search(value)) or bool(_POSTCODE.search(value))


def _is_birth_date(value: str) -> bool:
    """A date with a year from 1920 to 2010: 1985-03-12, 12/03/1985, 12 March 1985, 12. März 1985."""
    if len(value) > 40 or not _BIRTH_YEAR.search(value):
        return False
    rest = _BIRTH_YEAR.sub("", value, count=1)
    return bool(re.search(r"\d", rest) or _MONTH.search(rest))


def _is_rating(values: list[str], label: str) -> bool:
    return bool(values) and guess_scale(dict.fromkeys(values, 1), label) is not None


def _multi_select(values: list[str]) -> bool:
    """Options joined by commas or semicolons ("Email, Phone, Chat"): the same few parts again and again."""
    parts = [normalize_label(p) for v in values for p in re.split(r"[;,]", v) if p.strip()]
    return len(parts) >= 2 * len(values) and len(set(parts)) < 0.3 * len(parts)


# Identifiers that hold digits, tried in this order when most answers hold a digit.
_WITH_DIGITS = [
    (_IP_VALUE.match, "IP addresses in the answers"),
    (_NATIONAL_VALUE.match, "national insurance or social security numbers in the answers"),
    (_is_phone, "phone numbers in the answers"),
]


def personal_reason(key: str, label: str, sample_values: list[str], answers: int | None = None,
                    distinct: int | None = None) -> str | None:
    """Why a column holds direct identifiers, or None.

    By its name (in English, Spanish, French or German): names, emails, IP addresses, locations,
    recipient fields, phone numbers, addresses, dates of birth, employee numbers, national
    insurance or social security numbers, profile links — unless its answers are a rating scale.
    By its answers (``sample_values``: up to 200 distinct non-empty ones; ``answers``: how many
    non-empty answers were looked at and ``distinct``: how many of them differ, where known):
    emails, IP addresses, national insurance / social security numbers, phone numbers, postal
    addresses, dates of birth (with a birth word in the name), profile links, web links one per
    person, people's names and free-text answers. The reason never quotes an answer.

    >>> people = ["Anna Dubois", "José García", "Jürgen Müller", "Chloé Martin", "Emily Clark"]
    >>> personal_reason("Q17", "Q17", people, answers=5, distinct=5)
    "looks like people's names: 5 distinct values in 5 answers"
    >>> personal_reason("Phone", "Satisfaction by channel - Phone", ["Satisfied", "Very satisfied", "Dissatisfied"])
    >>> personal_reason("Manager", "Manager", ["Anna Dubois", "Pierre Martin", "Hans Weber"], answers=800, distinct=3)
    "looks like people's names: 3 distinct values written like names in a column about people"
    """
    values = [str(v).strip() for v in sample_values if v is not None and str(v).strip()]
    norm_key, whole = normalize_label(key), normalize_label(label)
    reason = _reason_by_name(norm_key, label, whole, values)
    if reason or not values:
        return reason
    counted = answers is not None and distinct is not None and answers > 0
    unique = counted and distinct >= 5 and distinct > 0.5 * answers
    hint = f"{norm_key} {whole}"
    return (_identifiers_in_answers(values, hint, unique, distinct, answers,
                                    one_place=counted and answers >= 3 * distinct)
            or _people_or_text(values, hint, unique, distinct, answers))


def _share(values: list[str], test) -> float:
    return sum(bool(test(v)) for v in values) / len(values)


def _reason_by_name(norm_key: str, label: str, whole: str, values: list[str]) -> str | None:
    """The identifier a column's name says it holds (key, last part of the label, a short label),
    unless its answers are a rating scale."""
    names = [norm_key, norm_key.replace("_", " "), normalize_label(label.rsplit("-", 1)[-1])]
    for pattern, reason in _PERSONAL:
        if any(pattern.search(n) for n in names) or (len(whole) < 40 and pattern.search(whole)):
            return None if _is_rating(values, label) else reason
    return None


def _identifiers_in_answers(values: list[str], hint: str, unique: bool, distinct: int | None, answers: int | None,
                            *, one_place: bool) -> str | None:
    """Answers most of which are emails, IP addresses, national numbers, phone numbers, postal
    addresses (unless a few repeat: ``one_place``, an office's), dates of birth (with a birth word in
    ``hint``, the column's name), profile links or web links one per answer."""
    if _share(values, lambda v: "@" in v) > 0.5 and _share(values, _EMAIL_VALUE.match) > 0.5:
        return "email addresses in the answers"
    if _share(values, _DIGIT.search) > 0.5:  # the identifiers below all hold digits (a postcode, a house number)
        for test, reason in _WITH_DIGITS:
            if _share(values, test) > 0.5:
                return reason
        if _share(values, _is_address) > 0.5 and not one_place:
            return "postal addresses in the answers"
        if _BIRTH_HINT.search(hint) and _share(values, _is_birth_date) > 0.5:
            return "dates of birth in the answers"
    if _share(values, lambda v: "." in v) > 0.5:
        if _share(values, _PROFILE_URL.search) > 0.5:
            return "profile links in the answers"
        if _share(values, _URL.match) > 0.5 and unique:
            return f"web links, nearly one per answer: {distinct:,} distinct in {answers:,} answers"
    return None


def _people_or_text(values: list[str], hint: str, unique: bool, distinct: int | None,
                    answers: int | None) -> str | None:
    """People's names or free text, looked for in answers nearly one per answer, in a column about
    people (by ``hint``, its name), or in answers most of which are capitalised words."""
    people = bool(_PEOPLE_HINT.search(hint))
    if not (unique or people or _share(values, lambda v: v[:1].isupper() and not _DIGIT.search(v)) >= 0.5):
        return None  # numbers, codes, lower-case answers: neither names nor free text
    shapes = _Shapes.of(values)
    return (_written_names(values, shapes, unique, people, distinct, answers)
            or _given_names(values, shapes, distinct) or _free_text(values, unique, distinct, answers))


@dataclass(frozen=True)
class _Shapes:
    """How the answers are written (:func:`name_shape` of each): the shares written like a name
    (``written``), of two name words or more (``several``) and like a name in any case (``named``)."""

    each: list[tuple[int, int]]
    written: float
    several: float
    named: float

    @classmethod
    def of(cls, values: list[str]) -> _Shapes:
        shapes = [name_shape(v) for v in values]
        return cls(shapes, sum(s == 2 for s, _ in shapes) / len(shapes),
                   sum(s > 0 and n >= 2 for s, n in shapes) / len(shapes), sum(s > 0 for s, _ in shapes) / len(shapes))


def _written_names(values: list[str], shapes: _Shapes, unique: bool, people: bool, distinct: int | None,
                   answers: int | None) -> str | None:
    """Answers written like people's names, nearly one per answer or in a column about people."""
    if unique and shapes.written >= 0.5 and shapes.several >= 0.8:
        return f"looks like people's names: {distinct:,} distinct values in {answers:,} answers"
    if (people and len(values) >= 2 and shapes.written >= 0.5 and shapes.named >= 0.8
            and (shapes.several >= 0.5 or unique)):
        return (f"looks like people's names: {distinct or len(values):,} distinct values written like names in "
                "a column about people")
    return None


def _given_names(values: list[str], shapes: _Shapes, distinct: int | None) -> str | None:
    """Answers most of which start with a given name: people's, however the column is named and however
    often each one repeats (a manager's name is the answer of all their team); or given names alone."""
    given = [s > 0 and starts_with_given_name(v) for v, (s, _) in zip(values, shapes.each)]
    if (len(values) >= 2 and shapes.written >= 0.5 and shapes.several >= 0.6
            and sum(given) >= 0.5 * len(values)):
        return (f"looks like people's names: {distinct or len(values):,} distinct values, most of them a given "
                "name and a surname")
    if len(values) >= 3 and sum(g and n == 1 for g, (_, n) in zip(given, shapes.each)) >= 0.6 * len(values):
        return f"looks like first names: {distinct or len(values):,} distinct values, most of them a given name"
    return None


def _free_text(values: list[str], unique: bool, distinct: int | None, answers: int | None) -> str | None:
    """Answers of several words of text each, nearly one per answer, that are not options joined by commas."""
    if not (unique and distinct >= 10):
        return None
    mean_length = sum(map(len, values)) / len(values)
    if (mean_length >= 30 and sum(len(v.split()) for v in values) >= 4 * len(values)
            and sum(c.isalpha() for v in values for c in v) >= 0.6 * mean_length * len(values)
            and not _multi_select(values)):
        return (f"looks like free-text answers: {distinct:,} distinct in {answers:,} answers, "
                f"{mean_length:.0f} characters on average")
    return None
