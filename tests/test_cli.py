"The command line and the data scripts, end to end, as a user runs them."
import json, shutil, sys
from pathlib import Path
from conftest import run, ROOT

KD3D = Path(sys.executable).parent / 'kd3d'


def test_version():
    assert run(KD3D, '--version').stdout.startswith('kd3d ')


def test_demo_tiny_end_to_end(toy_tiny, tmp_path):
    out = tmp_path / 'out'
    p = run(KD3D, 'demo', '--size', 'tiny', '--data-root', toy_tiny, '--out', out, '--epochs', '1')
    assert 'already there' in p.stdout  # the toy data made by the script is reused, not regenerated
    results = json.loads((out / 'results.json').read_text())  # the teacher and student of the second half
    assert list(results) == ['teacher (toy_teacher)', 'student (toy)']
    assert results['teacher (toy_teacher)']['params'] > 3 * results['student (toy)']['params']
    assert all(r['fps'] > 0 and 0 <= r['mAP'] <= 1 for r in results.values())
    assert (out / 'results.md').read_text() in p.stdout
    assert (out / 'predictions.png').stat().st_size > 10_000
    assert (out / 'toy_sample.png').stat().st_size > 10_000
    m = json.loads((out / 'metrics.json').read_text())
    exact = m['exact ground truth']
    assert exact['mAP'] > 0.99 and exact['NDS'] > 0.99
    for k in ('mATE', 'mASE', 'mAOE', 'mAVE'): assert exact[k] < 0.01, (k, exact[k])
    assert m['position +-0.5 m']['mATE'] > 0.3
    assert m['half the boxes dropped']['mAP'] < 0.8
    assert (out / 'metrics.md').read_text().count('\n') == len(m) + 2


def test_create_infos_script(toy_tiny, tmp_path):
    root = tmp_path / 'copy'
    shutil.copytree(toy_tiny, root)
    p = run(sys.executable, 'data_scripts/create_infos.py', '--data-root', root)
    assert 'per sample' in p.stdout
    assert any(root.glob('*infos*'))


def test_scripts_fail_clearly_on_a_missing_data_root(tmp_path):
    missing = tmp_path / 'nowhere'
    p = run(sys.executable, 'data_scripts/create_infos.py', '--data-root', missing, check=False)
    assert p.returncode != 0
    assert str(missing) in p.stderr + p.stdout
    assert 'Traceback' not in p.stderr
    p = run(sys.executable, 'data_scripts/make_toy_nuscenes.py', '--out', tmp_path / 'x', '--size', 'huge', check=False)
    assert p.returncode != 0 and 'huge' in p.stderr
