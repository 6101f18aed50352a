"""The story a leadership meeting hears: its chapters in order, each with its analysis, chart,
takeaway and method (``chapters``, their kinds in ``kinds``), the slides drawn from them
(``slides``), their takeaway titles (``takeaways``), and plain-text renderings for the command line
and the pages (``report_text``)."""
