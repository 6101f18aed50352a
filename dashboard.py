"""cxcommit dashboard: ``streamlit run dashboard.py`` opens on the built-in demo data.

The entry point only routes: the frame (navigation, data, filters, settings) is in ``ui/shell.py``,
the pages in ``pages/``.
"""
from ui.shell import main

main()
