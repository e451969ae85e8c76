"""`kd3d train` stopped after 3 of 6 steps and continued with `--resume` ends with exactly the weights, AdamW state and
losses of an uninterrupted run (on the CPU), even with another number of loader workers and with a half-written
checkpoint left behind by a killed save (removed by the resumed run). tests/test_faults.py injects the other faults."""
import json, os, subprocess, sys
from pathlib import Path
import torch
from conftest import ROOT

KD3D = Path(sys.executable).parent / 'kd3d'


def kd3d(*args, check=True):
    "Run the kd3d command with the stand-in detector importable (tests/standin)."
    env = {**os.environ, 'PYTHONPATH': str(ROOT / 'tests') + os.pathsep + os.environ.get('PYTHONPATH', ''), 'MPLBACKEND': 'Agg'}
    p = subprocess.run([str(KD3D), *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if check and p.returncode != 0:
        raise AssertionError(f'kd3d {args} exited {p.returncode}\nstdout:\n{p.stdout[-3000:]}\nstderr:\n{p.stderr[-3000:]}')
    return p


def standin_config(path:Path, data_root:Path, **extra)->Path:
    "A flat config for the stand-in detector on the tiny toy data, with augmentation so that its seeding matters."
    lines = {'model.name': 'standin.detector', 'model.preset': 'toy', 'data.data_root': str(data_root),
             'data.image_size': '[48, 80]', 'data.aug.resize_lim': '[0.9, 1.1]', 'data.aug.flip': 'true',
             'data.aug.bev_rot_lim': '[-0.3, 0.3]', 'train.max_steps': 6, 'train.batch_size': 2, 'train.lr': '1.0e-3',
             'train.lr_batch': 2, 'train.warmup_steps': 2, 'train.num_workers': 0, 'train.log_interval': 1,
             'train.ckpt_interval': 2, 'train.eval_interval': -1, 'train.accelerator': 'cpu', **extra}
    path.write_text(''.join(f'{k}: {v}\n' for k, v in lines.items()))
    return path


def losses(run_dir:Path)->list:
    return [{k: v for k, v in r.items() if not k.startswith('time') and k != 'samples_per_s'}
            for r in map(json.loads, (run_dir / 'log.jsonl').read_text().splitlines()) if 'loss' in r]


def test_stop_and_resume_equals_uninterrupted(toy_tiny, tmp_path):
    cfg = standin_config(tmp_path / 'standin_resume_toytiny.yaml', toy_tiny)
    a, b = tmp_path / 'straight', tmp_path / 'parts'
    p = kd3d('train', '--config', cfg, f'train.out_dir={a}')
    assert 'global batch 2 = 1 CPU process x 2 x accumulate 1' in p.stdout
    kd3d('train', '--config', cfg, f'train.out_dir={b}', 'train.num_workers=1', '--stop-after', '3')
    assert sorted(x.name for x in (b / 'checkpoints').glob('*.pt')) == ['step_0000002.pt', 'step_0000003.pt']
    (b / 'checkpoints' / '.step_0000004.pt.4242.tmp').write_bytes(b'a save killed half-way')
    p = kd3d('train', '--config', cfg, f'train.out_dir={b}', 'train.num_workers=1', '--resume')
    assert 'resumed from' in p.stdout and 'at step 3' in p.stdout
    assert f"removed {b / 'checkpoints' / '.step_0000004.pt.4242.tmp'}" in p.stdout  # the run that holds the folder clears it
    assert [x.name for x in (b / 'checkpoints').iterdir() if x.name.startswith('.')] == [] and not (b / 'run.lock').exists()
    ca, cb = (torch.load(d / 'checkpoints' / 'step_0000006.pt', weights_only=True) for d in (a, b))
    assert ca['model'].keys() == cb['model'].keys()
    for k in ca['model']: assert torch.equal(ca['model'][k], cb['model'][k]), k
    for i, s in ca['optimizer']['state'].items():
        for k in ('exp_avg', 'exp_avg_sq', 'step'): assert torch.equal(s[k], cb['optimizer']['state'][i][k]), (i, k)
    assert ca['scheduler']['last_epoch'] == cb['scheduler']['last_epoch'] == 6
    assert losses(a) == losses(b) and [r['step'] for r in losses(b)] == [1, 2, 3, 4, 5, 6]
    assert (b / 'config.yaml').read_text().count('\n') > 40  # the resolved config beside the checkpoints
