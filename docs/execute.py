"""Run chapters in place so their saved outputs are fresh: `./run outputs [NB ...]` (default: every chapter).

Each code cell's old outputs are cleared first (a cell that now prints nothing keeps nothing), cells flagged
`slow` or `gpu` are skipped (they keep no output: slow results come from recorded runs the chapter loads), pictures
are rendered by the inline backend as JPEG/PNG exactly as in JupyterLab, then the notebook is cleaned with
`nbdev_clean`. The number of pictures each chapter shows is written to tests/pictures.json, which
tests/test_notebooks.py holds the committed notebooks to: a picture that goes missing fails the tests.
"""
from __future__ import annotations
import argparse, json, os, re, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COUNTS = ROOT / 'tests' / 'pictures.json'
SKIP = re.compile(r'^#\|\s*(slow|gpu)\b', re.M)

def count_pictures(nb:dict)->int:
    "Saved picture outputs (PNG or JPEG) of a notebook's code cells."
    return sum(1 for c in nb['cells'] if c['cell_type'] == 'code' for o in c.get('outputs', [])
               if {'image/png', 'image/jpeg'} & set(o.get('data', {})))

def execute(path:Path)->float:
    "Run one notebook in place with execnb (its folder as the working directory); returns the seconds it took."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    t, cwd = time.time(), os.getcwd()
    nb = read_nb(path)
    os.chdir(path.parent)
    try:
        sh = CaptureShell()
        for c in nb.cells:
            if c.cell_type != 'code': continue
            c.outputs, c.execution_count = [], None
            if SKIP.search(c.source): continue
            sh.cell(c)
            if sh.exc: raise SystemExit(f'{path.name}: a cell failed, nothing was written:\n{c.source[:400]}\n{sh.exc!r}')
    finally: os.chdir(cwd)
    write_nb(nb, path)
    return time.time() - t

def record_counts()->dict:
    "Write tests/pictures.json from the notebooks as they are now."
    counts = {p.stem: count_pictures(json.loads(p.read_text())) for p in sorted((ROOT / 'nbs').glob('*.ipynb')) if p.stem != 'index'}
    COUNTS.write_text(json.dumps(counts, indent=1) + '\n')
    return counts

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('notebooks', nargs='*', help='chapters to run (default: all but index)')
    a = ap.parse_args()
    os.environ.setdefault('MPLBACKEND', 'module://matplotlib_inline.backend_inline')  # pictures as JupyterLab shows them
    paths = [Path(p).resolve() for p in a.notebooks] or sorted(p for p in (ROOT / 'nbs').glob('*.ipynb') if p.stem != 'index')
    for p in paths: print(f'[kd3d] {p.name}: ran in {execute(p):.0f} s', flush=True)
    subprocess.run([str(Path(sys.executable).parent / 'nbdev_clean')], cwd=ROOT, check=True)
    counts = record_counts()
    print(f'[kd3d] {sum(counts.values())} pictures in {len(counts)} chapters, recorded in {COUNTS.relative_to(ROOT)}')
