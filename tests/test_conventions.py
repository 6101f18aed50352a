"""The project's conventions, tested."""
import ast
import os
import re
import subprocess
import sys
import tomllib

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


def test_every_methods_section_cited_is_a_heading_of_docs_methods():
    from cxcommit.story.chapters import CHAPTERS
    from cxcommit.story.methods_refs import METHODS_PAGE, SECTIONS

    headings = re.findall(r"^## (.+)$", (ROOT / METHODS_PAGE).read_text(), re.M)
    assert sorted(SECTIONS) == sorted(headings)  # every section cited exists, every section is citable
    assert all(chapter.methods and set(chapter.methods) <= set(SECTIONS) for chapter in CHAPTERS), "a chapter cites none"
    assert f"]({METHODS_PAGE})" in (ROOT / "README.md").read_text()


def test_the_sidebar_settings_and_the_cli_options_are_those_the_readme_names():
    from cxcommit.cli.parser import build_parser
    from ui.settings_panel import SETTING_PARAMS

    readme = (ROOT / "README.md").read_text()
    paragraph = readme[readme.index("In Python these are fields of `cxcommit.Settings`"):][:1500]
    assert all(f"`{name}`" in paragraph for name in SETTING_PARAMS)
    options = {a for action in build_parser()._subparsers._group_actions[0].choices["analyze"]._actions
               for a in action.option_strings}
    for flag in ("--min-group-size", "--confidence", "--ci-method", "--min-difference", "--dont-know"):
        assert flag in options and f"`{flag}" in paragraph, flag


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

    from cxcommit.io.limits import READ_LIMITS, ReadLimits, env_name

    assert [f.name for f in fields(ReadLimits)] == [name for name, _, _ in READ_LIMITS]
    assert all(getattr(ReadLimits(), name) == default for name, default, _ in READ_LIMITS)
    readme = (ROOT / "README.md").read_text()
    for name, default, _ in READ_LIMITS:
        assert re.search(rf"^\| `{name}` \| `{default}` \| `{env_name(name)}` \|", readme, re.M), name


# The packages of cxcommit from the ground up. A module imports only its own package and those
# listed before it; errors, text, vocabulary and settings are modules of their own.
LAYERS = ("errors", "text", "vocabulary", "stats", "settings", "instrument", "io", "mapping", "model", "privacy", "demo",
          "store", "analyses", "charts", "story", "export", "cli", "__main__")
LIBRARY = ROOT / "cxcommit"


def _module_name(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _cxcommit_imports(path) -> list[tuple[str, int, bool]]:
    """The cxcommit modules a file imports: (module, line, inside a function)."""
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module == "cxcommit":
                # `from cxcommit import charts`: a package by name (any other name: see the layers test)
                found.extend((f"cxcommit.{alias.name}", child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append((child.module, child.lineno, in_function))
            visit(child, inside)

    visit(ast.parse(path.read_text()), False)
    return [(module, line, inside) for module, line, inside in found if module.split(".")[0] == "cxcommit"]


MIGRATIONS = LIBRARY / "store" / "migrations"  # scripts Alembic runs, not modules of the library


def _library_files():
    return [path for path in sorted(LIBRARY.rglob("*.py"))
            if path != LIBRARY / "__init__.py" and MIGRATIONS not in path.parents]  # the face: by name


def test_every_package_has_its_place_in_the_order():
    packages = {path.stem for path in LIBRARY.glob("*.py") if path.name != "__init__.py"}
    packages |= {path.parent.name for path in LIBRARY.glob("*/__init__.py")}
    assert packages == set(LAYERS)


def test_each_package_imports_only_the_packages_below_it():
    wrong = []
    for path in _library_files():
        own = path.relative_to(LIBRARY).parts[0].removesuffix(".py")
        for module, line, _ in _cxcommit_imports(path):
            parts = module.split(".")
            if len(parts) == 1 or parts[1] not in LAYERS:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}: name the module that defines it")
            elif parts[1] != own and LAYERS.index(parts[1]) > LAYERS.index(own):
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({own}) imports {module}, a package above it")
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_itself_back_in_a_circle():
    graph = {_module_name(path): set() for path in _library_files()}
    for path in _library_files():
        for module, _, _ in _cxcommit_imports(path):
            while module not in graph and "." in module:  # `from cxcommit.charts import theme`: the package
                module = module.rsplit(".", 1)[0]
            if module in graph and module != _module_name(path):
                graph[_module_name(path)].add(module)
    done, path_now = set(), []

    def visit(module):
        if module in path_now:
            raise AssertionError("import circle: " + " -> ".join([*path_now[path_now.index(module):], module]))
        if module in done:
            return
        path_now.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        path_now.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_no_module_takes_another_modules_private_names():
    wrong = []
    for path in _library_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cxcommit"):
                wrong += [f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}" for alias in node.names
                          if alias.name.startswith("_")]
    assert not wrong, wrong


def test_only_the_command_line_imports_the_library_inside_functions():
    """Imports at the top of each module show its place; the command line alone loads a command's
    modules when it runs, so that ``--help`` stays fast."""
    inside = [f"{path.relative_to(ROOT)}:{line} {module}" for path in _library_files()
              for module, line, in_function in _cxcommit_imports(path)
              if in_function and path != LIBRARY / "cli" / "main.py"]
    assert not inside, inside


def _run_python(code: str) -> str:
    """What a fresh Python prints running ``code`` (with Arrow's own default allocator)."""
    env = {name: value for name, value in os.environ.items() if name != "ARROW_DEFAULT_MEMORY_POOL"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_the_command_lines_help_loads_no_table_library():
    """``python -m cxcommit --help`` (and ``import cxcommit``) load neither pandas, numpy, scipy,
    plotly nor pyarrow: the help answers in a tenth of a second, not the second they take."""
    loaded = _run_python(
        "import runpy, sys\n"
        "sys.argv = ['cxcommit', '--help']\n"
        "try:\n    runpy.run_module('cxcommit', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'numpy', 'scipy', 'plotly', 'pyarrow'}))")
    assert loaded.splitlines()[-1] == "[]"


def test_importing_the_library_leaves_arrows_allocator_to_the_entry_points():
    """Arrow's allocator is process-wide: importing any module of cxcommit leaves it as it was; the
    command line's ``main`` (like ``dashboard.py``) sets it."""
    modules = sorted(_module_name(path) for path in _library_files() if path.name != "__main__.py")
    out = _run_python(
        "import importlib, pyarrow as pa\n"
        "pool = pa.default_memory_pool().backend_name\n"
        f"for name in {modules!r}:\n    importlib.import_module(name)\n"
        "imported = pa.default_memory_pool().backend_name\n"
        "from cxcommit.cli import main\n"
        "main(['check', 'no-such-export.csv'])  # refused after the arguments are read\n"
        "print(pool, imported, pa.default_memory_pool().backend_name)")
    pool, imported, after_main = out.splitlines()[-1].split()
    assert imported == pool != "system" and after_main == "system"
    assert "use_system_allocator()" in (ROOT / "dashboard.py").read_text()


def test_the_package_lists_the_requirements():
    """pyproject.toml's dependencies are requirements.txt's, its test extra requirements-test.txt's."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def listed(name):
        return sorted(line.strip() for line in (ROOT / name).read_text().splitlines()
                      if line.strip() and not line.startswith(("#", "-r")))

    assert sorted(project["dependencies"]) == listed("requirements.txt")
    assert sorted(project["optional-dependencies"]["test"]) == listed("requirements-test.txt")


def test_the_method_names_are_the_registries_keys():
    from cxcommit.settings import Settings
    from cxcommit.stats.adjust import P_ADJUST
    from cxcommit.stats.intervals import CI_METHODS
    from cxcommit.stats.methods import CI_METHOD_NAMES, P_ADJUST_NAMES

    assert tuple(CI_METHODS) == CI_METHOD_NAMES and tuple(P_ADJUST) == P_ADJUST_NAMES
    assert Settings.ci_method in CI_METHOD_NAMES


def test_what_is_shown_or_written_takes_filtered_views_only_through_the_privacy_layer():
    """Outside the model and the privacy layer, a survey is narrowed by ``cxcommit.privacy.view.view``
    (which refuses unpublished data), never by ``Survey.filter`` directly."""
    places = [*(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "dashboard.py",
              *(LIBRARY / "cli").rglob("*.py"), *(LIBRARY / "story").rglob("*.py"), *(LIBRARY / "export").rglob("*.py")]
    calls = [f"{path.relative_to(ROOT)}:{node.lineno}" for path in places
             for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "filter"]
    assert not calls


def test_pages_only_lay_out():
    """Pages and the frame around them compute no numbers: they take neither pandas nor numpy (every
    number and ranking comes from a library function with its own test)."""
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "dashboard.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in ("pandas", "numpy") for n in names), (path.name, node.lineno)


def test_charts_compute_no_statistics():
    """A chart draws what the analyses computed (a share, an interval, r, a fitted line): the charts
    package imports neither the analyses nor the statistics."""
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {module}"
             for path in sorted((LIBRARY / "charts").glob("*.py"))
             for module, line, _ in _cxcommit_imports(path)
             if module.split(".")[:2] in (["cxcommit", "analyses"], ["cxcommit", "stats"])]
    assert not wrong, wrong


CODE = [*LIBRARY.rglob("*.py"), *(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "dashboard.py"]


def test_no_function_decides_too_much():
    """No function of the product above cyclomatic complexity 15 (radon): one that is has more than
    one decision in it, to be split by what each part decides."""
    from radon.complexity import cc_visit

    heavy = [f"{path.relative_to(ROOT)}:{block.lineno} {block.name} ({block.complexity})" for path in CODE
             for block in cc_visit(path.read_text()) if block.complexity > 15]
    assert not heavy


def test_no_file_is_too_long_to_read():
    long = [f"{path.relative_to(ROOT)} ({lines})" for path in CODE
            if (lines := len(path.read_text().splitlines())) > 400]
    assert not long


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", str(ROOT)], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
