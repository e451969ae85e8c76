"""`./run lab`: JupyterLab on nbs/ with the `kd3d` kernel registered, and every notebook naming it, so a notebook opens
with that kernel chosen (no "Select Kernel" dialog). Checked through Jupyter's REST API and, where Debian's Chromium
is installed, in the browser (a screenshot is kept in build/test-artifacts/lab_notebook.png)."""
import json, os, shutil, signal, socket, subprocess, time, urllib.request
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which('chromium')
TOKEN = 'kd3d-test'


def test_every_notebook_names_the_kd3d_kernel():
    for p in sorted((ROOT / 'nbs').glob('*.ipynb')):
        spec = json.loads(p.read_text())['metadata'].get('kernelspec', {})
        assert spec.get('name') == 'kd3d', f"{p.name}: kernelspec {spec}; set metadata.kernelspec.name to 'kd3d'"


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def _get(url, method='GET', body=None):
    req = urllib.request.Request(url, method=method, data=body, headers={'Authorization': f'token {TOKEN}'})
    with urllib.request.urlopen(req, timeout=10) as r: return json.loads(r.read())


@pytest.fixture(scope='module')
def lab():
    port = _free_port()
    proc = subprocess.Popen([str(ROOT / 'run'), 'lab', '--no-browser', f'--port={port}', f'--IdentityProvider.token={TOKEN}'],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f'http://127.0.0.1:{port}'
    for _ in range(120):
        try: _get(f'{base}/api/status'); break
        except OSError: time.sleep(0.5)
    else:
        os.killpg(proc.pid, signal.SIGTERM); pytest.fail(f'./run lab did not answer: {proc.stdout.read().decode()[-2000:]}')
    yield base
    os.killpg(proc.pid, signal.SIGTERM); proc.wait(30)


def test_run_lab_serves_nbs_with_the_kd3d_kernel(lab):
    specs = _get(f'{lab}/api/kernelspecs')
    assert specs['default'] == 'kd3d' and 'kd3d' in specs['kernelspecs']
    venv = (ROOT / os.environ.get('KD3D_VENV', '.venv')).resolve()  # ./run's venv (KD3D_VENV, default .venv)
    assert Path(specs['kernelspecs']['kd3d']['spec']['argv'][0]).parent.parent.resolve() == venv  # the project's python
    assert {'index.ipynb', '13_detr3d.ipynb'} <= {c['name'] for c in _get(f'{lab}/api/contents')['content']}
    s = _get(f'{lab}/api/sessions', 'POST', json.dumps({'path': '00_core.ipynb', 'type': 'notebook', 'kernel': {'name': 'kd3d'}}).encode())
    assert s['kernel']['name'] == 'kd3d'


@pytest.mark.skipif(CHROMIUM is None, reason='no Chromium on this machine (apt-get install chromium): JupyterLab browser check skipped')
def test_a_notebook_opens_on_the_kd3d_kernel_in_the_browser(lab):
    from playwright.sync_api import sync_playwright
    out = ROOT / 'build' / 'test-artifacts'; out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=['--no-sandbox', '--disable-gpu', '--disable-background-networking'])
        page = b.new_page(viewport={'width': 1280, 'height': 800})
        page.goto(f'{lab}/lab/tree/01_geometry.ipynb?token={TOKEN}')
        status = page.locator('.jp-Toolbar-kernelName').first  # the notebook toolbar's kernel button
        status.wait_for(timeout=60_000)
        for _ in range(60):
            if status.inner_text().strip() == 'kd3d': break
            page.wait_for_timeout(500)
        assert status.inner_text().strip() == 'kd3d'
        assert page.locator('.jp-Dialog').count() == 0  # no "Select Kernel" dialog
        page.wait_for_timeout(1000); page.screenshot(path=str(out / 'lab_notebook.png'))
        b.close()
