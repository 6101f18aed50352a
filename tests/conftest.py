from pathlib import Path

import pytest

from cxcommit.demo import load_demo

FIXTURES = Path(__file__).parent / "fixtures"
REALDATA = FIXTURES / "realdata"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def demo():
    return load_demo()
