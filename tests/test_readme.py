"README.md is what nbs/index.ipynb says, and its first code block is the two commands CI and users run."
import re
from pathlib import Path
from make_readme import render_readme, ROOT


def test_readme_matches_index_notebook():
    assert (ROOT / 'README.md').read_text() == render_readme(), \
        'README.md differs from nbs/index.ipynb: run `python tests/make_readme.py` and commit README.md'


def test_first_block_is_the_two_commands():
    block = re.search(r'```(?:bash|sh)\n(.*?)```', (ROOT / 'README.md').read_text(), re.S).group(1)
    lines = [l.split('#')[0].strip() for l in block.strip().splitlines() if l.split('#')[0].strip()]
    assert lines == ['./run demo', './run test'], lines


def test_ci_runs_the_readme_test_command():
    assert './run test' in (ROOT / '.ci' / 'run').read_text()
