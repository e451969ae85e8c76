import os, sys, subprocess
from pathlib import Path
import pytest
from filelock import FileLock  # a dependency of torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))


def run(*args, cwd=ROOT, check=True, timeout=600):
    "Run a command with this interpreter's environment; return the CompletedProcess (text)."
    p = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f'{args} exited {p.returncode}\nstdout:\n{p.stdout[-3000:]}\nstderr:\n{p.stderr[-3000:]}')
    return p


@pytest.fixture(scope='session')
def toy_tiny(tmp_path_factory):
    "A tiny toy nuScenes made once per test run by the data script, as a user would (shared by the pytest-xdist workers)."
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get('PYTEST_XDIST_WORKER') else base  # xdist: one folder for all workers of this run
    out = shared / 'toy_tiny'
    with FileLock(str(shared / 'toy_tiny.lock')):  # the first worker makes it, the others wait and reuse it
        if not (out / 'v1.0-trainval' / 'sample.json').exists():
            run(sys.executable, 'data_scripts/make_toy_nuscenes.py', '--out', out, '--size', 'tiny')
    return out
