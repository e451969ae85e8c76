"""Faults injected into `kd3d train` and `kd3d distill` on the tiny toy (issue 14), each with what kd3d must do:
SIGKILL at random steps, inside a checkpoint write and inside a teacher-cache write, then `--resume`, equals the
uninterrupted run bit for bit (weights, AdamW state, logged losses); broken checkpoints are skipped by name; a cut
teacher-cache entry is recomputed with a warning; a second run on a busy folder is refused and a dead run's lock
taken over; a NaN or inf loss stops the run naming the step, the term and the samples; a full disk keeps the earlier
checkpoints; a copied dataset folder keeps its infos cache.

The runs of a plan are forked from one driver process that has imported kd3d once (`drive`), so that each run costs
its own steps rather than the seconds of imports; the faults are injected inside the forked run by patching
(`inject`), never by a hook in kd3d."""
import builtins, errno, functools, io, json, os, random, shutil, signal, subprocess, sys, time, traceback
from pathlib import Path
import pytest
import torch
from conftest import ROOT
from test_resume import standin_config, losses

STEPS = 12  # the stand-in runs: 8 train samples at batch 2, 4 steps per epoch, 3 epochs


# -- the driver: one process imports kd3d, each run is a forked child -----------------------------------------------
class _FaultyFile(io.FileIO):
    "A file whose writes stop after `limit` bytes: the process is killed there ('kill'), or the disk is full ('full')."
    def __init__(self, path, limit:int, kind:str):
        super().__init__(path, 'w'); self.limit, self.kind = limit, kind
    def write(self, b):
        if self.tell() + len(b) <= self.limit: return super().write(b)
        if self.kind == 'full': raise OSError(errno.ENOSPC, 'No space left on device')
        super().write(bytes(b)[:self.limit - self.tell()]); os.kill(os.getpid(), signal.SIGKILL)


def inject(fault:dict):
    "Patch this (forked) run so that `fault` happens in it. The teacher is never scored here: the runs stay short."
    import kd3d.cli, kd3d.checkpoint as ck, kd3d.train as tr, kd3d.distill.core as dc
    kd3d.cli.distill = functools.partial(dc.distill, evaluate_teacher=False)
    die = lambda: os.kill(os.getpid(), signal.SIGKILL)
    if {'kill_after_step', 'pause_after_step'} & set(fault):  # just after the step's log line, before its checkpoint
        write = ck.RunLog.write
        def logged(self, record):
            write(self, record)
            if 'loss' in record and record['step'] == fault.get('kill_after_step'): die()
            if 'loss' in record and record['step'] == fault.get('pause_after_step'): Path(fault['marker']).touch(); time.sleep(600)
        ck.RunLog.write = logged
    if {'kill_in_checkpoint_write', 'disk_full_at_checkpoint'} & set(fault):  # the checkpoint file of one step stops at 4 kB
        step, kind = (fault['kill_in_checkpoint_write'], 'kill') if 'kill_in_checkpoint_write' in fault else (fault['disk_full_at_checkpoint'], 'full')
        ck.open = lambda p, mode='r', *a, **k: (_FaultyFile(p, 4096, kind) if f'.step_{step:07d}.pt.' in str(p) else builtins.open(p, mode, *a, **k))
    if 'kill_in_cache_write' in fault:  # the n-th teacher-cache entry this run writes is killed half-way
        save, n = torch.save, [0]
        def saving(obj, f, *a, **k):
            if isinstance(f, (str, Path)) and str(f).endswith('.tmp'):
                n[0] += 1
                if n[0] == fault['kill_in_cache_write']:
                    buf = io.BytesIO(); save(obj, buf); Path(f).write_bytes(buf.getvalue()[:buf.tell() // 2]); die()
            return save(obj, f, *a, **k)
        torch.save = saving
    if 'poison' in fault:  # {step, term, value}: the step-th training forward of this run gives `term` the value nan or inf
        p, calls = fault['poison'], [0]
        def poisoned(forward):
            def f(self, batch):
                taps, ls = forward(self, batch)
                if self.training: calls[0] += 1
                return taps, ({**ls, p['term']: ls[p['term']] + float(p['value'])} if calls[0] == p['step'] and self.training else ls)
            return f
        tr.Vanilla.forward, dc.Distiller.forward = poisoned(tr.Vanilla.forward), poisoned(dc.Distiller.forward)


def _child(step:dict, folder:Path):
    "A forked run: output to `<name>.out` / `.err`, the fault injected, then `kd3d` as its console script runs it; never returns."
    rc = 1
    try:
        for fd, ext in ((1, 'out'), (2, 'err')): os.dup2(os.open(folder / f"{step['name']}.{ext}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
        inject(step.get('fault', {}))
        import kd3d.cli
        rc = kd3d.cli.main([str(a) for a in step['argv']])
    except SystemExit as e: rc = e.code if isinstance(e.code, int) else 1
    except BaseException: traceback.print_exc()
    finally:
        sys.stdout.flush(); sys.stderr.flush(); os._exit(rc)


def drive(folder):
    "In its own process: import kd3d once, then carry out `<folder>/plan.json` (runs, each forked; kills; file damage)."
    import kd3d.cli  # noqa: F401 (imported once, before the forks)
    folder = Path(folder)
    results, background = {}, {}
    for step in json.loads((folder / 'plan.json').read_text()):
        if 'kill' in step:  # SIGKILL a run left in the background
            pid = background.pop(step['kill']); os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)
        elif 'cut' in step:  # files cut short: [(path, bytes kept)]
            for path, keep in step['cut']: Path(path).write_bytes(Path(path).read_bytes()[:keep])
        elif 'write' in step: Path(step['write']).write_bytes(step['bytes'].encode())
        else:
            sys.stdout.flush(); sys.stderr.flush()
            pid = os.fork()
            if pid == 0: _child(step, folder)
            if step.get('background'):  # wait until it holds the folder (its marker), then go on
                background[step['name']] = pid
                while not Path(step['fault']['marker']).exists(): assert os.waitpid(pid, os.WNOHANG) == (0, 0), step; time.sleep(0.05)
                results[step['name']] = dict(pid=pid)
                continue
            _, status = os.waitpid(pid, 0)
            results[step['name']] = dict(rc=os.waitstatus_to_exitcode(status), stdout=(folder / f"{step['name']}.out").read_text(),
                                         stderr=(folder / f"{step['name']}.err").read_text())
    (folder / 'results.json').write_text(json.dumps(results))


def run_plan(plan:list, folder:Path)->dict:
    "Carry out `plan` in one driver process; {run name: {'rc', 'stdout', 'stderr'}} (a background run: {'pid'})."
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'plan.json').write_text(json.dumps(plan, default=str))
    env = {**os.environ, 'PYTHONPATH': str(ROOT / 'tests') + os.pathsep + os.environ.get('PYTHONPATH', ''), 'MPLBACKEND': 'Agg',
           'OMP_NUM_THREADS': '1', 'KD3D_HOME': str(folder / 'home'), 'PYTHONWARNINGS': 'default'}
    p = subprocess.run([sys.executable, '-c', f'import test_faults; test_faults.drive({str(folder)!r})'], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, f'the driver failed:\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}'
    return json.loads((folder / 'results.json').read_text())


def run(name, *argv, **fault)->dict: return dict(name=name, argv=list(argv), fault=fault)


# -- what the checks compare ---------------------------------------------------------------------------------------
def assert_same_checkpoint(a:Path, b:Path):
    "Two checkpoints hold the same weights, adapters, AdamW state and schedule, bit for bit."
    ca, cb = (torch.load(p, weights_only=True) for p in (a, b))
    for part in ('model', 'trainee'):
        assert ca.get(part, {}).keys() == cb.get(part, {}).keys(), part
        for k in ca.get(part, {}): assert torch.equal(ca[part][k], cb[part][k]), (part, k)
    for i, s in ca['optimizer']['state'].items():
        for k in ('exp_avg', 'exp_avg_sq', 'step'): assert torch.equal(s[k], cb['optimizer']['state'][i][k]), (i, k)
    assert ca['scheduler'] == cb['scheduler'] and ca['step'] == cb['step']


def steps_of(run_dir:Path)->list: return [p.name for p in sorted((run_dir / 'checkpoints').glob('*'))]


def batch_tokens(data_root:Path, step:int, batch_size:int, seed:int=0)->list:
    "The sample tokens of the batch of `step` (1 for the first) of a one-process run on the toy's train split."
    from kd3d.config import DataConfig
    from kd3d.train import EpochSampler, make_dataset
    ds = make_dataset(DataConfig(data_root=str(data_root)), 'train')
    epoch, done = divmod((step - 1) * batch_size, len(ds) // batch_size * batch_size)
    share = EpochSampler(len(ds), epoch, seed).share()[done:done + batch_size]
    return [ds.infos.sample['token'][int(ds.indices[i])].decode() for i in share]


# -- the stand-in detector's plan: kills, broken checkpoints, two runs, a NaN, a full disk ---------------------------
@pytest.fixture(scope='module')
def standin(toy_tiny, tmp_path_factory):
    "The stand-in detector's runs, one driver: uninterrupted, 5 kills and a resume, broken checkpoints, two runs, a NaN, a full disk."
    d = tmp_path_factory.mktemp('faults_standin')
    cfg = standin_config(d / 'standin_faults_toytiny.yaml', toy_tiny, **{'train.max_steps': STEPS, 'train.keep_ckpts': 0})
    train = lambda out, *more: ['train', '--config', cfg, f'train.out_dir={d / out}', *more]
    kills = sorted(random.Random(14).sample(range(1, STEPS), 5))  # 5 steps of the 11 before the last, seeded
    plan = [run('straight', *train('straight'))]
    plan += [run(f'kill{i}', *train('killed', *(['--resume'] if i else [])), kill_after_step=k) for i, k in enumerate(kills)]
    plan += [run('resumed', *train('killed', '--resume')),
             run('corrupt_part', *train('corrupt', '--stop-after', 6)),
             dict(cut=[(d / 'corrupt' / 'checkpoints' / 'step_0000006.pt', 3000)]),  # truncated
             dict(write=str(d / 'corrupt' / 'checkpoints' / 'step_0000004.pt'), bytes='not a checkpoint at all'),  # garbage
             run('corrupt_resumed', *train('corrupt', '--resume')),
             dict(run('holder', *train('locked'), pause_after_step=3, marker=str(d / 'holding')), background=True),
             run('second', *train('locked')), run('second_resume', *train('locked', '--resume')),
             dict(kill='holder'),
             run('after_holder', *train('locked', '--resume')),
             run('nan', *train('nan'), poison=dict(step=5, term='loss_det_cls_d0', value='nan')),
             run('full', *train('full'), disk_full_at_checkpoint=4)]
    t0 = time.perf_counter()
    r = run_plan(plan, d)
    print(f'stand-in plan: {len(plan)} steps in {time.perf_counter() - t0:.1f} s')
    return d, r, kills, toy_tiny


def test_five_kills_resume_equals_uninterrupted(standin):
    "SIGKILL after 5 seeded random steps, each followed by --resume: the end equals the uninterrupted run, log included."
    d, r, kills, _ = standin
    assert [r[f'kill{i}']['rc'] for i in range(5)] == [-signal.SIGKILL] * 5, kills
    assert r['resumed']['rc'] == 0, r['resumed']['stderr'][-2000:]
    for i in range(1, 5):  # each resume took over the lock its killed predecessor left, from the newest checkpoint before the kill
        out = r[f'kill{i}']['stdout']
        assert 'taking over the stale lock of pid' in out and f'at step {(kills[i - 1] - 1) // 2 * 2}' in out, (kills, out[-1500:])
    assert_same_checkpoint(d / 'straight' / 'checkpoints' / f'step_{STEPS:07d}.pt', d / 'killed' / 'checkpoints' / f'step_{STEPS:07d}.pt')
    assert losses(d / 'straight') == losses(d / 'killed') and [x['step'] for x in losses(d / 'killed')] == list(range(1, STEPS + 1))
    assert not (d / 'killed' / 'run.lock').exists() and not (d / 'straight' / 'run.lock').exists()


def test_corrupt_checkpoints_fall_back(standin):
    "The two newest checkpoints truncated and garbage: --resume names both, continues from the third, ends as uninterrupted."
    d, r, _, _ = standin
    out = r['corrupt_resumed']['stdout']
    assert r['corrupt_resumed']['rc'] == 0, r['corrupt_resumed']['stderr'][-2000:]
    for step in (6, 4):  # the newest truncated, the next garbage: each named, with why
        assert (f"resume: skipped step_{step:07d}.pt: checkpoint {d / 'corrupt' / 'checkpoints' / f'step_{step:07d}.pt'} cannot be read "
                f"(not a zip archive, as torch.save writes: cut short, or not a checkpoint at all)") in out, out[-2000:]
    assert f"resumed from {d / 'corrupt' / 'checkpoints' / 'step_0000002.pt'} at step 2" in out
    assert_same_checkpoint(d / 'straight' / 'checkpoints' / f'step_{STEPS:07d}.pt', d / 'corrupt' / 'checkpoints' / f'step_{STEPS:07d}.pt')
    assert losses(d / 'straight') == losses(d / 'corrupt')


def test_two_runs_one_folder(standin):
    "A run on a folder that a live run holds is refused, naming it; once the holder is killed, its stale lock is taken over."
    d, r, _, _ = standin
    holder = r['holder']['pid']
    for name in ('second', 'second_resume'):  # refused at once, naming the live holder, with or without --resume
        p = r[name]
        assert p['rc'] == 2 and 'Traceback' not in p['stderr'], p['stderr'][-2000:]
        assert f"kd3d train: error: run folder {d / 'locked'} is in use by another run: pid {holder} on host " in p['stderr']
    out = r['after_holder']['stdout']
    assert r['after_holder']['rc'] == 0 and f"taking over the stale lock of pid {holder}" in out and 'at step 2' in out, out[-1500:]
    assert not (d / 'locked' / 'run.lock').exists()  # given back at the end of the run


def test_nonfinite_loss_stops_the_run(standin):
    "A NaN detection loss at step 5 stops the run naming the step, the term and the samples; checkpoint 4 is the newest."
    d, r, _, toy_tiny = standin
    p = r['nan']
    tokens = batch_tokens(toy_tiny, 5, batch_size=2)
    assert p['rc'] == 2 and f"kd3d train: error: step 5: loss_det_cls_d0 = nan on the batch of samples {tokens}" in p['stderr'], p['stderr'][-2000:]
    assert 'Traceback' not in p['stderr']  # a user error: one line (kd3d.cli.USER_ERRORS)
    assert f"Nothing after step 4 was saved; the newest checkpoint is {d / 'nan' / 'checkpoints' / 'step_0000004.pt'}" in p['stderr']
    assert steps_of(d / 'nan') == ['step_0000002.pt', 'step_0000004.pt']  # the last good one is kept, nothing newer
    assert torch.load(d / 'nan' / 'checkpoints' / 'step_0000004.pt', weights_only=True)['step'] == 4
    assert [x['step'] for x in losses(d / 'nan')] == [1, 2, 3, 4] and not (d / 'nan' / 'run.lock').exists()


def test_disk_full_stops_the_run(standin):
    "The disk fills up while step 4's checkpoint is written: one line naming the folder; step 2's checkpoint intact."
    d, r, _, _ = standin
    p = r['full']
    assert p['rc'] == 2 and 'Traceback' not in p['stderr'], p['stderr'][-2000:]
    assert f"error: no space left on the device of {d / 'full' / 'checkpoints'} while writing step_0000004.pt (No space left on device;" in p['stderr']
    assert 'Free space there, lower train.keep_ckpts, or move train.out_dir to a larger disk, then continue with --resume' in p['stderr']
    assert steps_of(d / 'full') == ['step_0000002.pt'] and not (d / 'full' / 'run.lock').exists()  # no temporary file, the lock given back
    assert_same_checkpoint(d / 'straight' / 'checkpoints' / 'step_0000002.pt', d / 'full' / 'checkpoints' / 'step_0000002.pt')


# -- the distillation plan: the teacher cache on ---------------------------------------------------------------------
def distill_config(path:Path, data_root:Path, teacher:Path)->Path:
    "The BEVFormer toy pair of tests/test_distill_cli.py with the teacher cache on: 8 samples at batch 1, 10 steps (epoch 2 reads the cache)."
    lines = {'model.name': 'bevformer', 'model.preset': 'toy', 'teacher.name': 'bevformer', 'teacher.preset': 'toy_teacher',
             'data.data_root': str(data_root), 'data.image_size': '[96, 160]', 'data.num_past': 1, 'train.max_steps': 10,
             'train.batch_size': 1, 'train.lr': '1.0e-3', 'train.lr_batch': 2, 'train.warmup_steps': 2, 'train.num_workers': 0,
             'train.log_interval': 1, 'train.ckpt_interval': 2, 'train.keep_ckpts': 0, 'train.eval_interval': -1,
             'train.accelerator': 'cpu', 'distill.teacher_checkpoint': str(teacher), 'distill.teacher_cache': 'true',
             'distill.losses': '{mgd_bev: {method: mgd, tap: bev}, hinton_cls: {method: hinton, tap: cls_logits}}'}
    path.write_text(''.join(f'{k}: {v}\n' for k, v in lines.items()))
    return path


@pytest.fixture(scope='module')
def distilled(toy_tiny, tmp_path_factory):
    "The BEVFormer toy pair with the teacher cache on, two drivers: kills in a checkpoint and a cache write; cut entries; an inf KD loss."
    from kd3d.checkpoint import save_checkpoint
    from kd3d.config import ExperimentConfig, ModelConfig, flatten_config
    from kd3d.core import seed_everything
    from kd3d.train import build_detector
    d = tmp_path_factory.mktemp('faults_distill')
    seed_everything(0)  # a teacher with random weights is enough: what is tested is the loop around it
    tcfg = ExperimentConfig(model=ModelConfig(name='bevformer', preset='toy_teacher'))
    save_checkpoint(d / 'teacher.pt', dict(model=build_detector(tcfg.model).state_dict(), config=flatten_config(tcfg)))
    cfg = distill_config(d / 'kd_faults_toytiny.yaml', toy_tiny, d / 'teacher.pt')
    kd = lambda out, cache, *more: ['distill', '--config', cfg, f'train.out_dir={d / out}', f'distill.cache_dir={d / cache}', *more]
    t0 = time.perf_counter()
    kills = run_plan([run('straight', *kd('straight', 'cache_a')),
                      run('kill_in_checkpoint', *kd('killed', 'cache_b'), kill_in_checkpoint_write=4),  # dies writing step 4's checkpoint
                      run('kill_in_cache', *kd('killed', 'cache_b', '--resume'), kill_in_cache_write=2),  # resumes at 2, dies writing step 6's entry
                      run('resumed', *kd('killed', 'cache_b', '--resume'))], d / 'plan_kills')
    entries = sorted((d / 'cache_a').rglob('*.pt'))  # the straight run's teacher outputs, one file per sample
    cuts = run_plan([dict(cut=[(p, 100) for p in entries]),  # every entry cut short
                     run('cut_entries', *kd('cut', 'cache_a', '--stop-after', 2)),
                     run('inf', *kd('inf', 'cache_a'), poison=dict(step=3, term='loss_kd_mgd_bev', value='inf'))], d / 'plan_cuts')
    print(f'distillation plans: {time.perf_counter() - t0:.1f} s')
    return d, {**kills, **cuts}, entries, toy_tiny


def test_distill_kills_resume_bit_identical(distilled):
    "Killed inside a checkpoint write, then inside a teacher-cache write, then resumed: bit-identical to the uninterrupted run."
    d, r, _, _ = distilled
    assert r['straight']['rc'] == 0, r['straight']['stderr'][-2000:]
    assert [r[n]['rc'] for n in ('kill_in_checkpoint', 'kill_in_cache')] == [-signal.SIGKILL] * 2
    assert 'resumed from' in r['kill_in_cache']['stdout'] and 'at step 2' in r['kill_in_cache']['stdout']
    out = r['resumed']['stdout']
    assert r['resumed']['rc'] == 0 and 'at step 4' in out and 'taking over the stale lock' in out, r['resumed']['stderr'][-2000:]
    assert any(p.name.endswith('.tmp') for p in (d / 'cache_b').rglob('*')), 'the killed cache write left its temporary file'
    assert f"removed {d / 'killed' / 'checkpoints'}/.step_0000004.pt." in r['kill_in_cache']['stdout']  # the killed save's leftover
    assert_same_checkpoint(d / 'straight' / 'checkpoints' / 'step_0000010.pt', d / 'killed' / 'checkpoints' / 'step_0000010.pt')
    assert losses(d / 'straight') == losses(d / 'killed') and [x['step'] for x in losses(d / 'killed')] == list(range(1, 11))
    assert all(x['loss_kd_mgd_bev'] > 0 for x in losses(d / 'killed'))


def test_truncated_cache_entry_is_recomputed(distilled):
    "Every teacher-cache entry cut to 100 bytes: each one read is named in a warning and recomputed; the losses are the uncut ones."
    d, r, entries, _ = distilled
    p = r['cut_entries']
    assert p['rc'] == 0, p['stderr'][-2000:]
    warned = [e for e in entries if f"teacher cache entry {e} cannot be read" in p['stderr']]
    assert len(warned) == 2 and 'The teacher recomputes it' in p['stderr'], p['stderr'][-2000:]  # the 2 samples of the 2 steps
    assert losses(d / 'cut') == losses(d / 'straight')[:2]  # recomputed: the numbers of the uncut cache
    assert all(e.stat().st_size > 100 for e in warned)  # written again, whole


def test_nonfinite_kd_loss_stops_the_run(distilled):
    "An infinite KD term at step 3 stops the distillation naming it and the sample; checkpoint 2 is the newest."
    d, r, _, toy_tiny = distilled
    p = r['inf']
    tokens = batch_tokens(toy_tiny, 3, batch_size=1)
    assert p['rc'] == 2 and f"error: step 3: loss_kd_mgd_bev = inf on the batch of samples {tokens}" in p['stderr'], p['stderr'][-2000:]
    assert steps_of(d / 'inf') == ['step_0000002.pt'] and not (d / 'inf' / 'run.lock').exists()


# -- in this process: a full disk under save_checkpoint, and a moved dataset folder ---------------------------------
def test_disk_full_while_saving(tmp_path, monkeypatch):
    "A write that fails with ENOSPC half-way: the previous file is untouched, the temporary file removed, the folder named."
    import kd3d.checkpoint as ck
    first = ck.save_checkpoint(tmp_path / 'run' / 'step_1.pt', dict(model={'w': torch.arange(4.)}, step=1))
    before = first.read_bytes()
    monkeypatch.setattr(ck, 'open', lambda p, mode='r': _FaultyFile(p, 1000, 'full'), raising=False)
    with pytest.raises(ck.CheckpointError) as e:
        ck.save_checkpoint(first, dict(model={'w': torch.zeros(10_000)}, step=2))  # over the same file: it must survive
    monkeypatch.undo()
    msg = str(e.value)
    assert msg.startswith(f"no space left on the device of {tmp_path / 'run'} while writing step_1.pt (No space left on device;")
    assert 'MB free there): nothing was replaced' in msg and '--resume' in msg and '\n' not in msg
    assert first.read_bytes() == before and ck.load_checkpoint(first)['step'] == 1
    assert sorted(p.name for p in (tmp_path / 'run').iterdir()) == ['step_1.pt']  # the temporary file is removed


def test_moved_data_keeps_its_infos_cache(toy_tiny, tmp_path, monkeypatch):
    "A toy folder copied elsewhere (the original removed) is read there with its cache, not rebuilt, and gives the same samples."
    import kd3d.data
    from kd3d.data import NuScenesDataset
    built = tmp_path / 'built' / 'toy'
    shutil.copytree(toy_tiny, built, ignore=shutil.ignore_patterns('kd3d_infos_*'))
    NuScenesDataset(built, split='train', image_size=(48, 80), progress=False)  # builds the cache there
    moved = tmp_path / 'moved' / 'toy'
    shutil.copytree(built, moved)
    shutil.rmtree(built)  # nothing left where it was built
    cache = moved / 'kd3d_infos_v1.0-trainval.pt'
    stamp = cache.stat().st_mtime_ns
    monkeypatch.setattr(kd3d.data, 'create_infos', lambda *a, **k: pytest.fail('the infos cache was rebuilt'))
    ds = NuScenesDataset(moved, split='train', image_size=(48, 80), progress=False)
    ref = NuScenesDataset(toy_tiny, split='train', image_size=(48, 80), progress=False)
    assert cache.stat().st_mtime_ns == stamp and ds.infos.meta['data_root'] == str(moved.resolve())
    a, b = ds[3], ref[3]
    assert a['sample_token'] == b['sample_token'] and torch.equal(a['img'], b['img']) and torch.equal(a['gt_boxes'], b['gt_boxes'])
