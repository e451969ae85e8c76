#!/usr/bin/env python
"""Build the kd3d infos cache of a nuScenes database once (see nbs/03_data.ipynb).

    python data_scripts/create_infos.py --data-root data/nuscenes [--version v1.0-trainval] [--out FILE]
"""
import argparse, sys
from pathlib import Path
try: import kd3d
except ImportError: sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from a checkout without `pip install -e .`
from kd3d.data import create_infos

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data-root', required=True, help='folder holding <version>/, samples/, sweeps/')
    p.add_argument('--version', default='v1.0-trainval', help='table folder: v1.0-trainval, v1.0-mini, v1.0-test')
    p.add_argument('--out', default=None, help='cache file (default: <data-root>/kd3d_infos_<version>.pt)')
    p.add_argument('--quiet', action='store_true', help='no progress bar or devkit messages')
    a = p.parse_args(argv)
    try: path = create_infos(a.data_root, a.version, a.out, progress=not a.quiet)
    except (FileNotFoundError, ValueError) as e: sys.exit(f'error: {e}')
    print(path)

if __name__ == '__main__': main()
