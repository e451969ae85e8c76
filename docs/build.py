"""Build kd3d's docs site offline: `./run docs` (or `python docs/build.py [--out DIR]`).

The site is made from the notebooks in nbs/ with the outputs they are committed with (nothing is executed), an API
page per module from its docstrings (Sphinx autodoc), and Sphinx's own search. Every asset is local: the theme's
files, and MathJax 3 from the `django-static-mathjax` wheel. A live widget cannot run in a static page: its saved
picture stays, under a line saying how to run it.

Steps: stage the notebooks (nbdev's `#|` directives taken out, `default_exp` cells dropped, widget views replaced by
that line), write the chapter list and the API pages, then `sphinx-build` into `_docs/` (settings.ini's doc_path).
"""
from __future__ import annotations
import argparse, importlib, importlib.util, json, pkgutil, re, shutil, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json'
WIDGET_NOTE = ('*A live widget stands here: its saved picture is below. To move its sliders, open this chapter in '
               'JupyterLab (`./run lab`) and run it.*')
# the book's parts: a chapter belongs to the first part whose number range holds its number
PARTS = [('Foundations: the toy nuScenes, geometry, data, evaluation', 0, 9),
         ('Detectors and their training', 10, 19),
         ('Distillation: the classic baselines and the five papers', 20, 28),
         ('Running it and looking inside', 29, 39),
         ('Experiments', 40, 89),
         ('The command line', 90, 99)]
DIRECTIVE = re.compile(r'^\s*#\|')


def chapter_number(path:Path)->int: return int(re.match(r'(\d+)', path.stem).group(1))

def chapter_title(nb:dict, path:Path)->str:
    "The first markdown heading of a notebook."
    for c in nb['cells']:
        if c['cell_type'] == 'markdown':
            m = re.search(r'^#\s+(.+)$', ''.join(c['source']), re.M)
            if m: return m.group(1).strip()
    raise ValueError(f"{path}: no '# Title' heading in a markdown cell; every chapter starts with one")

def stage_outputs(outputs:list)->list:
    "A code cell's outputs for a static page: each widget view becomes the note; pictures, text and tables stay."
    out = []
    for o in outputs:
        data = o.get('data', {})
        if WIDGET_VIEW in data:
            out.append({'output_type': 'display_data', 'metadata': {}, 'data': {'text/markdown': WIDGET_NOTE}})
            rest = {k: v for k, v in data.items() if k not in (WIDGET_VIEW, 'text/plain')}
            if rest: out.append({**o, 'data': rest})
        else: out.append(o)
    return out

def stage_notebook(nb:dict)->dict:
    "A copy of a notebook as a page: directive lines removed, cells left empty by that dropped, widget views noted."
    cells = []
    for c in nb['cells']:
        c = dict(c)
        if c['cell_type'] == 'code':
            src = ''.join(c['source']).split('\n')
            kept = '\n'.join(l for l in src if not DIRECTIVE.match(l)).strip('\n')
            if not kept.strip(): continue                       # e.g. a cell holding only `#| default_exp`
            c['source'], c['outputs'] = kept, stage_outputs(c.get('outputs', []))
        cells.append(c)
    meta = {k: v for k, v in nb['metadata'].items() if k != 'widgets'}
    meta['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    meta['language_info'] = {'name': 'python'}
    return {**nb, 'cells': cells, 'metadata': meta}

def toctree(caption:str, entries:list[str], hidden:bool=True)->str:
    "A MyST toctree: the site's navigation (hidden by default: the index already lists the chapters in its text)."
    opts = f':caption: {caption}\n:maxdepth: 1\n' + (':hidden:\n' if hidden else '')
    return '```{toctree}\n' + opts + '\n' + '\n'.join(entries) + '\n```\n'

def modules()->list[str]:
    "Every module of the kd3d package but nbdev's index of names."
    import kd3d
    names = [m.name for m in pkgutil.walk_packages(kd3d.__path__, 'kd3d.') if not m.name.endswith('_modidx')]
    return sorted(names)

def api_pages(dst:Path)->list[str]:
    "An API page per module (its docstring and the docstrings of its public names) and their index page."
    (dst / 'api').mkdir()
    pages = []
    for name in modules():
        doc = (importlib.import_module(name).__doc__ or '').strip().split('\n')[0]
        (dst / 'api' / f'{name}.md').write_text(f'# `{name}`\n\n{doc}\n\n```{{eval-rst}}\n.. automodule:: {name}\n   :members:\n```\n')
        pages.append(f'{name}')
    (dst / 'api' / 'index.md').write_text('# API reference\n\nEvery module of the `kd3d` package, written by `nbdev_export` '
                                          'from the chapter named at its top; a page per module, from its docstrings.\n\n'
                                          + toctree('Modules', pages, hidden=False))
    return pages

def stage(dst:Path)->int:
    "Write the Sphinx source folder `dst`; returns the number of chapters."
    if dst.exists(): shutil.rmtree(dst)
    dst.mkdir(parents=True)
    for f in ('conf.py', 'favicon.svg'): shutil.copy(ROOT / 'docs' / f, dst / f)
    shutil.copytree(ROOT / 'nbs' / 'images', dst / 'images')
    mj = Path(importlib.util.find_spec('mathjax').origin).parent / 'static' / 'mathjax' / 'es5'  # django-static-mathjax
    (dst / '_static' / 'mathjax').mkdir(parents=True)
    shutil.copy(mj / 'tex-chtml.js', dst / '_static' / 'mathjax')                    # TeX in, HTML out, menu included
    shutil.copytree(mj / 'output' / 'chtml' / 'fonts', dst / '_static' / 'mathjax' / 'output' / 'chtml' / 'fonts')
    chapters = sorted(p for p in (ROOT / 'nbs').glob('*.ipynb') if p.stem != 'index')
    by_part = {p[0]: [] for p in PARTS}
    for p in chapters:
        nb = json.loads(p.read_text())
        (dst / p.name).write_text(json.dumps(stage_notebook(nb)))
        part = next(t for t, lo, hi in PARTS if lo <= chapter_number(p) <= hi)
        by_part[part].append(p.stem)
    index = stage_notebook(json.loads((ROOT / 'nbs' / 'index.ipynb').read_text()))
    tocs = ''.join(toctree(part, stems) + '\n' for part, stems in by_part.items() if stems)
    tocs += toctree('Reference', ['api/index'])
    index['cells'].append({'cell_type': 'markdown', 'metadata': {}, 'source': tocs})
    (dst / 'index.ipynb').write_text(json.dumps(index))
    api_pages(dst)
    return len(chapters)

def build(out:Path=ROOT / '_docs', src:Path=ROOT / 'build' / 'docs_src', quiet:bool=True)->dict:
    "Stage and build the site into `out`; returns {'pages', 'chapters', 'bytes', 'seconds', 'warnings'}."
    t0 = time.time()
    n = stage(src)
    if out.exists(): shutil.rmtree(out)
    cmd = [sys.executable, '-m', 'sphinx', '-b', 'html', '-j', '1', '-d', str(src.parent / 'docs_doctrees'), str(src), str(out)] + (['-q'] if quiet else [])
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"sphinx-build failed ({' '.join(cmd)}):\n{r.stderr[-4000:]}")
    warnings = [l for l in r.stderr.splitlines() if 'WARNING' in l]
    pages = sorted(out.rglob('*.html'))
    size = sum(p.stat().st_size for p in out.rglob('*') if p.is_file())
    return dict(pages=len(pages), chapters=n, bytes=size, seconds=time.time() - t0, warnings=warnings)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=str(ROOT / '_docs'), help='where the site goes (default: _docs/)')
    a = ap.parse_args()
    r = build(Path(a.out))
    for w in r['warnings']: print(w)
    print(f"[kd3d] docs: {r['pages']} pages ({r['chapters']} chapters), {r['bytes'] / 1e6:.1f} MB in {a.out}, "
          f"built in {r['seconds']:.0f} s with {len(r['warnings'])} warnings; open {a.out}/index.html")
