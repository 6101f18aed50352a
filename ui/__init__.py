"""The dashboard's frame: data held per session, filters in the sidebar and the URL, and the one
place that turns library errors into messages. Pages in ``pages/`` lay out; numbers come from
``cxcommit``."""
