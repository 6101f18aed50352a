"""The data model: the imported survey (``survey``), made from a raw table and a mapping
(``importer``: groupings by ``categories``, the wave by ``waves``, item answers by ``answers``), or
from several waves (``combine``); each item's answers as level codes (``levels``) and the signs met
per respondent (``signs``)."""
