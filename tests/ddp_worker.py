"""Run by tests/test_ddp.py, as a user would run training: one optimizer step of kd3d.train's pieces on the toy data
through Fabric (one process, two processes by Fabric's own launcher, or two under torchrun). For each (batch size,
accumulation) setup, process 0 saves the gradients of every process, the mean losses, the sample tokens each process
read and every process's weights after the AdamW step.

    python tests/ddp_worker.py DATA_ROOT OUT.pt DEVICES BATCHxACCUM [BATCHxACCUM ...]"""
import sys
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).parent))  # the stand-in detector
from kd3d.config import ExperimentConfig, DataConfig, ModelConfig, TrainConfig
from kd3d.core import seed_everything
from kd3d import train as T


def one_step(fabric, ds, batch_size, accumulate):
    seed_everything(0)
    det = T.build_detector(ModelConfig(name='standin.detector', overrides={'dropout': 0.0}))
    opt = torch.optim.AdamW(T.param_groups(det, 1e-3, 0.01, {'backbone': 0.1, 'sampling_offset': 0.1}))
    trainee, opt = fabric.setup(T.as_trainee(det), opt)
    loader = iter(T.make_loader(ds, batch_size, epoch=0, seed=0, rank=fabric.global_rank, world_size=fabric.world_size))
    micro = [fabric.to_device(next(loader)) for _ in range(accumulate)]
    losses = T.accumulate_gradients(fabric, trainee, micro)
    grads = {n: p.grad.detach().clone() for n, p in det.named_parameters()}
    norm = T.optimizer_step(fabric, trainee, opt, grad_clip=35.0)
    return dict(grads=T.gather_objects(fabric, grads), norm=norm,
                losses={k: fabric.all_reduce(v, reduce_op='mean').item() for k, v in losses.items()},
                tokens=T.gather_objects(fabric, [t for b in micro for t in b['sample_token']]),
                weights=T.gather_objects(fabric, {k: v.detach().clone() for k, v in det.state_dict().items()}))


def main(data_root, out, devices, *setups):
    fabric = T.make_fabric(TrainConfig(accelerator='cpu', devices=int(devices), precision='32-true'))
    ds = T.make_dataset(DataConfig(data_root=data_root, image_size=(48, 80)), 'train')
    results = {}
    for s in setups:
        b, a = map(int, s.split('x'))
        results[s] = one_step(fabric, ds, b, a)
    if fabric.global_rank == 0:
        torch.save(dict(world_size=fabric.world_size, num_nodes=getattr(fabric.strategy, 'num_nodes', 1), results=results), out)
    fabric.barrier()


if __name__ == '__main__':
    main(*sys.argv[1:])
