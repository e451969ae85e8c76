"""The book's notebooks as a reader and nbdev's docs processing meet them: each chapter is saved with a picture and
ends with checkable exercises, and no cell other than a chapter's setup cell mixes imports with other code."""
import ast, json, re, sys
from pathlib import Path
import pytest

NBS = Path(__file__).resolve().parents[1] / 'nbs'
sys.path.insert(0, str(NBS.parent / 'docs'))
from execute import count_pictures  # docs/execute.py: what `./run outputs` records
CHAPTERS = sorted(p for p in NBS.glob('*.ipynb') if p.stem != 'index')
EXPORTED = re.compile(r'^#\|\s*(export|exports|exporti|exec_doc|default_exp)\b', re.M)


def code_cells(nb): return [c for c in nb['cells'] if c['cell_type'] == 'code']

def statements(src:str):
    "Top-level statements of a cell (magics and shell lines blanked, line numbers kept)."
    return ast.parse('\n'.join('' if l.lstrip().startswith(('%', '!')) else l for l in src.split('\n'))).body

def mixed_import_cells(nb:dict)->list[int]:
    """Cells nbdev's `nbdev_proc_nbs` would run while building the docs although they are not setup cells: a
    non-exported cell holding an import (anywhere, even inside a function) together with other code. The chapter's
    first such cell is its setup cell and may mix; every later import belongs there."""
    found, setup = [], None
    for i, c in enumerate(nb['cells']):
        src = ''.join(c['source'])
        if c['cell_type'] != 'code' or EXPORTED.search(src): continue
        body = statements(src)
        imports = any(isinstance(n, (ast.Import, ast.ImportFrom)) for t in body for n in ast.walk(t))
        if not imports: continue
        if setup is None: setup = i; continue
        if any(not isinstance(t, (ast.Import, ast.ImportFrom)) for t in body): found.append(i)
    return found


@pytest.mark.parametrize('path', CHAPTERS, ids=lambda p: p.stem)
def test_chapter_shows_a_picture_and_ends_with_exercises(path):
    nb = json.loads(path.read_text())
    assert count_pictures(nb), f'{path.name}: no saved picture; run the chapter (its outputs are committed) or add a figure that teaches'
    md = [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'markdown']
    tries = [m for m in md if re.search(r'^## Try this\b', m, re.M)]
    assert tries, f"{path.name}: no '## Try this' section"
    assert tries[0].count('*Check:*') >= 2, f'{path.name}: its Try-this needs two or more exercises, each with a *Check:* answer'
    assert len(nb['cells']) <= 60, f'{path.name}: {len(nb["cells"])} cells; a chapter has at most 60'


def test_no_picture_went_missing():
    "Each chapter keeps at least the pictures `./run outputs` last recorded (tests/pictures.json)."
    recorded = json.loads((Path(__file__).parent / 'pictures.json').read_text())
    assert set(recorded) == {p.stem for p in CHAPTERS}, 'a chapter was added or renamed: run ./run outputs on it'
    for p in CHAPTERS:
        n = count_pictures(json.loads(p.read_text()))
        assert n >= recorded[p.stem], f'{p.name}: {n} pictures saved, {recorded[p.stem]} recorded; run ./run outputs nbs/{p.name}'


@pytest.mark.parametrize('path', CHAPTERS, ids=lambda p: p.stem)
def test_no_cell_mixes_imports_with_code_past_the_setup_cell(path):
    bad = mixed_import_cells(json.loads(path.read_text()))
    assert not bad, f'{path.name}: cells {bad} mix imports with code; move their imports into the setup cell (nbdev runs such cells when building docs)'


def test_the_import_rule_catches_a_mixed_cell():
    nb = {'cells': [{'cell_type': 'code', 'source': 'import os\nx = 1'},
                    {'cell_type': 'code', 'source': '#| export\nimport sys\ny = 2'},
                    {'cell_type': 'code', 'source': 'z = 3\nfrom math import pi'},
                    {'cell_type': 'code', 'source': 'import json'},
                    {'cell_type': 'code', 'source': 'def f():\n    import re\n    return re'}]}
    assert mixed_import_cells(nb) == [2, 4]
