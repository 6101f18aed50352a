"""cxcommit dashboard: ``streamlit run dashboard.py`` opens on the built-in demo data.

The entry point only routes: the frame (navigation, data, filters, settings) is in ``ui/shell.py``,
the pages in ``pages/``. As an entry point, it makes the process-wide setting the library leaves to
it: Arrow's allocator (:mod:`cxcommit.io.allocator`).
"""
from cxcommit.io.allocator import use_system_allocator
from ui.shell import main

use_system_allocator()
main()
