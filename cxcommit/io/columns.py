"""Recognising what a column is from its name and its answers: personal data, survey metadata, ids,
dates, attributes."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from cxcommit.instrument.scales import guess_scale
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
    if text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first.strip()} {last.strip()}"
    tokens = text.split(" ")
    while tokens and tokens[0].rstrip(".").casefold() in _TITLES and len(tokens) > 1:
        tokens = tokens[1:]
    words, lower, caps = [], 0, 0
    for i, token in enumerate(tokens):
        bare = token.replace(".", "").replace("-", "")
        if token.casefold() in _PARTICLES and token.islower() and 0 < i < len(tokens) - 1:
            continue
        if bare.isalpha() and bare.isupper() and (len(bare) == 1 or (len(bare) == 2 and "." in token)):
            continue  # an initial: J. or J or J.-P.
        if not _NAME_WORD.match(token) or token.casefold() in _NOT_NAME:
            return 0, len(tokens)
        if token.islower():
            lower += 1
        elif token.isupper():
            if len(token) < 3:
                return 0, len(tokens)
            caps += 1
        elif not _capitalised(token):
            return 0, len(tokens)
        words.append(token)
    if not 1 <= len(words) <= 4:
        return 0, len(words)
    if lower == len(words) and len(words) in (2, 3):
        return 1, len(words)
    if lower or caps > 1 or caps == len(words):
        return 0, len(words)
    return 2, len(words)

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
    text = " ".join(str(value).split())
    if text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first.strip()} {last.strip()}"
    tokens = text.split(" ")
    while len(tokens) > 1 and tokens[0].rstrip(".").casefold() in _TITLES:
        tokens = tokens[1:]
    while len(tokens) > 1 and len(tokens[0]) >= 3 and tokens[0].isupper():
        tokens = tokens[1:]
    first = re.split(r"[-'’]", tokens[0])[0] if tokens and tokens[0] else ""
    return first[:1].isupper() and _fold(first) in given_names()


# Survey-tool bookkeeping: never items or groupings.
_METADATA = {
    "startdate", "enddate", "start date", "end date", "status", "progress", "duration (in seconds)", "finished",
    "recordeddate", "recorded date", "distributionchannel", "distribution channel", "userlanguage",
    "user language", "responseset", "response set", "collector id", "collectorid", "start time",
    "completion time", "last modified time", "timestamp", "q_recaptchascore", "q_relevantidduplicate",
    "q_relevantidduplicatescore", "q_relevantidfraudscore", "q_relevantidlaststartdate", "q_url",
    "q_ballotboxstuffing", "response type", "antworttyp", "anfangsdatum", "enddatum", "erfassungsdatum",
    "aktueller stand", "dauer (in sekunden)", "beendet", "verteilungskanal", "benutzersprache",
}
_IDS = {"responseid", "response id", "respondentid", "respondent id", "respondent_id", "_recordid", "id",
        "uniqueid", "unique id", "response_id", "antwort-id", "participant id", "participant_id"}
_DATES = ["recordeddate", "recorded date", "enddate", "end date", "completion time", "timestamp", "submitted",
          "submitdate", "submit date", "date", "startdate", "start date", "start time"]

# Standard grouping attributes and the usual names of their columns (normalised).
ATTRIBUTES = ("division", "business_unit", "role", "region")
# What publishing calls the pooled value of a grouping (cxcommit.privacy.publish: small groups generalised)
OTHER_LABELS = {"division": "Other divisions", "role": "Other roles", "region": "Other regions"}
OTHER_UNITS = "Other units of {division}"
_POOLED = re.compile(r"other( ({})( of .+)?)?".format("|".join(
    label.split()[1] for label in (*OTHER_LABELS.values(), OTHER_UNITS))), re.I)


def other_label(name: str, division: str | None = None) -> str:
    """What a grouping's generalised value is called: "Other units of Digital", "Other regions",
    "Other" (a grouping the export brought)."""
    if name == "business_unit":
        return OTHER_UNITS.format(division=division) if division else "Other units"
    return OTHER_LABELS.get(name, "Other")


def is_pooled_label(value: str) -> bool:
    """Whether ``value`` reads like a pooled group's name (:func:`other_label`), in any case.

    >>> is_pooled_label("other units of Digital"), is_pooled_label("Other roles"), is_pooled_label("Otherworld")
    (True, True, False)
    """
    return _POOLED.fullmatch(str(value).strip()) is not None

ATTRIBUTE_NAMES = {
    "division": ["division", "divisions", "business division", "segment", "sector", "line of business", "group",
                 "business group"],
    "business_unit": ["business unit", "business_unit", "businessunit", "unit", "bu", "department", "dept",
                      "team", "function", "org unit", "organisational unit", "organizational unit"],
    "role": ["role", "level", "job level", "position", "seniority", "grade", "management level", "job role",
             "respondent role"],
    "region": ["region", "country", "location", "site", "geography", "area", "market", "location (census region)",
               "census region"],
}
WAVE_NAMES = ["wave", "survey wave", "period", "survey period", "round", "cycle", "quarter", "survey"]
ROLE_WORDS = [
    ("executive", re.compile(r"exec|c-level|c-suite|chief|president|\bvp\b|vice president|senior leader|"
                             r"leadership team|director|officer|\bsvp\b|\bevp\b|board")),
    ("manager", re.compile(r"manager|supervisor|team lead|lead\b|head of|middle management")),
    ("employee", re.compile(r"employee|staff|individual contributor|associate|front[- ]?line|team member|"
                            r"agent|specialist|analyst|non-manager|worker")),
]


def _norm_key(text: str) -> str:
    return normalize_label(text).replace("_", " ").strip()


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
    norm_key = normalize_label(key)
    names = [norm_key, norm_key.replace("_", " "), normalize_label(label.rsplit("-", 1)[-1])]
    whole = normalize_label(label)
    for pattern, reason in _PERSONAL:
        if any(pattern.search(n) for n in names) or (len(whole) < 40 and pattern.search(whole)):
            if not _is_rating(values, label):
                return reason
            break
    if not values:
        return None

    def share(test) -> float:
        return sum(bool(test(v)) for v in values) / len(values)

    counted = answers is not None and distinct is not None and answers > 0
    unique = counted and distinct >= 5 and distinct > 0.5 * answers
    hint = f"{norm_key} {whole}"
    if share(lambda v: "@" in v) > 0.5 and share(_EMAIL_VALUE.match) > 0.5:
        return "email addresses in the answers"
    if share(_DIGIT.search) > 0.5:  # the identifiers below all hold digits (a postcode, a house number)
        if share(_IP_VALUE.match) > 0.5:
            return "IP addresses in the answers"
        if share(_NATIONAL_VALUE.match) > 0.5:
            return "national insurance or social security numbers in the answers"
        if share(_is_phone) > 0.5:
            return "phone numbers in the answers"
        if share(_is_address) > 0.5 and not (counted and answers >= 3 * distinct):  # not one office's address
            return "postal addresses in the answers"
        if _BIRTH_HINT.search(hint) and share(_is_birth_date) > 0.5:
            return "dates of birth in the answers"
    if share(lambda v: "." in v) > 0.5:
        if share(_PROFILE_URL.search) > 0.5:
            return "profile links in the answers"
        if share(_URL.match) > 0.5 and unique:
            return f"web links, nearly one per answer: {distinct:,} distinct in {answers:,} answers"
    people = bool(_PEOPLE_HINT.search(hint))
    if not (unique or people or share(lambda v: v[:1].isupper() and not _DIGIT.search(v)) >= 0.5):
        return None  # numbers, codes, lower-case answers: neither names nor free text
    shapes = [name_shape(v) for v in values]
    written = sum(s == 2 for s, _ in shapes) / len(shapes)
    several = sum(s > 0 and n >= 2 for s, n in shapes) / len(shapes)
    named = sum(s > 0 for s, _ in shapes) / len(shapes)
    if unique or people:
        if unique and written >= 0.5 and several >= 0.8:
            return f"looks like people's names: {distinct:,} distinct values in {answers:,} answers"
        if people and len(values) >= 2 and written >= 0.5 and named >= 0.8 and (several >= 0.5 or unique):
            return (f"looks like people's names: {distinct or len(values):,} distinct values written like names in "
                    "a column about people")
    given = [s > 0 and starts_with_given_name(v) for v, (s, _) in zip(values, shapes)]
    # Names that start with a given name are people's, however the column is named and however often
    # each one repeats (a manager's name is the answer of all their team).
    if len(values) >= 2 and written >= 0.5 and several >= 0.6 and sum(given) >= 0.5 * len(values):
        return (f"looks like people's names: {distinct or len(values):,} distinct values, most of them a given "
                "name and a surname")
    if len(values) >= 3 and sum(g and n == 1 for g, (_, n) in zip(given, shapes)) >= 0.6 * len(values):
        return f"looks like first names: {distinct or len(values):,} distinct values, most of them a given name"
    if unique and distinct >= 10:
        mean_length = sum(map(len, values)) / len(values)
        if (mean_length >= 30 and sum(len(v.split()) for v in values) >= 4 * len(values)
                and sum(c.isalpha() for v in values for c in v) >= 0.6 * mean_length * len(values)
                and not _multi_select(values)):
            return (f"looks like free-text answers: {distinct:,} distinct in {answers:,} answers, "
                    f"{mean_length:.0f} characters on average")
    return None


def per_respondent_reason(counts) -> str | None:
    """Why a column cannot group respondents, from how many answers each of its values has: most
    answers are values nobody else gave (and at least 5 such: a file of a few rows has one value per
    respondent in every column), so most groups would be one person. None otherwise.

    >>> per_respondent_reason([1, 1, 1, 1, 1, 2]), per_respondent_reason([3, 1, 1, 1, 1, 1, 3])
    ('one value per respondent: 5 of its 7 answers are given by nobody else', None)
    """
    counts = [int(n) for n in counts if n]
    singles, answers = sum(n == 1 for n in counts), sum(counts)
    if singles >= 5 and singles > 0.5 * answers:
        return f"one value per respondent: {singles:,} of its {answers:,} answers are given by nobody else"
    return None


_COMMENT = re.compile(r"^(comments?|feedback|remarks?|notes?|verbatim|open[- ]ended|other comments?|anything else)\b"
                      r"|please specify|\(other\)|_text$|\bcomments?$")


def is_comment(key: str, label: str) -> bool:
    """True for columns that by their name hold free-text comments."""
    return any(_COMMENT.search(normalize_label(text)) for text in (key, label))


def is_metadata(key: str) -> bool:
    return _norm_key(key) in _METADATA or normalize_label(key) in _METADATA


def is_respondent_id(key: str) -> bool:
    return normalize_label(key) in _IDS or _norm_key(key) in _IDS


def date_rank(key: str) -> int | None:
    """Preference of a column as the date of a response (lower is better), None if not a date column."""
    norm = _norm_key(key)
    return _DATES.index(norm) if norm in _DATES else None


def attribute_for(key: str, label: str) -> str | None:
    """The standard attribute (division, business_unit, role, region) a column's name suggests."""
    for name in (_norm_key(key), _norm_key(label)):
        for attribute, names in ATTRIBUTE_NAMES.items():
            if name in names:
                return attribute
    return None


def is_wave_column(key: str) -> bool:
    return _norm_key(key) in WAVE_NAMES


def canonical_role(value: str) -> str | None:
    """executive, manager or employee for a role label, or None if it says none of them.

    >>> canonical_role("Senior Leadership Team"), canonical_role("Team lead"), canonical_role("Front-line staff")
    ('executive', 'manager', 'employee')
    """
    norm = normalize_label(value)
    for role, pattern in ROLE_WORDS:
        if pattern.search(norm):
            return role
    return None
