from pathlib import Path

import pytest

from cxcommit.demo import load_demo
from cxcommit.io.allocator import use_system_allocator

FIXTURES = Path(__file__).parent / "fixtures"
REALDATA = FIXTURES / "realdata"
ROOT = Path(__file__).resolve().parent.parent

use_system_allocator()  # the tests run as the command line and the dashboard do (their entry points set it)


@pytest.fixture(scope="session")
def demo():
    return load_demo()
