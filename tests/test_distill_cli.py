"""`kd3d distill` as a user runs it: a teacher checkpoint, a distillation config, two CPU processes (gloo) through
Fabric's DDP, a resume, `kd3d eval` of the distilled student, and clear errors for a missing teacher checkpoint and
a tap the student does not have."""
import json, os, subprocess, sys, tempfile
from pathlib import Path
import pytest
import torch
from conftest import ROOT

KD3D = Path(sys.executable).parent / 'kd3d'
HOME = Path(tempfile.mkdtemp(prefix='kd3d_home_'))  # KD3D_HOME of these runs: the shared caches go there


def kd3d(*args, check=True, timeout=400):
    env = {**os.environ, 'MPLBACKEND': 'Agg', 'OMP_NUM_THREADS': '1', 'KD3D_HOME': str(HOME)}
    p = subprocess.run([str(KD3D), *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f'kd3d {args} exited {p.returncode}\nstdout:\n{p.stdout[-3000:]}\nstderr:\n{p.stderr[-3000:]}')
    return p


@pytest.fixture(scope='module')
def teacher_ckpt(toy_tiny, tmp_path_factory):
    "A toy_teacher trained for 2 steps on the tiny toy (what `kd3d train` writes)."
    out = tmp_path_factory.mktemp('teacher')
    kd3d('train', '--config', 'bevformer-toy-teacher_demo_toynuscenes', f'data.data_root={toy_tiny}', 'data.make_toy=none',
         'train.max_steps=2', f'train.out_dir={out}', 'train.num_workers=0', 'train.eval_interval=-1', 'train.accelerator=cpu')
    return next((out / 'checkpoints').glob('step_*.pt'))


def distill_config(path, toy_tiny, teacher_ckpt, **extra):
    lines = {'model.name': 'bevformer', 'model.preset': 'toy', 'teacher.name': 'bevformer', 'teacher.preset': 'toy_teacher',
             'data.data_root': str(toy_tiny), 'data.image_size': '[96, 160]', 'data.num_past': 1, 'train.max_steps': 4,
             'train.batch_size': 1, 'train.lr': '1.0e-3', 'train.lr_batch': 2, 'train.warmup_steps': 2, 'train.num_workers': 0,
             'train.log_interval': 1, 'train.ckpt_interval': 2, 'train.eval_interval': -1, 'train.eval_classes': 'present',
             'train.accelerator': 'cpu', 'distill.teacher_checkpoint': str(teacher_ckpt),
             'distill.losses': '{mgd_bev: {method: mgd, tap: bev}, hinton_cls: {method: hinton, tap: cls_logits}}', **extra}
    path.write_text(''.join(f'{k}: {v}\n' for k, v in lines.items() if v != ''))  # '' leaves the key out
    return path


def test_distill_two_processes_and_resume(toy_tiny, teacher_ckpt, tmp_path):
    cfg = distill_config(tmp_path / 'kd.yaml', toy_tiny, teacher_ckpt, **{'train.devices': 2})
    out = tmp_path / 'run'
    p = kd3d('distill', '--config', cfg, f'train.out_dir={out}', '--stop-after', '2')
    assert 'global batch 2 = 2 CPU processes x 1' in p.stdout
    assert 'loss_kd_mgd_bev: mgd on bev' in p.stdout and 'teacher bevformer (toy_teacher): mAP' in p.stdout
    kd3d('distill', '--config', cfg, f'train.out_dir={out}', '--resume')
    log = [json.loads(l) for l in (out / 'log.jsonl').read_text().splitlines()]
    assert 'teacher/mAP' in log[0]
    steps = [r for r in log if 'loss' in r]
    assert [r['step'] for r in steps] == [1, 2, 3, 4]
    assert all(r['loss_kd_mgd_bev'] > 0 and r['loss_kd_hinton_cls'] >= 0 for r in steps)
    state = torch.load(out / 'checkpoints' / 'step_0000004.pt', weights_only=True)
    assert state['world_size'] == 2 and len(state['rng']) == 2
    assert {k.split('.')[0] for k in state['trainee']} == {'terms'}  # the adapters; the teacher is not in the checkpoint
    teacher_keys = torch.load(teacher_ckpt, weights_only=True)['model']
    assert state['trainee']['terms.mgd_bev.loss.generator.0.weight'].shape[0] == 128  # the generator reconstructs 128 teacher channels
    assert not any(k.startswith(('student.', 'terms.', 'detector.')) for k in state['model'])  # 'model': the student alone, as a detector saves it
    assert state['model']['bev_embedding.weight'].shape[1] == 64
    assert teacher_keys['bev_embedding.weight'].shape[1] == 128
    p = kd3d('eval', '--config', cfg, '--checkpoint', out / 'checkpoints' / 'step_0000004.pt', 'train.devices=1')
    assert 'mAP' in p.stdout


def test_distill_errors_are_clear(toy_tiny, teacher_ckpt, tmp_path):
    cfg = distill_config(tmp_path / 'kd.yaml', toy_tiny, '')
    p = kd3d('distill', '--config', cfg, f'train.out_dir={tmp_path / "a"}', check=False)
    assert p.returncode == 2 and 'distill.teacher_checkpoint is empty' in p.stderr and 'Traceback' not in p.stderr
    cfg = distill_config(tmp_path / 'kd2.yaml', toy_tiny, teacher_ckpt, **{'model.name': 'detr3d',
                         'distill.losses': '{cwd_bev: {method: cwd, tap: bev}}'})
    p = kd3d('distill', '--config', cfg, f'train.out_dir={tmp_path / "b"}', check=False)
    assert p.returncode == 2 and "reads tap 'bev', which the student DETR3D does not return" in p.stderr
    cfg = distill_config(tmp_path / 'kd3.yaml', toy_tiny, teacher_ckpt, **{'distill.teacher_cache': 'true', 'data.aug.flip': 'true'})
    p = kd3d('distill', '--config', cfg, f'train.out_dir={tmp_path / "c"}', check=False)
    assert p.returncode == 2 and 'data.aug.flip is random' in p.stderr


# a 2-step teacher scores no query above FD3D's threshold 0.3: its 10 best queries count instead (an override of the term)
@pytest.mark.parametrize('method,terms,extra', [('skd', ['skd_temporal', 'skd_spatial', 'skd_resp'], []),
                                                ('fd3d', ['fd3d_mask', 'fd3d_focal'], ['distill.losses.fd3d_focal.hparams.topk=10',
                                                                                       'distill.losses.fd3d_mask.hparams.topk=10'])])
def test_the_papers_methods_distil_by_name(toy_tiny, teacher_ckpt, tmp_path, method, terms, extra):
    "Structured KD and FD3D run through `kd3d distill` by name on the BEVFormer toy pair (chapters 23, 24), here on the tiny toy."
    out = tmp_path / 'run'
    p = kd3d('distill', '--config', f'{method}_bevformer-toy-student_from_bevformer-toy-teacher_demo_toylearn', '--teacher-checkpoint', teacher_ckpt,
             f'data.data_root={toy_tiny}', 'data.make_toy=none', 'data.image_size=[96, 160]', 'train.max_steps=2', 'train.num_workers=0',
             'train.eval_interval=-1', 'train.log_interval=1', 'train.accelerator=cpu', 'distill.teacher_cache=false', f'train.out_dir={out}', *extra)
    steps = [json.loads(l) for l in (out / 'log.jsonl').read_text().splitlines() if '"loss"' in l]
    assert [r['step'] for r in steps] == [1, 2]
    assert all(r[f'loss_kd_{t}'] > 0 for r in steps for t in terms), steps
    state = torch.load(out / 'checkpoints' / 'step_0000002.pt', weights_only=True)['model']
    teacher = torch.load(teacher_ckpt, weights_only=True)['model']
    inherited = torch.equal(state['bev_embedding.weight'], teacher['bev_embedding.weight'])
    assert inherited == (method == 'skd'), 'Structured KD inherits and freezes the BEV queries; FD3D does not'
    if method == 'skd': assert 'inherited and frozen: bev_embedding.weight' in p.stdout


@pytest.fixture(scope='module')
def temporal_teachers(toy_tiny, tmp_path_factory):
    "The long-term (4 frames) and offline (past + current + future) SparseBEV toy teachers, trained for 2 steps on the tiny toy."
    out = {}
    for name in ('sparsebev-toy-long_demo_toylearn', 'sparsebev-toy-offline_demo_toylearn'):
        d = tmp_path_factory.mktemp(name)
        kd3d('train', '--config', name, f'data.data_root={toy_tiny}', 'data.make_toy=none', 'data.image_size=[96, 160]', 'train.max_steps=2',
             'train.num_workers=0', 'train.eval_interval=-1', 'train.accelerator=cpu', f'train.out_dir={d}')
        out[name] = d / 'checkpoints' / 'step_0000002.pt'
    return out


@pytest.mark.parametrize('method,teacher,terms', [
    ('tempdistiller', 'sparsebev-toy-long_demo_toylearn', ['tempdistiller_tfr', 'tempdistiller_trd']),
    ('ftkd', 'sparsebev-toy-offline_demo_toylearn', ['ftkd_pv', 'ftkd_bev', 'ftkd_logit'])])
def test_the_temporal_methods_distil_by_name(toy_tiny, temporal_teachers, tmp_path, method, teacher, terms):
    "TempDistiller and FTKD through `kd3d distill` by name (chapters 25-27): the teacher scored and fed on its own frames, the student's checkpoint a plain SparseBEV's."
    from kd3d.models import sparsebev
    out = tmp_path / 'run'
    p = kd3d('distill', '--config', f'{method}_sparsebev-toy_from_{teacher}', '--teacher-checkpoint', temporal_teachers[teacher],
             f'data.data_root={toy_tiny}', 'data.make_toy=none', 'data.image_size=[96, 160]', 'train.max_steps=2', 'train.num_workers=0',
             'train.eval_interval=-1', 'train.log_interval=1', 'train.accelerator=cpu', f'distill.cache_dir={tmp_path / "cache"}', f'train.out_dir={out}')
    preset = 'toy_long' if 'long' in teacher else 'toy_offline'
    assert f'teacher sparsebev ({preset}): mAP' in p.stdout  # scored on its own frames (a 2-frame batch would be refused)
    steps = [json.loads(l) for l in (out / 'log.jsonl').read_text().splitlines() if '"loss"' in l]
    assert [r['step'] for r in steps] == [1, 2] and all(r[f'loss_kd_{t}'] > 0 for r in steps for t in terms), steps
    assert len(list((tmp_path / 'cache').rglob('*.pt'))) == 4  # the teacher cache holds its selections of the 4 samples seen
    state = torch.load(out / 'checkpoints' / 'step_0000002.pt', weights_only=True)['model']
    plain = sparsebev.build_model(sparsebev.PRESETS['toy']).state_dict()
    assert {k: v.shape for k, v in state.items()} == {k: v.shape for k, v in plain.items()}  # the student alone, as trained without KD


def test_monostl_distils_by_name(toy_tiny, tmp_path):
    "MonoSTL through `kd3d train` and `kd3d distill` by name (chapters 17, 26): the depth teacher reads the LiDAR depth the pair loads, the student's checkpoint is a plain mono detector's."
    from kd3d.models import mono
    t_out, out = tmp_path / 'teacher', tmp_path / 'run'
    common = [f'data.data_root={toy_tiny}', 'data.make_toy=none', 'data.image_size=[96, 160]', 'train.max_steps=2', 'train.num_workers=0',
              'train.accelerator=cpu']
    kd3d('train', '--config', 'mono-toy-depth_demo_toylearn', *common, 'train.eval_interval=-1', f'train.out_dir={t_out}')
    p = kd3d('distill', '--config', 'monostl_mono-toy_from_mono-toy-depth_demo_toylearn', '--teacher-checkpoint', t_out / 'checkpoints' / 'step_0000002.pt',
             *common, 'train.log_interval=1', f'distill.cache_dir={tmp_path / "cache"}', f'train.out_dir={out}')
    assert 'teacher mono (toy_depth): mAP' in p.stdout and 'student mAP' in p.stdout  # both scored by the devkit
    steps = [json.loads(l) for l in (out / 'log.jsonl').read_text().splitlines() if '"loss"' in l]
    terms = [f'monostl_{k}' for k in ('dasfd_s8', 'dasfd_s16', 'dasfd_s32', 'dasrd_s8', 'dasrd_s16', 'dasrd_s32', 'head')]
    assert [r['step'] for r in steps] == [1, 2] and all(r[f'loss_kd_{t}'] > 0 for r in steps for t in terms), steps
    state = torch.load(out / 'checkpoints' / 'step_0000002.pt', weights_only=True)['model']
    plain = mono.build_model(mono.PRESETS['toy']).state_dict()
    assert {k: v.shape for k, v in state.items()} == {k: v.shape for k, v in plain.items()}
