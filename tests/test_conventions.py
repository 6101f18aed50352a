"""The project's conventions, tested."""
import ast
import re


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


def test_every_page_file_is_in_the_navigation():
    from ui.shell import PAGES

    assert sorted(file for file, _ in PAGES) == sorted(p.name for p in (ROOT / "pages").glob("*.py"))


def test_no_page_lets_streamlit_read_html():
    """Text from the data is never HTML on a page: no ``unsafe_allow_html``, and ``st.html`` only
    with a constant (the presentation style)."""
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "dashboard.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            assert not any(k.arg == "unsafe_allow_html" for k in node.keywords), (path.name, node.lineno)
            if isinstance(node.func, ast.Attribute) and node.func.attr == "html":
                assert all(isinstance(a, ast.Constant) for a in node.args), (path.name, node.lineno)


def test_every_read_limit_is_documented_in_the_readme():
    from dataclasses import fields

    from cxcommit.limits import READ_LIMITS, ReadLimits, env_name

    assert [f.name for f in fields(ReadLimits)] == [name for name, _, _ in READ_LIMITS]
    assert all(getattr(ReadLimits(), name) == default for name, default, _ in READ_LIMITS)
    readme = (ROOT / "README.md").read_text()
    for name, default, _ in READ_LIMITS:
        assert re.search(rf"^\| `{name}` \| `{default}` \| `{env_name(name)}` \|", readme, re.M), name
