"""Item ids and labels for an export's own questions: short, readable and unique among the items.

An export names its columns by a short code (Qualtrics ``Q8``, ``LikelyToRecommend``) or by the
whole question (Google Forms, SurveyMonkey). An id comes from the code, split at its capitals, or
from the distinctive words of the question's ask (question lead-ins, scale instructions and
numbers left out: "How likely are you to recommend Python to a colleague" → ``recommend_python_colleague``);
a matrix column ("Question - option") is named by its option. A label is the question's ask when
it fits (the sentence that asks, or the last clause that asks when the sentence is long); two
questions that would read alike get the words that tell them apart.
"""
from __future__ import annotations

import re

from cxcommit.text import normalize_label, shorten, slugify

LABEL_WIDTH = 80  # a question up to this long reads whole in a finding; charts shorten their ticks themselves
ID_WORDS = 4
ID_LENGTH = 32
SUB_QUESTION = re.compile(r"\s-\s|(?<=[:?.])-(?=\S)")  # "Question - option", Qualtrics "Question:-option"
_SCALE = re.compile(r",?\s*(on|using) a scale (of|from) \d+ to \d+[^,?.]*"
                    r"|,?\s*where \d+ (is|=|means)\b[^?.]*", re.I)
_SENTENCE = re.compile(r"(?<=[?.!])\s+")
_ASKS = re.compile(r"^(how|what|which|who|when|where|why|do|does|did|is|are|was|were|would|will|have|has|can)\b", re.I)
_LEAD_WORDS = set(
    "a an the of to and or in on for with is are do does did be been being by at as that this these those our your "
    "their it its there here please rate how what which who whom when where why would could should much many likely "
    "you i me my we us will can was were have has had indicate select choose state whether following tell think "
    "feel describe extent scale agree disagree statement statements below above following currently any all "
    "if about from into than then so such very most more".split())


def question_ask(question: str) -> str:
    """The part of a question that asks, for a label: its first sentence that ends with "?" (else
    its first), without a scale instruction; if that is longer than :data:`LABEL_WIDTH`, its last
    clause that starts with a question word, capitalised; else the sentence shortened.

    >>> question_ask("Compared with other topics you've learned at school and on the job, on a scale of 1 to 5, "
    ...              "how difficult has it been for you to learn R?")
    'How difficult has it been for you to learn R?'
    >>> question_ask("How often do you use Shiny? Choose the statement that matches your use.")
    'How often do you use Shiny?'
    """
    text = _SCALE.sub("", " ".join(str(question).split()))
    sentences = [s for s in _SENTENCE.split(text) if s.strip()] or [text]
    sentence = next((s for s in sentences if s.endswith("?")), sentences[0])
    if len(sentence) <= LABEL_WIDTH:
        return sentence
    clauses = [c.strip() for c in sentence.split(",")]
    ask = next((c for c in reversed(clauses[1:]) if _ASKS.match(c) and len(c) <= LABEL_WIDTH), None)
    return ask[:1].upper() + ask[1:] if ask else shorten(sentence, LABEL_WIDTH)


def short_label(question: str) -> str:
    """A matrix column's option, else :func:`question_ask` (the last line of a multi-line header)."""
    text = question.strip().splitlines()[-1] if question.strip() else question
    parts = SUB_QUESTION.split(text)
    if len(parts) > 1 and len(parts[-1].strip()) >= 3:
        return shorten(parts[-1], LABEL_WIDTH)
    return question_ask(text)


def content_words(text: str) -> list[str]:
    """The words of ``text`` that say what it is about: no lead-ins (how, please, rate, you, ...),
    no numbers, no lone letters but "r" and the like (a language's name).

    >>> content_words("How likely are you to recommend R to a colleague, friend, or family member?")
    ['recommend', 'r', 'colleague', 'friend', 'family', 'member']
    """
    words = re.findall(r"[a-z0-9]+", normalize_label(text).replace("'", ""))
    return [w for w in words if w not in _LEAD_WORDS and not w.isdigit() and (len(w) > 1 or w not in "aist")]


def _code_words(key: str) -> str | None:
    """A column named by a code (one CamelCase word, or a few short words; no question): its words
    split at capitals and underscores, else None.

    >>> _code_words("MCQPostAbility"), _code_words("program_agree_fit"), _code_words("How old are you?")
    ('MCQ Post Ability', 'program agree fit', None)
    """
    key = key.strip()
    if key.endswith("?") or (" " in key and (len(key) > 30 or len(key.split()) > 3)) or len(key) > 60:
        return None
    return " ".join(re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", key).replace("_", " ").split())


def item_names(columns: list[tuple[str, str]], taken: set[str]) -> list[tuple[str, str]]:
    """(id, label) for each (column, question) of ``columns``: ids unique and not in ``taken``
    (which grows by them), labels unique among these columns. See the module's docstring."""
    labels = _unique_labels([_code_label(key, question) or short_label(question) for key, question in columns],
                            columns)
    names = []
    for (key, question), label in zip(columns, labels):
        item_id = _item_id(key, question, label, taken)
        taken.add(item_id)
        names.append((item_id, label))
    return names


def _code_label(key: str, question: str) -> str | None:
    """A label for a column named by a code and asked by no other text: its words, the first capitalised
    ("InformationReasonableTime" → "Information reasonable time"; acronyms stay)."""
    code = _code_words(key) if question.strip() == key.strip() else None
    if not code or " " not in code:
        return None
    words = code.split()
    words = [words[0][:1].upper() + words[0][1:]] + [w if w.isupper() else w.lower() for w in words[1:]]
    return shorten(" ".join(words), LABEL_WIDTH)


def _item_id(key: str, question: str, label: str, taken: set[str]) -> str:
    code = _code_words(key)
    head, _, option = key.rpartition(" - ")
    if code is not None:
        words = [code]
    elif head and option.strip():
        words = content_words(option) or content_words(head)
    else:
        words = content_words(label) or content_words(question) or [key]
    for n in range(min(ID_WORDS, len(words)), len(words) + 1):
        item_id = slugify("_".join(words[:n]), max_length=ID_LENGTH + 8 * (code is not None or n > ID_WORDS))
        if item_id not in taken:
            return item_id
    base, n = slugify("_".join(words[:ID_WORDS]), max_length=ID_LENGTH), 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def _unique_labels(labels: list[str], columns: list[tuple[str, str]]) -> list[str]:
    """``labels`` with those that repeat told apart: the question's ask instead of its opening, else
    the words only that question has, else a number."""
    result = list(labels)
    for label in set(labels):
        same = [i for i, other in enumerate(labels) if other == label]
        if len(same) < 2:
            continue
        words = [set(content_words(columns[i][1])) for i in same]
        for position, i in enumerate(same):
            others = set().union(*(w for j, w in enumerate(words) if j != position))
            own = [w for w in content_words(columns[i][1]) if w not in others]
            extra = " ".join(own[:3]) if own else f"{position + 1}"
            result[i] = shorten(f"{shorten(label, LABEL_WIDTH - len(extra) - 3).rstrip('…')} ({extra})", LABEL_WIDTH)
    return result
