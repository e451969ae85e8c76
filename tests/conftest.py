import sys, subprocess
from pathlib import Path
import pytest

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
    "A tiny toy nuScenes made once per test session by the data script, as a user would."
    out = tmp_path_factory.mktemp('toy') / 'toy_tiny'
    run(sys.executable, 'data_scripts/make_toy_nuscenes.py', '--out', out, '--size', 'tiny')
    return out
