#!/usr/bin/env python
"""Generate a toy nuScenes database (v1.0-trainval layout) that the unmodified devkit loads.

    python data_scripts/make_toy_nuscenes.py --out data/toy_nuscenes --size tiny
"""
import argparse, sys, time
from pathlib import Path
try: import kd3d
except ImportError: sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from a checkout without `pip install -e .`
from kd3d.toyworld import make_toy_nuscenes, TOY_SIZES


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', required=True, help='dataset root to create (must not hold a v1.0-trainval yet)')
    p.add_argument('--size', default='tiny', choices=sorted(TOY_SIZES), help='named size (default: tiny)')
    p.add_argument('--seed', type=int, default=0, help='same seed -> identical dataset (default: 0)')
    p.add_argument('--workers', type=int, default=0, help='processes over scenes; 0 = one per core')
    p.add_argument('--no-progress', action='store_true', help='hide the progress bar')
    a = p.parse_args(argv)
    t = time.time()
    out = make_toy_nuscenes(a.out, a.size, seed=a.seed, progress=not a.no_progress, workers=a.workers)
    print(f'wrote {out} ({a.size}, seed {a.seed}) in {time.time() - t:.1f} s')


if __name__ == '__main__':
    main()
