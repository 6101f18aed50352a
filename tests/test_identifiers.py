"""Identifier columns found by what they hold, not only by their names (issue 12), in English, Spanish,
French and German; and no grouping with one value per respondent.

Every export here is built in code from seeded generators: fake people from small lists of first and
last names per language, free text from sentence parts, phone numbers, addresses, dates of birth,
employee and national numbers and profile links in the formats people write them.
"""
import csv
import io
import json
import random

import pandas as pd
import pytest

import cxcommit.io.readers as readers
import cxcommit.io.text_export as text_export
from cxcommit import apply_mapping, load_survey, mapping_from_dict, read_raw, suggest_mapping
from cxcommit.io.person_names import name_shape
from cxcommit.io.personal import personal_reason
from cxcommit.settings import Settings
from conftest import ROOT

DEMO = ROOT / "data" / "demo_responses.csv"

ROWS = 150
FIRST = {
    "en": ["James", "Mary", "Oliver", "Emily", "Harry", "Charlotte", "George", "Amelia", "Jack", "Sophie", "William",
           "Grace", "Thomas", "Lucy", "Daniel"],
    "es": ["José", "María", "Lucía", "Javier", "Carmen", "Álvaro", "Sofía", "Íñigo", "Pilar", "Andrés", "Begoña",
           "Raúl", "Nuria", "Sergio", "Ana María"],
    "fr": ["Jean-Pierre", "Amélie", "François", "Chloé", "Hélène", "Léa", "Mathieu", "Zoé", "Gaëlle", "Noël",
           "Margaux", "Thibault", "Anaïs", "Benoît", "Élodie"],
    "de": ["Jürgen", "Anna", "Lukas", "Sophie", "Björn", "Käthe", "Maximilian", "Lena", "Jörg", "Hannah", "Uwe",
           "Greta", "Sören", "Marie", "Felix"],
}
LAST = {
    "en": ["Smith", "O'Brien", "Clarke", "Taylor", "McDonald", "Hughes", "Evans", "Wright", "Walker", "Robinson",
           "Thompson", "Fitzgerald", "Patel", "Khan", "Ellis-Jones"],
    "es": ["García", "Fernández", "de la Fuente", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Díaz", "Muñoz",
           "Álvarez", "Ruiz", "Ortega", "del Río", "Núñez"],
    "fr": ["Dubois", "Lefèvre", "Martin", "Bernard", "Moreau", "Laurent", "Girard", "Rousseau", "Fontaine",
           "Chevalier", "d'Alembert", "Lemaître", "Bonnet", "Mercier", "Faure"],
    "de": ["Müller", "Schäfer", "Weiß", "Schröder", "Becker", "Hoffmann", "von Weizsäcker", "Krüger", "Schulz",
           "Zimmermann", "Köhler", "Lehmann", "Wagner", "Bauer", "Groß"],
}
# sentence parts: a subject, what it does, to what, and why — thousands of different answers
SENTENCES = {
    "en": (["Our leaders", "The executive team", "My manager", "Senior management", "The board", "Head office"],
           ["rarely talk about", "often mention", "should invest more in", "do not really understand",
            "keep promising to improve", "measure but ignore"],
           ["customer complaints", "the onboarding journey", "service quality in branches", "waiting times on the phone",
            "what customers tell us", "the survey results"],
           ["and nothing changes afterwards.", "which feels like box ticking to the front line.",
            "although budgets keep getting cut.", "but only when the numbers look bad.",
            "so we fix the same problems every quarter.", "and staff are never asked for ideas."]),
    "es": (["Nuestros directivos", "El comité de dirección", "Mi responsable", "La alta dirección", "El consejo",
            "La sede central"],
           ["casi nunca hablan de", "mencionan a menudo", "deberían invertir más en", "no entienden bien",
            "prometen mejorar", "miden pero ignoran"],
           ["las quejas de los clientes", "el proceso de alta", "la calidad del servicio en oficinas",
            "los tiempos de espera al teléfono", "lo que dicen los clientes", "los resultados de la encuesta"],
           ["y después no cambia nada.", "lo que parece un simple trámite.", "aunque los presupuestos se recortan.",
            "pero solo cuando los números son malos.", "así que repetimos los mismos errores.",
            "y nunca preguntan al personal."]),
    "fr": (["Nos dirigeants", "Le comité exécutif", "Mon responsable", "La direction générale", "Le conseil",
            "Le siège"],
           ["parlent rarement de", "évoquent souvent", "devraient investir davantage dans", "ne comprennent pas vraiment",
            "promettent d'améliorer", "mesurent mais ignorent"],
           ["les réclamations des clients", "le parcours d'accueil", "la qualité du service en agence",
            "l'attente au téléphone", "ce que disent les clients", "les résultats de l'enquête"],
           ["et rien ne change ensuite.", "ce qui ressemble à une formalité.", "alors que les budgets baissent.",
            "mais seulement quand les chiffres sont mauvais.", "donc les mêmes problèmes reviennent.",
            "et on ne demande jamais l'avis des équipes."]),
    "de": (["Unsere Führungskräfte", "Der Vorstand", "Meine Vorgesetzte", "Die Geschäftsleitung", "Der Aufsichtsrat",
            "Die Zentrale"],
           ["sprechen selten über", "erwähnen oft", "sollten mehr investieren in", "verstehen nicht wirklich",
            "versprechen Verbesserungen bei", "messen, aber ignorieren"],
           ["die Beschwerden der Kunden", "den Einstiegsprozess", "die Servicequalität in den Filialen",
            "die Wartezeiten am Telefon", "das Feedback der Kunden", "die Ergebnisse der Umfrage"],
           ["und danach ändert sich nichts.", "was wie reine Pflichterfüllung wirkt.", "obwohl Budgets gekürzt werden.",
            "aber nur, wenn die Zahlen schlecht sind.", "also wiederholen sich die Probleme.",
            "und die Mitarbeitenden werden nie gefragt."]),
}
MONTHS = {"en": ["January", "March", "June", "September"], "es": ["enero", "marzo", "junio", "septiembre"],
          "fr": ["janvier", "mars", "juin", "septembre"], "de": ["Januar", "März", "Juni", "September"]}
UNITS = ["Retail Banking", "Wealth Management", "Customer Service", "Human Resources", "Innovation Lab", "Claims",
         "Brokerage", "Advisory", "Commercial Banking", "Corporate Finance", "Internal Audit", "Legal", "Compliance",
         "Risk Management", "Group Marketing", "Digital Channels", "Data Office", "Procurement", "Facilities",
         "Payments", "Cards", "Mortgages", "Private Banking", "Asset Management", "Treasury", "Operations North",
         "Operations South", "IT Infrastructure", "Security", "Strategy"]


def _people(lang: str, seed: int, n: int = ROWS) -> list[str]:
    """n different people's full names (some with a middle initial)."""
    rng = random.Random(seed)
    pairs = rng.sample([(f, l) for f in FIRST[lang] for l in LAST[lang]], n)
    return [f"{f} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {l}" if rng.random() < 0.2 else f"{f} {l}" for f, l in pairs]


def _few_people(lang: str, seed: int, k: int, n: int = ROWS) -> list[str]:
    """k people (managers, trainers), each named on many rows."""
    rng = random.Random(seed)
    chosen = _people(lang, seed, k)
    return [rng.choice(chosen) for _ in range(n)]


def _gen(seed: int, make) -> list[str]:
    rng = random.Random(seed)
    return [make(rng) for _ in range(ROWS)]


def _digits(rng, k: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(k))


def _sentence(lang: str):
    parts = SENTENCES[lang]
    return lambda rng: " ".join(rng.choice(p) for p in parts)


def _ni(rng) -> str:
    return f"{rng.choice('ABCEGHJKLMNPRSTWXYZ')}{rng.choice('ABCEGHJKLMNPRSTWXYZ')}{_digits(rng, 6)}{rng.choice('ABCD')}"


def _dni(rng) -> str:
    return f"{_digits(rng, 8)}{rng.choice('TRWAGMYFPDXBNJZSQVHLCKE')}"


def _uk_postcode(rng) -> str:
    return f"{rng.choice(['SW', 'N', 'EC', 'M', 'B', 'LS'])}{rng.randint(1, 20)} {rng.randint(1, 9)}" \
           f"{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"


def _birth(lang: str):
    def make(rng):
        y, m, d = rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)
        return {"en": f"{y}-{m:02d}-{d:02d}", "es": f"{d:02d}/{m:02d}/{y}",
                "fr": f"{d} {rng.choice(MONTHS['fr'])} {y}", "de": f"{d:02d}.{m:02d}.{y}"}[lang]
    return make


def _slug(name: str) -> str:
    return "".join(c for c in name.lower().replace(" ", "-") if c.isascii() and (c.isalnum() or c == "-"))


NAMES = "looks like people's names"
FREE_TEXT = "looks like free-text answers"
# (test id, column name, answers, the reason the column is dropped for: its beginning)
IDENTIFIERS = [
    # people's names, by the column's name
    ("your name", "Your name", _people("en", 1), "name"),
    ("full name", "Full name", _people("en", 2), "name"),
    ("nombre completo", "Nombre completo", _people("es", 3), "name"),
    ("apellidos", "Apellidos", [p.split(" ", 1)[1] for p in _people("es", 4)], "name"),
    ("prénom", "Prénom", [p.split(" ")[0] for p in _people("fr", 5)], "name"),
    ("nom complet", "Nom complet", _people("fr", 6), "name"),
    ("vollständiger name", "Vollständiger Name", _people("de", 7), "name"),
    ("nachname", "Nachname", [p.rsplit(" ", 1)[1] for p in _people("de", 8)], "name"),
    ("question text", "What is your name?", _people("en", 9), "name"),
    # by their answers, under a column that may hold people or something else
    ("participant", "Participant", _people("en", 10), NAMES),
    ("manager, 8 people", "Manager", _few_people("en", 11, 8), NAMES),
    ("jefe, 6 people", "Jefe directo", _few_people("es", 12, 6), NAMES),
    ("responsable, 6 people", "Responsable", _few_people("fr", 13, 6), NAMES),
    ("vorgesetzter, 6 people", "Vorgesetzter", _few_people("de", 14, 6), NAMES),
    ("teilnehmer", "Teilnehmer", _people("de", 15), NAMES),
    # by their answers alone, under a neutral name
    ("names en", "Q17", _people("en", 16), NAMES),
    ("names es", "Column 5", _people("es", 17), NAMES),
    ("names fr, SURNAME first", "Q17", [f"{p.split(' ')[-1].upper()} {p.split(' ')[0]}" for p in _people("fr", 18)],
     NAMES),
    ("names de, last, first", "Spalte 5", [f"{p.rsplit(' ', 1)[1]}, {p.rsplit(' ', 1)[0]}" for p in _people("de", 19)],
     NAMES),
    ("names typed in lower case", "Q17",
     [p.lower() if i % 3 == 0 else p for i, p in enumerate(_people("en", 20))], NAMES),
    # free-text answers
    ("free text en", "Q17", _gen(21, _sentence("en")), FREE_TEXT),
    ("free text es", "Column 5", _gen(22, _sentence("es")), FREE_TEXT),
    ("free text fr", "Q9", _gen(23, _sentence("fr")), FREE_TEXT),
    ("free text de", "Frage 3", _gen(24, _sentence("de")), FREE_TEXT),
    # phone numbers
    ("phone by name", "Phone number", _gen(25, lambda r: f"0{_digits(r, 10)}"), "phone number"),
    ("teléfono", "Teléfono móvil", _gen(26, lambda r: f"6{_digits(r, 8)}"), "phone number"),
    ("téléphone", "Téléphone", _gen(27, lambda r: f"06{_digits(r, 8)}"), "phone number"),
    ("handynummer", "Handynummer", _gen(28, lambda r: f"0171{_digits(r, 7)}"), "phone number"),
    ("uk mobile", "Q17", _gen(29, lambda r: f"+44 7700 9{_digits(r, 5)}"), "phone numbers in the answers"),
    ("us", "Column 5", _gen(30, lambda r: f"({_digits(r, 3)}) {_digits(r, 3)}-{_digits(r, 4)}"),
     "phone numbers in the answers"),
    ("french", "Q9", _gen(31, lambda r: "06 " + " ".join(_digits(r, 2) for _ in range(4))),
     "phone numbers in the answers"),
    ("german", "Frage 3", _gen(32, lambda r: f"0171 {_digits(r, 7)}"), "phone numbers in the answers"),
    ("spanish", "Pregunta 4", _gen(33, lambda r: f"+34 6{_digits(r, 2)} {_digits(r, 3)} {_digits(r, 3)}"),
     "phone numbers in the answers"),
    ("uk without spaces", "Q10", _gen(34, lambda r: f"07700{_digits(r, 6)}"), "phone numbers in the answers"),
    # postal addresses
    ("home address", "Home address", _gen(35, lambda r: f"{r.randint(1, 200)} Baker Street"), "address"),
    ("dirección postal", "Dirección postal", _gen(36, lambda r: f"Calle Mayor {r.randint(1, 90)}"), "address"),
    ("adresse", "Adresse", _gen(37, lambda r: f"{r.randint(1, 90)} rue de la Paix"), "address"),
    ("anschrift", "Anschrift", _gen(38, lambda r: f"Hauptstraße {r.randint(1, 90)}"), "address"),
    ("street en", "Q17", _gen(39, lambda r: f"{r.randint(1, 300)} {r.choice(LAST['en'])} {r.choice(['Road', 'Street', 'Avenue', 'Lane'])}"),
     "postal addresses in the answers"),
    ("calle es", "Column 5", _gen(40, lambda r: f"{r.choice(['Calle', 'Avenida', 'Paseo'])} de {r.choice(LAST['es'])} "
                                                f"{r.randint(1, 120)}, 280{r.randint(10, 99)} Madrid"),
     "postal addresses in the answers"),
    ("rue fr", "Q9", _gen(41, lambda r: f"{r.randint(1, 120)} {r.choice(['rue', 'avenue', 'boulevard'])} "
                                        f"{r.choice(LAST['fr'])}, 750{r.randint(10, 20)} Paris"),
     "postal addresses in the answers"),
    ("straße de", "Frage 3", _gen(42, lambda r: f"{r.choice(LAST['de']).split()[-1]}{r.choice(['straße', 'weg', 'platz'])} "
                                              f"{r.randint(1, 120)}{r.choice(['', 'a', 'b'])}"),
     "postal addresses in the answers"),
    ("uk postcodes", "Q11", _gen(43, _uk_postcode), "postal addresses in the answers"),
    # dates of birth
    ("date of birth", "Date of birth", _gen(44, _birth("en")), "date of birth"),
    ("dob", "DOB", _gen(45, _birth("en")), "date of birth"),
    ("birthday", "Birthday", _gen(46, _birth("en")), "date of birth"),
    ("fecha de nacimiento", "Fecha de nacimiento", _gen(47, _birth("es")), "date of birth"),
    ("date de naissance", "Date de naissance", _gen(48, _birth("fr")), "date of birth"),
    ("geburtsdatum", "Geburtsdatum", _gen(49, _birth("de")), "date of birth"),
    ("born, en", "When were you born?", _gen(50, _birth("en")), "dates of birth in the answers"),
    ("nacido, es", "¿Cuándo naciste?", _gen(51, _birth("es")), "dates of birth in the answers"),
    ("né, fr", "Né(e) le", _gen(52, _birth("fr")), "dates of birth in the answers"),
    ("geboren, de", "Geboren am", _gen(53, _birth("de")), "dates of birth in the answers"),
    # employee numbers, by name
    ("employee id", "Employee ID", _gen(54, lambda r: f"E{_digits(r, 6)}"), "employee number"),
    ("staff number", "Staff number", _gen(55, lambda r: _digits(r, 7)), "employee number"),
    ("personnel number", "Personnel number", _gen(56, lambda r: _digits(r, 6)), "employee number"),
    ("número de empleado", "Número de empleado", _gen(57, lambda r: _digits(r, 6)), "employee number"),
    ("matricule", "Matricule", _gen(58, lambda r: f"M{_digits(r, 5)}"), "employee number"),
    ("personalnummer", "Personalnummer", _gen(59, lambda r: _digits(r, 8)), "employee number"),
    # national insurance, social security and identity numbers
    ("national insurance", "National Insurance number", _gen(60, _ni), "national insurance"),
    ("ssn", "SSN", _gen(61, lambda r: f"{_digits(r, 3)}-{_digits(r, 2)}-{_digits(r, 4)}"), "national insurance"),
    ("nin", "NIN", _gen(62, _ni), "national insurance"),
    ("dni", "DNI", _gen(63, _dni), "national insurance"),
    ("nif", "NIF", _gen(64, _dni), "national insurance"),
    ("sécurité sociale", "Numéro de sécurité sociale",
     _gen(65, lambda r: f"{r.randint(1, 2)} {_digits(r, 2)} {_digits(r, 2)} {_digits(r, 2)} {_digits(r, 3)} "
                        f"{_digits(r, 3)} {_digits(r, 2)}"), "national insurance"),
    ("sozialversicherungsnummer", "Sozialversicherungsnummer",
     _gen(66, lambda r: f"{_digits(r, 2)} {_digits(r, 6)} {r.choice('ABKMS')} {_digits(r, 3)}"), "national insurance"),
    ("ni numbers", "Q17", _gen(67, _ni), "national insurance or social security numbers in the answers"),
    ("ssn numbers", "Column 5", _gen(68, lambda r: f"{_digits(r, 3)}-{_digits(r, 2)}-{_digits(r, 4)}"),
     "national insurance or social security numbers in the answers"),
    ("dni numbers", "Pregunta 4", _gen(69, _dni), "national insurance or social security numbers in the answers"),
    # profile links
    ("linkedin by name", "LinkedIn profile", _gen(70, lambda r: f"anna-{_digits(r, 4)}"), "profile link"),
    ("linkedin links", "Q17", [f"https://www.linkedin.com/in/{_slug(p)}-{i}" for i, p in enumerate(_people("en", 71))],
     "profile links in the answers"),
    ("xing links", "Frage 3", [f"https://www.xing.com/profile/{_slug(p)}" for p in _people("de", 72)],
     "profile links in the answers"),
    ("one link per person", "Column 5", _gen(73, lambda r: f"https://intranet.example.com/people/{_digits(r, 8)}"),
     "web links, nearly one per answer"),
]

LIKERT = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]
# (test id, column name, answers, what the suggestion makes of it): columns that are not identifiers and must stay
# what they are
NOT_IDENTIFIERS = [
    ("department, 30 units", "Department", _gen(80, lambda r: r.choice(UNITS)), "attribute"),
    ("units under a neutral name", "Q17", _gen(81, lambda r: r.choice(UNITS)), "grouping"),
    ("departamento", "Departamento", _gen(82, lambda r: r.choice(
        ["Recursos Humanos", "Atención al Cliente", "Banca Privada", "Riesgos", "Tecnología", "Ventas Zona Norte"])), "grouping"),
    ("service", "Service", _gen(83, lambda r: r.choice(
        ["Ressources Humaines", "Service Client", "Contrôle de Gestion", "Direction Financière", "Agence de Lyon"])), "grouping"),
    ("abteilung", "Abteilung", _gen(84, lambda r: r.choice(
        ["Personalwesen", "Kundendienst", "Vertrieb Nord", "Vertrieb Süd", "Rechnungswesen", "IT Betrieb"])), "grouping"),
    ("region", "Region", _gen(85, lambda r: r.choice(
        ["North America", "Western Europe", "Latin America", "Asia Pacific", "Middle East", "Central Europe"])), "attribute"),
    ("census region", "Location (Census Region)", _gen(86, lambda r: r.choice(
        ["New England", "Middle Atlantic", "East North Central", "West South Central", "Pacific", "Mountain"])), "attribute"),
    ("site, 12 cities", "Site", _gen(87, lambda r: r.choice(
        ["New York", "Los Angeles", "San Francisco", "Buenos Aires", "São Paulo", "Hong Kong", "Frankfurt am Main",
         "Le Havre", "Las Palmas", "Saint-Étienne", "Bad Homburg", "Santa Cruz"])), "attribute"),
    ("gender", "Gender", _gen(88, lambda r: r.choice(["Male", "Female", "Non-binary", "Prefer not to say"])), "grouping"),
    ("age", "Age", _gen(89, lambda r: str(r.randint(18, 66))), "ignored: numbers, not a rating"),
    ("age band", "Age", _gen(90, lambda r: r.choice(["18-29", "30-44", "45-60", "> 60"])), "grouping"),
    ("year of birth, an age", "What year were you born?", _gen(91, lambda r: str(r.randint(1950, 2004))), "ignored: numbers, not a rating"),
    ("likert", "Q5", _gen(92, lambda r: r.choice(LIKERT)), "item"),
    ("likert es", "P5", _gen(93, lambda r: r.choice(
        ["Totalmente de acuerdo", "De acuerdo", "Ni de acuerdo ni en desacuerdo", "En desacuerdo",
         "Totalmente en desacuerdo"])), "grouping"),
    ("manager yes/no", "Manager", _gen(94, lambda r: r.choice(["Yes", "No"])), "item"),
    ("vorgesetzter ja/nein", "Vorgesetzter", _gen(95, lambda r: r.choice(["Ja", "Nein"])), "item"),
    ("manager level", "Manager", _gen(96, lambda r: r.choice(
        ["Senior Manager", "Team Lead", "Director", "Individual Contributor", "Line Manager"])), "grouping"),
    ("employment", "Employee", _gen(97, lambda r: r.choice(["Full Time", "Part Time"])), "grouping"),
    ("nps", "NPS", _gen(98, lambda r: str(r.randint(0, 10))), "item"),
    ("a channel matrix row: phone", "Satisfaction by channel - Phone", _gen(99, lambda r: r.choice(LIKERT)), "item"),
    ("a channel used: email", "Email", _gen(100, lambda r: r.choice(["Yes", "No"])), "item"),
    ("canned comments", "Comment", _gen(101, lambda r: r.choice(SENTENCES["en"][2]) if r.random() < 0.3 else ""), "ignored: free text"),
    ("job titles", "Job title", _gen(102, lambda r: r.choice(
        ["Analyst", "Senior Engineer", "Nurse", "Data Scientist", "Teacher", "Accountant", "Sales Representative",
         "Project Manager", "Software Developer", "Consultant"])), "grouping"),
    ("household income", "Household Income", _gen(103, lambda r: r.choice(
        ["$0 - $24,999", "$25,000 - $49,999", "$50,000 - $99,999", "$100,000 - $149,999", "$150,000+"])), "grouping"),
    ("tenure", "Tenure", _gen(104, lambda r: r.choice(
        ["Less than 1 year", "1-3 years", "3-5 years", "More than 5 years"])), "grouping"),
    ("multi-select", "Q17", _gen(105, lambda r: ", ".join(r.sample(
        ["Email", "Phone", "Chat", "Branch", "Mobile app", "Website", "Social media"], r.randint(1, 4)))), "ignored: free text"),
    ("seasons", "Survey period", _gen(106, lambda r: r.choice(["Spring 2024", "Autumn 2024", "Spring 2025"])), "wave"),
    ("respondent ids", "RespondentID", [str(3290000000 + i * 7919) for i in range(ROWS)], "ignored: free text"),
    ("wave dates", "Date", _gen(107, lambda r: f"2026-{r.randint(1, 6):02d}-{r.randint(1, 28):02d} 09:{r.randint(10, 59)}"), "wave"),
]


def _export(column: str, values: list[str], *, extra: dict[str, list[str]] | None = None) -> bytes:
    rng = random.Random(0)
    columns = {"respondent_id": [f"R{i}" for i in range(len(values))],
               "Division": [rng.choice(["Retail", "Corporate", "Insurance"]) for _ in values],
               "sign_1": [rng.choice(["Yes", "No", "Don't know"]) for _ in values],
               column: values, **(extra or {})}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(zip(*columns.values()))
    return out.getvalue().encode()


@pytest.mark.parametrize("column, values, reason", [c[1:] for c in IDENTIFIERS], ids=[c[0] for c in IDENTIFIERS])
def test_identifier_columns_are_dropped_at_import(column, values, reason):
    raw = read_raw(_export(column, values), "export.csv")
    mapping = suggest_mapping(raw)
    assert mapping.personal[column].startswith(reason)
    survey = apply_mapping(raw, mapping)
    dropped = survey.report.personal_dropped[column]
    assert dropped.startswith(reason)
    assert column not in survey.groupings.values() and column not in survey.responses
    assert not any(value.casefold() in dropped.casefold() for value in set(values) if len(value) > 3)  # no value quoted
    assert survey.item_ids == ("sign_1",) and list(survey.groupings) == ["wave", "division"]


def _role(mapping, column: str) -> str:
    if column in [m.column for m in mapping.items]:
        return "item"
    if column in mapping.attributes.values():
        return "attribute"
    if column in mapping.groupings:
        return "grouping"
    if column == mapping.wave.column:
        return "wave"
    return f"ignored: {mapping.ignored.get(column)}"


@pytest.mark.parametrize("column, values, role", [c[1:] for c in NOT_IDENTIFIERS], ids=[c[0] for c in NOT_IDENTIFIERS])
def test_survey_columns_are_kept(column, values, role):
    raw = read_raw(_export(column, values), "export.csv")
    mapping = suggest_mapping(raw)
    assert column not in mapping.personal
    assert _role(mapping, column) == role
    survey = apply_mapping(raw, mapping)
    assert column not in survey.report.personal_dropped
    assert (column in survey.groupings.values()) == (role in ("attribute", "grouping", "wave"))


NAME_SHAPES = [
    ("Anna Dubois", (2, 2)), ("María José de la Fuente", (2, 3)), ("Jürgen von Weizsäcker", (2, 2)),
    ("O'Brien, Mary", (2, 2)), ("DUBOIS Jean-Pierre", (2, 2)), ("Dr. J. R. McDonald", (2, 1)),
    ("Léa d'Alembert", (2, 2)), ("anna dubois", (1, 2)), ("Customer Service", (0, 2)), ("Recursos Humanos", (0, 2)),
    ("Strongly agree", (0, 2)), ("North America", (0, 2)), ("IT Support", (0, 2)), ("Team 5", (0, 0)),
    ("Senior Manager", (0, 2)), ("Anna", (2, 1)), ("a@b.com", (0, 1)),
]


@pytest.mark.parametrize("value, shape", NAME_SHAPES, ids=[v for v, _ in NAME_SHAPES])
def test_name_shape(value, shape):
    assert name_shape(value) == shape


def test_the_reasons_give_counts():
    people = _people("en", 1)
    assert personal_reason("Q17", "Q17", people, ROWS, ROWS) == \
        f"looks like people's names: {ROWS} distinct values in {ROWS} answers"
    managers = _few_people("fr", 13, 6)
    assert personal_reason("Manager", "Manager", sorted(set(managers)), ROWS, 6) == \
        "looks like people's names: 6 distinct values written like names in a column about people"
    text = [" ".join(p) for p in zip(*SENTENCES["en"])]
    text += [t + " Really." for t in text]
    mean = sum(map(len, text)) / len(text)
    assert round(mean) == 99
    assert personal_reason("Q17", "Q17", text, 12, 12) == \
        "looks like free-text answers: 12 distinct in 12 answers, 99 characters on average"
    # without counts, uniqueness is not assumed: names written like names but with no known given name
    # ("Smith Clarke") are kept; with a given name they are people's whatever the counts
    surnames = [f"{a} {b}" for a in LAST["en"] for b in LAST["en"] if a != b and "-" not in a + b]
    assert personal_reason("Q17", "Q17", surnames) is None
    assert personal_reason("Q17", "Q17", people) == \
        f"looks like people's names: {ROWS} distinct values, most of them a given name and a surname"


# Names that start with a given name are people's whatever the column's name and however often each
# repeats (a manager's name is the answer of their whole team); the attack's columns (/tmp/attack/mgr.csv).
MANAGERS = [f"{f} {l}" for f, l in zip(["Aisha", "Sofía", "José", "Jürgen", "Chloé", "Mohammed", "Zoë", "Björn"],
                                      ["Dubois", "Kowalski", "Lefèvre", "Müller", "Martin", "van der Berg", "O'Brien",
                                       "García"])]
NAMED_ANYHOW = [
    ("reports to", "Reports to", _gen(110, lambda r: r.choice(MANAGERS)), NAMES),
    ("team lead", "Team lead", _gen(111, lambda r: r.choice(MANAGERS)), NAMES),
    ("neutral name, 6 managers", "Q50", _few_people("en", 11, 6), NAMES),
    ("neutral name, 2 managers", "Q50", _gen(112, lambda r: r.choice(MANAGERS[:2])), NAMES),
    ("last, first", "Q32", _gen(113, lambda r: r.choice(["DUBOIS, Anna", "GARCÍA, Luis", "MÜLLER, Hans",
                                                          "SMITH, Mary"])), NAMES),
    ("first names only", "Q43", _gen(114, lambda r: r.choice(
        [p.split(" ")[0] for p in MANAGERS] + ["Anna", "Luis", "Hans", "Marie", "Pierre", "Greta"])),
     "looks like first names"),
    ("ansprechpartner", "Ansprechpartner", _gen(115, lambda r: r.choice(["Käthe Schäfer", "Sören Weiß", "Uwe Groß"])),
     NAMES),
    ("referente", "Referente", _gen(116, lambda r: r.choice(["Íñigo Ruiz", "Begoña Ortega", "Nuria Díaz"])), NAMES),
    ("mentor", "Mentor", _gen(117, lambda r: r.choice(["Thibault Faure", "Gaëlle Bonnet", "Anaïs Mercier"])), NAMES),
]
# Answers written like names that are not people (units, places, buildings): kept under a neutral name
NOT_PEOPLE = [
    ("demo units", "Q17", sorted(set(pd.read_csv(DEMO, dtype=str)["business_unit"]))),
    ("demo divisions", "Q17", sorted(set(pd.read_csv(DEMO, dtype=str)["division"]))),
    ("units", "Q17", UNITS),
    ("places", "Q17", ["Canary Wharf", "Kings Cross", "Silicon Valley", "Salt Lake", "Golden Gate", "Saint Lucia",
                       "Santa Clara", "San Marino", "Costa Rica", "Puerto Rico", "Sierra Leone", "Hong Kong"]),
    ("buildings", "Q17", ["Nightingale Wing", "Tower Bridge", "Riverside House", "Pemberton Hall", "Lister Building",
                          "Newton Court"]),
    ("languages", "Q17", ["Python", "Julia", "Pascal", "Fortran", "Haskell", "Cobol", "Rust", "Go"]),
]


@pytest.mark.parametrize("column, values, reason", [c[1:] for c in NAMED_ANYHOW], ids=[c[0] for c in NAMED_ANYHOW])
def test_names_are_personal_whatever_the_column_is_called(column, values, reason):
    raw = read_raw(_export(column, values), "export.csv")
    mapping = suggest_mapping(raw)
    assert mapping.personal[column].startswith(reason)
    assert column not in mapping.groupings
    survey = apply_mapping(raw, mapping)
    assert column not in survey.groupings.values() and column not in survey.responses


@pytest.mark.parametrize("column, values", [c[1:] for c in NOT_PEOPLE], ids=[c[0] for c in NOT_PEOPLE])
def test_categories_written_like_names_stay_groupings(column, values):
    answers = [values[i % len(values)] for i in range(ROWS)]
    assert personal_reason(column, column, values, ROWS, len(values)) is None
    mapping = suggest_mapping(read_raw(_export(column, answers), "export.csv"))
    assert column not in mapping.personal
    assert column in mapping.groupings


# --- a grouping can never have one value per respondent ------------------------------------------------------

ONE_EACH = "one value per respondent"


def _with(mapping, **changes):
    data = mapping.to_dict()
    data.update(changes)
    return mapping_from_dict(json.loads(json.dumps(data)))


def test_a_grouping_turned_on_by_hand_with_one_value_per_respondent_is_dropped():
    tickets = [f"T-{48000 + i}" for i in range(ROWS)]
    raw = read_raw(_export("Ticket", tickets), "export.csv")
    mapping = suggest_mapping(raw)
    assert "Ticket" not in mapping.groupings and "Ticket" not in mapping.personal
    survey = apply_mapping(raw, _with(mapping, groupings=["Ticket"]))
    assert "Ticket" not in survey.groupings and "Ticket" not in survey.responses
    assert [(p.column, p.problem, p.severity) for p in survey.report.problems] == [
        ("Ticket", f"not used as a grouping: one value per respondent: {ROWS} of its {ROWS} answers are given by "
                   "nobody else, so most of its groups would be single people. Take it out of the mapping's "
                   "groupings, or group its answers into fewer, larger categories (bands, sites, units) in the export",
         "warning")]


def test_names_kept_as_personal_data_still_cannot_be_a_grouping():
    raw = read_raw(_export("Your name", _people("es", 3)), "export.csv")
    mapping = _with(suggest_mapping(raw), groupings=["Your name"], personal={})
    survey = apply_mapping(raw, mapping, Settings(drop_personal_data=False))
    assert survey.report.personal_dropped == {}
    assert "Your name" not in survey.groupings
    assert [p.column for p in survey.report.problems if ONE_EACH in p.problem] == ["Your name"]


def test_a_standard_attribute_with_one_value_per_respondent_is_dropped():
    raw = read_raw(_export("Unit", [f"U{i:03d}" for i in range(ROWS)]), "export.csv")
    mapping = _with(suggest_mapping(raw), attributes={"division": "Division", "business_unit": "Unit"})
    survey = apply_mapping(raw, mapping)
    assert list(survey.groupings) == ["wave", "division"]
    assert [p.column for p in survey.report.problems if ONE_EACH in p.problem] == ["Unit"]


def test_comments_are_never_a_grouping():
    canned = _gen(101, lambda r: r.choice(SENTENCES["en"][2]))
    raw = read_raw(_export("Comment", canned), "export.csv")
    survey = apply_mapping(raw, _with(suggest_mapping(raw), groupings=["Comment"]))
    assert "Comment" not in survey.groupings
    assert [(p.column, p.problem) for p in survey.report.problems] == [
        ("Comment", "not used as a grouping: it holds free-text comments, which are never listed or compared by. "
                    "Take it out of the mapping's groupings, or group its answers into fewer, larger categories "
                    "(bands, sites, units) in the export")]


def test_the_suggestion_does_not_offer_a_column_with_one_value_per_respondent():
    """A small export: 18 of 30 respondents alone in their answer (the 2 others shared by 6 each)."""
    values = [f"Site {i}" for i in range(18)] + ["Site A"] * 6 + ["Site B"] * 6
    mapping = suggest_mapping(read_raw(_export("Q17", values), "export.csv"))
    assert "Q17" not in mapping.groupings
    assert mapping.ignored["Q17"] == "one value per respondent: 18 of its 30 answers are given by nobody else: " \
                                    "not a grouping"


def test_a_few_rows_keep_their_groupings():
    """Two or three respondents each with their own division is a small file, not an identifier."""
    survey = load_survey(b"respondent_id,division,sign_1\nR1,Sales,Yes\nR2,Service,No\nR3,Claims,Yes\n", name="x.csv")
    assert "division" in survey.groupings


def test_the_demo_keeps_its_groupings(demo):
    assert list(demo.groupings) == ["wave", "division", "business_unit", "role", "region"]
    assert demo.report.personal_dropped == {}
    assert not [p for p in demo.report.problems if "grouping" in p.problem]


# --- large files read lean: identifiers found from the first rows are not loaded at all ----------------------

def test_a_large_file_does_not_load_names(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "LEAN_BYTES", 10_000)
    monkeypatch.setattr(text_export, "HEAD_BYTES", 40_000)
    people = [f"{f} {l}" for f in FIRST["de"] + FIRST["fr"] for l in LAST["de"] + LAST["fr"]]
    rng = random.Random(5)
    rng.shuffle(people)
    path = tmp_path / "big.csv"
    path.write_bytes(_export("Q17", people[:800]))
    raw = read_raw(path)
    assert raw.omitted["Q17"].startswith("personal data (looks like people's names: ")
    assert "Q17" not in raw.keys
    survey = load_survey(path)
    assert survey.report.personal_dropped["Q17"].startswith("looks like people's names: ")


def test_an_item_mapped_from_a_personal_column_is_dropped_as_the_warning_says():
    phones = [f"+44 7700 9{i:05d}" for i in range(ROWS)]
    raw = read_raw(_export("Mobile", phones), "export.csv")
    mapping = suggest_mapping(raw)
    assert "Mobile" in mapping.personal
    items = mapping.to_dict()["items"] + [{"column": "Mobile", "item": "mobile", "scale": "nps"}]
    survey = apply_mapping(raw, _with(mapping, items=items))
    assert "mobile" not in survey.responses and "mobile" not in [item.id for item in survey.items]
    assert [(p.column, p.severity) for p in survey.report.problems
            if p.problem.startswith("column holds personal data")] == [("Mobile", "warning")]
