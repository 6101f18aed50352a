"""The story a leadership meeting hears: the slides in order (``slides``, ``kinds``), their
takeaway titles (``takeaways``), and plain-text renderings for the command line and the pages
(``report_text``)."""
