"""The project's conventions, tested."""
import ast
import re

from streamlit.testing.v1 import AppTest

from cxcommit.settings import SETTINGS
from conftest import ROOT


def test_library_never_imports_streamlit():
    for path in (ROOT / "cxcommit").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] == "streamlit" for n in names), path


def test_settings_table_matches_the_settings_object():
    from dataclasses import fields

    from cxcommit.settings import Settings

    assert [f.name for f in fields(Settings)] == [name for name, _, _ in SETTINGS]
    assert all(getattr(Settings(), name) == default for name, default, _ in SETTINGS)


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name, default, _ in SETTINGS:
        assert re.search(rf"^\| `{name}` \| `{re.escape(str(default))}` \|", readme, re.M), name


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, re.S)
    assert blocks[0].strip() == "pip install -r requirements.txt && streamlit run dashboard.py"
    test_command = blocks[1].strip()
    assert test_command in (ROOT / ".ci" / "run").read_text()


def test_dashboard_opens_on_the_demo_data():
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception
    assert "Demo data" in app.info[0].value
    assert app.metric[0].value == "5,458"
    assert len(app.dataframe) == 2
